"""Clients of outside systems (ERP, ITSM, mail, chat) behind small typed ports (``ports``). They
read and write none of poflow's tables: what they exchange is in ``domain``."""
