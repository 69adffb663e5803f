"""The DuckDB warehouse: its schema and the few functions that read and write it."""

from pipeline.warehouse.store import LoadCounts, connect, store_sheet

__all__ = ["LoadCounts", "connect", "store_sheet"]
