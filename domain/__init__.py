"""Pure procurement rules: standard library only, no clock, no I/O.

Modules whose dataclasses travel through Temporal keep evaluated annotations (no
``from __future__ import annotations``): the data converter builds them inside the workflow
sandbox, where string annotations of passed-through modules cannot be resolved.
"""
