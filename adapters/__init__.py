"""Clients of outside systems (ERP, ITSM, mail, chat) behind small typed ports, with simulators."""
