"""Warehouse: official key-figure exports loaded into DuckDB with provenance, and a read-only client."""
