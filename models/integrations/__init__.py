"""What poflow exchanges with outside systems: ITSM deliveries, ERP events, the outbox and the
digest."""
