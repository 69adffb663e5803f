"""Reference data (data/ref): territory, activity taxonomy, aliases, millésimes."""

from pipeline.ref.load import Ref, RefYear, load_ref

__all__ = ["Ref", "RefYear", "load_ref"]
