"""Budgets: budget lines and their versions, the append-only ledger, commitments, alerts, the cost-
center hierarchy and every budget report."""
