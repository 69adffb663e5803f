"""The editorial set of one year, checked against the year's tables: what `bilan build` calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from pipeline.editorial.figures import figures_for_year, sigles_from_ref
from pipeline.editorial.files import load_editorial
from pipeline.editorial.render import RenderedEditorial, render_editorial
from pipeline.errors import BilanError


def editorial_folder(year: int, root: Path | None = None) -> Path:
    """`data/editorial/YEAR` by default; `--editorial DIR` names either DIR/YEAR or the year's folder."""
    from pipeline import config

    if root is None:
        return config.EDITORIAL_DIR / str(year)
    root = Path(root)
    if (root / str(year)).is_dir() or not any(root.glob("*.md")):
        return root / str(year)      # a folder of years (absent year: the report builds without texts)
    return root                      # the year's own folder


def editorial_for_year(year: int, tables: dict[str, pl.DataFrame], ref: Any,
                       root: Path | None = None) -> RenderedEditorial:
    """Load, check and render; raises BilanError naming the file and the problem in one line."""
    if root is not None and not Path(root).is_dir():
        raise BilanError(f"dossier éditorial introuvable : {root}", 2)
    ed = load_editorial(editorial_folder(year, root), year)
    known = set(ref.partenaires["partenaire"].to_list()) if ref is not None else set()
    for note in ed.partenaires:
        if note in ed.draft_partners():
            continue
        if note.partenaire and known and note.partenaire not in known:
            raise BilanError(f"éditorial partenaires.yaml : « {note.partenaire} » n'est pas un partenaire de "
                             "data/ref/partenaires.csv", 2)
    figures = figures_for_year(tables, ed.faits, sigles_from_ref(ref) if ref is not None else None)
    return render_editorial(ed, figures)
