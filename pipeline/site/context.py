"""Moved to pipeline.pages.context (the context is read by the site and the PDF alike)."""

from pipeline.pages.context import (
                                    CONFLICTS_SCHEMA,
                                    LOAD_LOG_SCHEMA,
                                    QUARANTINE_SCHEMA,
                                    WARNINGS_SCHEMA,
                                    BuildContext,
                                    context_from_tables,
)

__all__ = ["CONFLICTS_SCHEMA", "LOAD_LOG_SCHEMA", "QUARANTINE_SCHEMA", "WARNINGS_SCHEMA", "BuildContext",
           "context_from_tables"]
