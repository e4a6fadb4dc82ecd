"""Server-rendered pages for people: login, inbox, the PO page and its decision form."""
