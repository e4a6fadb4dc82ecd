"""Cost sources: their configuration, uploads of their files, and the loads that take them in."""
