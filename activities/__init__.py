"""Temporal activities: the only code a workflow uses to touch the world."""
