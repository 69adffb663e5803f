"""The static site of a year's report (Jinja2), and the page models it shares with the PDF.

Public entry points: build_site(ctx, out_dir), BuildContext, context_from_tables, build_pages.
"""

from pipeline.site.build import build_site
from pipeline.site.context import BuildContext, context_from_tables
from pipeline.site.model import build_pages

__all__ = ["BuildContext", "build_pages", "build_site", "context_from_tables"]
