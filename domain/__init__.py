"""Pure procurement rules, and the dataclasses workflows, activities and adapters exchange
(``erp_messages``, ``tickets``, ``notifications``): standard library only, no clock, no I/O.

Modules whose dataclasses travel through Temporal keep evaluated annotations (no
``from __future__ import annotations``): the data converter builds them inside the workflow
sandbox, where string annotations of passed-through modules cannot be resolved.
"""
