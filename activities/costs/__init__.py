"""The cost-load activities: ingest a cost file into staged loads, swap them in, abandon."""
