"""The cost-load activities: where files come from, ingesting them into staged loads, swapping
them in or abandoning them, reconciling and booking them, and telling the source's owners."""
