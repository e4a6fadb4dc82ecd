"""Every workflow the worker runs, in one list."""

from __future__ import annotations

WORKFLOWS: list[type] = []
