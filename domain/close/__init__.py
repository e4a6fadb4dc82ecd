"""Month-end close: the accrual journal of usage not yet invoiced, its reversal, and the GL
reconciliation against the ERP (docs/month-end-close.md)."""
