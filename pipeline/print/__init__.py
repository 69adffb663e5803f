"""The printable PDF of a year's report (Typst), rendered from the same page models as the site."""

from pipeline.print.build import build_pdf

__all__ = ["build_pdf"]
