"""Extraction from the ledger and HR sources through SQLAlchemy Core: aggregates only, computed in the database."""
