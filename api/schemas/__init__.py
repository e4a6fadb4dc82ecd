"""Request and response bodies of the JSON API, one module per subject."""
