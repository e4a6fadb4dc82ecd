"""FastAPI: app factory, dependencies, schemas and routes. Thin: validate, call, render."""
