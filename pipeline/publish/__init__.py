"""Publishing the year's tables: CSV, one XLSX workbook, and a TableSchema per CSV."""

from pipeline.publish.tables import quarantine_table, table_schema, write_tables

__all__ = ["quarantine_table", "table_schema", "write_tables"]
