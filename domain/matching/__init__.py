"""Matching an invoice's lines to the PO lines they claim (docs/invoice-matching.md): 2-way
(invoice against PO) or 3-way (invoice against PO and receipt), within the approval policy's
tolerances, and the variances a finance person reads when a line is outside them.

Pure rules and frozen dataclasses; workflows exchange them, so no module here uses
``from __future__ import annotations``."""
