"""Exports → tables of text: detect encoding, separator, title rows and header; keep provenance."""
