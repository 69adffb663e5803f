"""The static site of a year's report (Jinja2), rendered from the page models of pipeline.pages.

Public entry points: build_site(ctx, out_dir); BuildContext, context_from_tables and build_pages are
re-exported from pipeline.pages for existing callers.
"""

from pipeline.pages import BuildContext, build_pages, context_from_tables
from pipeline.site.build import build_site

__all__ = ["BuildContext", "build_pages", "build_site", "context_from_tables"]
