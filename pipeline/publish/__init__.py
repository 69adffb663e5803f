"""Publishing the year's tables: CSV, one XLSX workbook, a TableSchema per CSV, datapackage.json."""

from pipeline.publish.tables import quarantine_table, table_schema, write_tables

__all__ = ["quarantine_table", "table_schema", "write_tables"]
