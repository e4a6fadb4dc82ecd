"""Temporal workflows, one module per workflow: orchestration only."""
