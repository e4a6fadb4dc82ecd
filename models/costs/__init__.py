"""Cost data: sources, loads, the partitioned cost lines, quarantined rows and daily roll-ups."""
