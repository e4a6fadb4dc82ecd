"""Vendors: the vendor master, MSAs, catalogs and tax codes."""
