"""Moved to pipeline.pages (page models: pipeline.pages.models; builder: pipeline.pages.build)."""

from pipeline.pages.build import build_pages
from pipeline.pages.models import Pages

__all__ = ["Pages", "build_pages"]
