"""build_pages: every page model of a year, from a BuildContext (breakdown tables + reference).

Why here and nowhere else: the site, the PDF, the charts and the maps all read the result, so the
ordering, colours, official names and sentences are decided once. Nothing is counted here: the figures
are the breakdowns' (pipeline.breakdowns, including breakdowns.derived for what the pages add).
"""

from __future__ import annotations

import polars as pl

from pipeline.breakdowns.derived import (
    communes_demandes,
    partenaire_types,
    taille_couverture,
)
from pipeline.fmt import label, name
from pipeline.pages import prose
from pipeline.pages.context import BuildContext
from pipeline.pages.meta import annexe, methodologie, qualite
from pipeline.pages.models import (
    CantonPage,
    CommuneDemandes,
    CommuneRow,
    Departement,
    EpciRow,
    KeyFigure,
    Pages,
    Share,
    StackRow,
    TailleRow,
    TrendRow,
)
from pipeline.pages.names import canton_name, epci_name
from pipeline.pages.palette import (
    FALLBACK,
    PARTENAIRE_TYPE,
    PARTENAIRE_TYPE_LABEL,
    Palette,
)
from pipeline.shares import equal_counts_differ


def build_pages(ctx: BuildContext) -> Pages:
    """Every page model of the year. Cached on the context: the site and the PDF share one copy."""
    if "pages" not in ctx._cache:
        pal = Palette(ctx.ref)
        ctx._cache["pages"] = Pages(
            year=ctx.year,
            title=prose.title(ctx.year),
            version=ctx.version,
            generated_at=ctx.generated_at.strftime("%d/%m/%Y %H:%M"),
            departement=_departement(ctx, pal),
            methodologie=methodologie(ctx),
            qualite=qualite(ctx),
            annexe=annexe(ctx),
            texts=prose.texts(),
        )
    return ctx._cache["pages"]


# ---------------------------------------------------------------------------------------- helpers

def _ordered(df: pl.DataFrame, col: str, order: list[str]) -> pl.DataFrame:
    """Rows in data/ref order (stable colours and legends); unknown labels last."""
    rank = {v: i for i, v in enumerate(order)}
    return df.with_columns(pl.col(col).replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
                           .alias("_o")).sort("_o").drop("_o")


def _shares(df: pl.DataFrame | None, col: str, colors: dict[str, str], count: str = "missions",
            short: dict[str, str] | None = None, group: str | None = None) -> list[Share]:
    """Shares of a table (zero rows dropped: a chart has nothing to draw for them)."""
    if df is None:
        return []
    return [Share(label(r[col]), int(r[count]), int(r["pct"]), colors.get(r[col], FALLBACK),
                  label((short or {}).get(r[col], r[col])), label(r.get(group, "")) if group else "")
            for r in df.iter_rows(named=True) if r[count]]


def _note(shares: list[Share]) -> str:
    """The rounding note when two equal counts show different percents (Valence-1: 42 % / 41 %)."""
    return prose.ROUNDING_NOTE if equal_counts_differ([s.count for s in shares], [s.pct for s in shares]) else ""


# ---------------------------------------------------------------------------------------- département

def _departement(ctx: BuildContext, pal: Palette) -> Departement:
    ref = ctx.ref
    s = ctx.summary()
    them_order = ref.thematiques.sort("ordre")["thematique"].to_list()
    prest_order = ref.prestations.sort("ordre")["prestation"].to_list()
    sigles = dict(ref.prestations.select("prestation", "sigle").iter_rows())

    domaines = _shares(_ordered(ctx.tables["by_domaine"], "domaine", list(pal.domaine)), "domaine", pal.domaine)
    thematiques = _shares(_ordered(ctx.tables["by_thematique"], "thematique", them_order), "thematique",
                          pal.thematique, group="domaine")
    prestations = _shares(_ordered(ctx.tables["by_prestation"], "prestation", prest_order), "prestation",
                          pal.prestation, short=sigles)
    part = ctx.tables["by_partenaire"].sort(["type", "missions"], descending=[False, True])
    partenaires = _shares(part, "partenaire", pal.partenaire, group="type")
    types = [Share(PARTENAIRE_TYPE_LABEL[r["type"]], int(r["missions"]), int(r["pct"]), PARTENAIRE_TYPE[r["type"]],
                   group=r["type"]) for r in partenaire_types(ctx.tables["by_partenaire"]).iter_rows(named=True)]
    taille = _taille(ctx, pal)
    bc = ctx.table("by_commune")
    communes = ([CommuneDemandes(r["code_insee"], name(r["commune"]), r["classe"] or "", int(r["demandes"]))
                 for r in communes_demandes(bc).iter_rows(named=True)] if bc is not None else [])
    notes = {k: n for k, n in (("domaines", _note(domaines)), ("thematiques", _note(thematiques)),
                               ("prestations", _note(prestations)), ("partenaires", _note(partenaires))) if n}
    return Departement(
        key_figures=[KeyFigure(*k) for k in prose.key_figure_notes(ctx.year, s)],
        intro=prose.intro(ctx.year, int(s["demandes"] or 0), _int_or_none(s.get("evolution_demandes_pct"))),
        domaines=domaines, thematiques=thematiques, prestations=prestations,
        partenaires=partenaires, partenaire_types=types,
        taille=taille,
        taille_phrase=(prose.taille_phrase((taille[0].classe, taille[0].pct_demandes, taille[0].demandes),
                                           (taille[1].classe, taille[1].pct_demandes, taille[1].demandes))
                       if len(taille) > 1 else ""),
        partenaires_phrase=prose.partenaires_phrase(types[0].pct, types[1].pct),
        domaine_prestation=_domaine_prestation(ctx, pal, sigles, prest_order),
        epci=_epci(ctx), cantons=_cantons(ctx, pal, them_order, prest_order, sigles), communes=communes,
        trends=[TrendRow(**r) for r in (ctx.table("trends").sort("annee").iter_rows(named=True)   # type: ignore[union-attr]
                                        if ctx.table("trends") is not None else [])],
        trends_domaine=(ctx.table("trends_domaine").sort("annee").to_dicts()   # type: ignore[union-attr]
                        if ctx.table("trends_domaine") is not None else []),
        rounding_notes=notes,
    )


def _int_or_none(v: object) -> int | None:
    return None if v is None else int(v)  # type: ignore[call-overload]


def _taille(ctx: BuildContext, pal: Palette) -> list[TailleRow]:
    df = _ordered(taille_couverture(ctx.tables["by_taille"]), "classe", list(pal.classe))
    return [TailleRow(r["classe"], int(r["communes_demandeuses"]), int(r["communes_total"]), int(r["pct_communes"]),
                      int(r["demandes"]), int(r["pct_demandes"]), pal.classe.get(r["classe"], FALLBACK))
            for r in df.iter_rows(named=True)]


def _domaine_prestation(ctx: BuildContext, pal: Palette, sigles: dict[str, str],
                        prest_order: list[str]) -> list[StackRow]:
    df = _ordered(_ordered(ctx.tables["domaine_prestation"], "prestation", prest_order), "domaine",
                  list(pal.domaine))
    return [StackRow(label(r["domaine"]), label(r["prestation"]), label(sigles.get(r["prestation"], r["prestation"])),
                     int(r["missions"]), int(r["pct"]), pal.prestation.get(r["prestation"], FALLBACK))
            for r in df.iter_rows(named=True)]


def _epci(ctx: BuildContext) -> list[EpciRow]:
    totals = dict(ctx.ref_year.epci.select("siren", "n_communes_drome").iter_rows())
    df = ctx.tables["by_epci"].sort(["demandes", "epci"], descending=[True, False])
    return [EpciRow(r["siren"], epci_name(ctx.ref.dir, r["siren"], r["epci"]), int(r["communes_demandeuses"]),
                    int(totals.get(r["siren"]) or 0), int(r["demandes_communes"]), int(r["demandes_epci"]),
                    int(r["demandes"]))
            for r in df.iter_rows(named=True)]


def _cantons(ctx: BuildContext, pal: Palette, them_order: list[str], prest_order: list[str],
             sigles: dict[str, str]) -> list[CantonPage]:
    """One page per canton of the reference (all 19, even one with no demande this year)."""
    ry = ctx.ref_year
    by_canton = {r["code_canton"]: r for r in ctx.tables["by_canton"].iter_rows(named=True)}
    ct = ctx.tables["canton_thematique"]
    cp = ctx.tables["canton_prestation"]
    bc = ctx.table("by_commune")
    n_col = f"n_communes_{ry.millesime}"
    pages = []
    for c in ry.cantons.sort("code").iter_rows(named=True):
        code = c["code"]
        row = by_canton.get(code, {})
        pool = ry.communes.filter(pl.col("canton_codes").list.contains(code))
        communes = []
        if bc is not None:
            sub = bc.filter(pl.col("code_canton") == code).sort(["demandes", "commune"], descending=[True, False])
            communes = [CommuneRow(r["code_insee"], name(r["commune"]), r["classe"] or "", int(r["demandes"]),
                                   int(r["missions"]), pal.classe.get(r["classe"], FALLBACK))
                        for r in sub.iter_rows(named=True)]
        # largest first; ties in data/ref order, so a rebuild never reorders bars
        them = _ordered(ct.filter(pl.col("code_canton") == code), "thematique", them_order) \
            .sort("missions", descending=True, maintain_order=True)
        prest = _ordered(cp.filter(pl.col("code_canton") == code), "prestation", prest_order)
        thematiques = _shares(them, "thematique", pal.thematique)
        prestations = _shares(prest, "prestation", pal.prestation, short=sigles)
        official = canton_name(ctx.ref.dir, code, c["nom"])
        n_comm, n_dem, n_mis = (int(row.get(k) or 0) for k in ("communes_concernees", "demandes", "missions"))
        n_total = int(c.get(n_col) or pool.height)
        phrases = prose.canton_phrases(n_comm, n_dem, n_mis)
        pages.append(CantonPage(
            code=code, label=official.nom, nom=official.complet, de_label=official.de,
            label_rapport=c["label_rapport"],
            communes_concernees=n_comm, communes_total=n_total, communes_note=prose.canton_communes_note(n_total),
            demandes=n_dem, missions=n_mis,
            thematiques=thematiques, prestations=prestations, communes=communes,
            split_communes=pool.filter(pl.col("multi_canton"))["code_insee"].to_list(),
            communes_phrase=phrases[0], demandes_phrase=phrases[1], missions_phrase=phrases[2],
            rounding_note=_note(thematiques) or _note(prestations),
            title=official.titre,
        ))
    return pages
