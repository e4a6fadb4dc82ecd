"""How every poflow process talks to Temporal: the data converter clients and workers share
(``converter``) and the connection made from the settings (``connection``). It imports no
workflow or activity, so the web app connects without loading them."""
