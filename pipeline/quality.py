"""The data-quality summary: per-file reconciliation, quarantine by reason, conflicts.

Built from the analyst API's Warehouse (no second code path); `bilan validate` prints it (or its
JSON, whose shape is the contract of docs/spec/outputs.md) and the site's data-quality page shows the same numbers.
"""

from __future__ import annotations

import polars as pl

FILES_SQL = """
-- One entry per loaded file (its sheets summed), in load order.
SELECT fichier,
       sum(lignes_lues)::INTEGER AS lignes_lues,
       sum(acceptees)::INTEGER   AS acceptees,
       sum(quarantaine)::INTEGER AS quarantaine,
       sum(doublons)::INTEGER    AS doublons,
       sum(conflits)::INTEGER    AS conflits,
       string_agg(CASE WHEN refuse IS NULL THEN NULL
                       WHEN feuille IS NULL THEN refuse
                       ELSE 'feuille « ' || feuille || ' » : ' || refuse END, ' ; ') AS refuse,
       min(charge_le) AS charge_le,
       any_value(sha256) AS sha256
FROM load_log
GROUP BY fichier, sha256
ORDER BY min(load_id)
"""


def files(wh) -> pl.DataFrame:
    """Per-file reconciliation (a workbook's sheets summed), in load order."""
    return wh.sql(FILES_SQL).pl()


def reason_kind(raison: pl.Expr) -> pl.Expr:
    """'code commune inconnu : 26999; thématique inconnue : « x »' → 'code commune inconnu' (first reason)."""
    return raison.str.split("; ").list.first().str.replace(r"\s*:.*$", "")


def summary(wh, year: int | None = None) -> dict:
    """The JSON object of `bilan validate --json` (wh: a pipeline.api.Warehouse)."""
    f = files(wh)
    q = wh.quarantine(year)
    return {
        "files": [
            {"fichier": r["fichier"], "lignes_lues": r["lignes_lues"], "acceptees": r["acceptees"],
             "quarantaine": r["quarantaine"], "doublons": r["doublons"], "conflits": r["conflits"],
             "refuse": r["refuse"]}
            for r in f.iter_rows(named=True)
        ],
        "quarantaine": [
            {"fichier": r["fichier"], "ligne": r["ligne"], "id_mission": r["id_mission"], "raison": r["raison"]}
            for r in q.iter_rows(named=True)
        ],
    }


def by_reason(q: pl.DataFrame) -> pl.DataFrame:
    """Quarantined rows counted by kind of reason, largest first."""
    return (q.with_columns(reason_kind(pl.col("raison")).alias("motif"))
             .group_by("motif").len("lignes").sort(["lignes", "motif"], descending=[True, False]))
