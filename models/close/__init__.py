"""Month-end close: runs, journals, export attempts, GL differences (docs/month-end-close.md)."""
