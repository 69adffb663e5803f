"""The DuckDB warehouse: its schema and the few functions that read and write it."""

from pipeline.warehouse.store import connect, store_sheet, LoadCounts

__all__ = ["connect", "store_sheet", "LoadCounts"]
