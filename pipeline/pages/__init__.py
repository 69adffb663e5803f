"""The report's pages, independent of any output: typed page models and the report's prose.

The site (pipeline.site, Jinja2), the PDF (pipeline.print, Typst), the charts and the maps all read
what `build_pages(ctx)` returns; the words come from `pipeline.pages.prose`, the figures from
pipeline.breakdowns, the official names from `pipeline.pages.names`, the colours from
`pipeline.pages.palette`.
"""

from pipeline.pages.build import build_pages
from pipeline.pages.context import BuildContext, context_from_tables
from pipeline.pages.models import (
                                   CantonPage,
                                   CommuneDemandes,
                                   Departement,
                                   EpciRow,
                                   Pages,
                                   Section,
                                   Share,
                                   StackRow,
                                   TailleRow,
                                   TrendRow,
)

__all__ = ["BuildContext", "CantonPage", "CommuneDemandes", "Departement", "EpciRow", "Pages", "Section",
           "Share", "StackRow", "TailleRow", "TrendRow", "build_pages", "context_from_tables"]
