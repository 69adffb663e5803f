"""Page models: the numbers and labels of every page, built once from a BuildContext.

Why plain data: the Jinja2 site, the Plotly charts and the Typst PDF all render these objects (the PDF
reads them as JSON), so a figure cannot differ between the site and the printed report. Numbers are
kept as integers for charts and also pre-formatted the French way (`…_txt`) for text.
Percentages are the tables' own `pct` (rule R2, pipeline.shares), never recomputed by a chart library.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import polars as pl

from pipeline.charts.palette import PARTENAIRE_TYPE, PARTENAIRE_TYPE_LABEL, Palette
from pipeline.fmt import fmt_int, fmt_pct, fmt_signed_pct, plural
from pipeline.shares import round_half_up_pct
from pipeline.site.context import BuildContext
from pipeline.site.meta import Methodologie, Qualite, methodologie, qualite


@dataclass
class Share:
    """One category of a chart: label, count, whole percent (R2), colour; group = its domaine/type."""

    label: str
    count: int
    pct: int
    color: str
    short: str = ""
    group: str = ""

    @property
    def count_txt(self) -> str:
        return fmt_int(self.count)

    @property
    def pct_txt(self) -> str:
        return fmt_pct(self.pct)


@dataclass
class KeyFigure:
    value: str
    label: str
    note: str = ""


@dataclass
class TailleRow:
    classe: str
    communes_demandeuses: int
    communes_total: int
    pct_communes: int          # share of the class's communes that made a request
    demandes: int
    pct_demandes: int
    color: str


@dataclass
class StackRow:
    """domaine × prestation: one prestation's share within one domaine."""

    domaine: str
    prestation: str
    short: str
    count: int
    pct: int
    color: str


@dataclass
class EpciRow:
    siren: str
    nom: str
    communes_demandeuses: int
    communes_total: int
    demandes_communes: int
    demandes_epci: int
    demandes: int


@dataclass
class CommuneRow:
    code_insee: str
    nom: str
    classe: str
    demandes: int
    missions: int
    color: str


@dataclass
class CantonPage:
    code: str
    label: str                 # report label (title): "Bourg de Péage"
    nom: str                   # INSEE name with article: "Le Diois"
    de_label: str              # "du Diois", "de Crest": for "le canton du Diois"
    communes_concernees: int
    communes_total: int
    demandes: int
    missions: int
    thematiques: list[Share]
    prestations: list[Share]
    communes: list[CommuneRow]
    split_communes: list[str]  # codes of communes shared with other cantons (cut on the map)
    communes_phrase: str = field(init=False)   # "16 communes concernées" (report wording)
    demandes_phrase: str = field(init=False)   # "33 demandes"

    def __post_init__(self):
        self.communes_phrase = plural(self.communes_concernees, "commune concernée", "communes concernées")
        self.demandes_phrase = plural(self.demandes, "demande")

    @property
    def href(self) -> str:
        return f"cantons/{self.code}.html"


@dataclass
class TrendRow:
    annee: int
    demandes: int
    missions: int
    communes_demandeuses: int
    epci_demandeurs: int | None = None
    evolution_demandes_pct: int | None = None
    part_cd26_pct: int | None = None
    part_partenaires_pct: int | None = None


@dataclass
class Departement:
    key_figures: list[KeyFigure]
    intro: str
    domaines: list[Share]
    thematiques: list[Share]
    prestations: list[Share]
    partenaires: list[Share]
    partenaire_types: list[Share]
    taille: list[TailleRow]
    taille_phrase: str
    domaine_prestation: list[StackRow]
    epci: list[EpciRow]
    cantons: list[CantonPage]
    trends: list[TrendRow] = field(default_factory=list)
    trends_domaine: list[dict] = field(default_factory=list)


@dataclass
class Pages:
    year: int
    title: str
    version: str
    generated_at: str
    departement: Departement
    methodologie: Methodologie
    qualite: Qualite

    def to_dict(self) -> dict:
        """JSON-ready dict for the Typst template, numbers also given as French text.

        Every integer field `x` gets a sibling `x_txt` (fmt_int, or fmt_pct for percent fields), so the
        PDF prints exactly the strings of the site without reimplementing French formatting in Typst.
        """
        return _with_text(asdict(self))


def _with_text(obj):
    if isinstance(obj, dict):
        out = {k: _with_text(v) for k, v in obj.items()}
        for k, v in obj.items():
            if isinstance(v, int) and not isinstance(v, bool) and k not in ("annee", "year", "millesime"):
                out[f"{k}_txt"] = fmt_pct(v) if k == "pct" or k.startswith("pct_") else fmt_int(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [_with_text(v) for v in obj]
    return obj


def build_pages(ctx: BuildContext) -> Pages:
    """Every page model of the year. Cached on the context: the site and the PDF share one copy."""
    if "pages" not in ctx._cache:
        pal = Palette(ctx.ref)
        dep = _departement(ctx, pal)
        ctx._cache["pages"] = Pages(
            year=ctx.year,
            title=f"Ingénierie pour la Drôme – bilan {ctx.year} de l'ingénierie publique",
            version=ctx.version,
            generated_at=ctx.generated_at.strftime("%d/%m/%Y %H:%M"),
            departement=dep,
            methodologie=methodologie(ctx),
            qualite=qualite(ctx),
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
    out = []
    for r in df.iter_rows(named=True):
        if not r[count]:
            continue
        out.append(Share(r[col], int(r[count]), int(r["pct"]), colors.get(r[col], "#8C8C8C"),
                         (short or {}).get(r[col], r[col]), r.get(group, "") if group else ""))
    return out


def _de(nom: str, label: str) -> str:
    """French contraction for 'le canton de …': Le Diois → du Diois, Crest → de Crest."""
    for art, de in (("Le ", "du "), ("La ", "de la "), ("Les ", "des ")):
        if nom.startswith(art):
            return de + label
    return ("d'" if label[:1].lower() in "aeiouyéèêâîôh" else "de ") + label


# ---------------------------------------------------------------------------------------- département

def _departement(ctx: BuildContext, pal: Palette) -> Departement:
    ref = ctx.ref
    s = ctx.summary()
    them_order = ref.thematiques.sort("ordre")["thematique"].to_list()
    prest_order = ref.prestations.sort("ordre")["prestation"].to_list()
    sigles = dict(ref.prestations.select("prestation", "sigle").iter_rows())
    dom_short = {d: d.replace(" et ", " & ") for d in ref.domaines["domaine"]}

    domaines = _shares(_ordered(ctx.tables["by_domaine"], "domaine", list(pal.domaine)), "domaine",
                       pal.domaine, short=dom_short)
    thematiques = _shares(_ordered(ctx.tables["by_thematique"], "thematique", them_order), "thematique",
                          pal.thematique, group="domaine")
    prestations = _shares(_ordered(ctx.tables["by_prestation"], "prestation", prest_order), "prestation",
                          pal.prestation, short=sigles)
    part = ctx.tables["by_partenaire"].sort(["type", "missions"], descending=[False, True])
    partenaires = _shares(part, "partenaire", pal.partenaire, group="type")
    types = [Share(PARTENAIRE_TYPE_LABEL[t], int(part.filter(pl.col("type") == t)["missions"].sum()),
                   int(s.get(k) or 0), PARTENAIRE_TYPE[t], group=t)
             for t, k in (("cd26", "part_cd26_pct"), ("externe", "part_partenaires_pct"))]

    cantons = _cantons(ctx, pal, them_order, prest_order, sigles)
    taille = _taille(ctx, pal)
    trends, trends_domaine = ctx.table("trends"), ctx.table("trends_domaine")
    return Departement(
        key_figures=_key_figures(ctx, s),
        intro=_intro(ctx, s),
        domaines=domaines, thematiques=thematiques, prestations=prestations,
        partenaires=partenaires, partenaire_types=types,
        taille=taille, taille_phrase=_taille_phrase(taille),
        domaine_prestation=_domaine_prestation(ctx, pal, sigles, prest_order),
        epci=_epci(ctx), cantons=cantons,
        trends=[TrendRow(**r) for r in (trends.sort("annee").iter_rows(named=True) if trends is not None else [])],
        trends_domaine=trends_domaine.sort("annee").to_dicts() if trends_domaine is not None else [],
    )


def _key_figures(ctx: BuildContext, s: dict) -> list[KeyFigure]:
    evo = s.get("evolution_demandes_pct")
    prev = f"{fmt_signed_pct(evo)} par rapport à {ctx.year - 1}" if evo is not None else \
        f"{ctx.year - 1} n'est pas chargée : pas d'évolution"
    return [
        KeyFigure(fmt_int(s["demandes"]), "demandes de collectivités", prev),
        KeyFigure(fmt_int(s["communes_demandeuses"]), "communes demandeuses",
                  f"soit {fmt_pct(s['part_communes_demandeuses_pct'])} des "
                  f"{fmt_int(s['communes_departement'])} communes du département"),
        KeyFigure(fmt_int(s["missions"]), "missions",
                  "une demande peut mobiliser plusieurs services ou partenaires"),
        KeyFigure(fmt_int(s["epci_demandeurs"]), "EPCI demandeurs",
                  "intercommunalités ayant elles-mêmes fait une demande"),
        KeyFigure(fmt_pct(s["part_cd26_pct"]), "des missions par les services du Département",
                  f"et {fmt_pct(s['part_partenaires_pct'])} par les partenaires extérieurs"),
    ]


def _intro(ctx: BuildContext, s: dict) -> str:
    text = (f"En {ctx.year}, {fmt_int(s['demandes'])} demandes de collectivités ont été recensées au sein "
            f"de la plate-forme de l'ingénierie publique")
    evo = s.get("evolution_demandes_pct")
    if evo is not None:
        sens = "augmenté" if evo > 0 else "diminué" if evo < 0 else "est resté stable"
        text += (f" ; leur volume a {sens} de {fmt_pct(abs(evo))} par rapport à {ctx.year - 1}" if evo
                 else f" ; leur volume {sens} par rapport à {ctx.year - 1}")
    return text + "."


def _taille(ctx: BuildContext, pal: Palette) -> list[TailleRow]:
    df = _ordered(ctx.tables["by_taille"], "classe", list(pal.classe))
    return [TailleRow(r["classe"], int(r["communes_demandeuses"]), int(r["communes_total"]),
                      round_half_up_pct(int(r["communes_demandeuses"]), int(r["communes_total"]))
                      if r["communes_total"] else 0,
                      int(r["demandes"]), int(r["pct_demandes"]), pal.classe.get(r["classe"], "#8C8C8C"))
            for r in df.iter_rows(named=True)]


def _taille_phrase(rows: list[TailleRow]) -> str:
    """The report's sentence: '62 % des demandes sont faites par des communes de moins de 1 000 hab. …'."""
    if len(rows) < 2:
        return ""
    a, b = rows[0], rows[1]
    return (f"{fmt_pct(a.pct_demandes)} des demandes des communes sont faites par des communes de "
            f"{a.classe} et {fmt_pct(b.pct_demandes)} par des communes de {b.classe}").rstrip(".") + "."


def _domaine_prestation(ctx, pal: Palette, sigles: dict, prest_order: list[str]) -> list[StackRow]:
    df = _ordered(_ordered(ctx.tables["domaine_prestation"], "prestation", prest_order), "domaine",
                  list(pal.domaine))
    return [StackRow(r["domaine"], r["prestation"], sigles.get(r["prestation"], r["prestation"]),
                     int(r["missions"]), int(r["pct"]), pal.prestation.get(r["prestation"], "#8C8C8C"))
            for r in df.iter_rows(named=True)]


def _epci(ctx: BuildContext) -> list[EpciRow]:
    totals = dict(ctx.ref_year.epci.select("siren", "n_communes_drome").iter_rows())
    df = ctx.tables["by_epci"].sort(["demandes", "epci"], descending=[True, False])
    return [EpciRow(r["siren"], r["epci"], int(r["communes_demandeuses"]), int(totals.get(r["siren"]) or 0),
                    int(r["demandes_communes"]), int(r["demandes_epci"]), int(r["demandes"]))
            for r in df.iter_rows(named=True)]


def _cantons(ctx: BuildContext, pal: Palette, them_order, prest_order, sigles) -> list[CantonPage]:
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
            communes = [CommuneRow(r["code_insee"], r["commune"], r["classe"] or "", int(r["demandes"]),
                                   int(r["missions"]), pal.classe.get(r["classe"], "#8C8C8C"))
                        for r in sub.iter_rows(named=True)]
        # largest first; ties in data/ref order, so a rebuild never reorders bars
        them = _ordered(ct.filter(pl.col("code_canton") == code), "thematique", them_order) \
            .sort("missions", descending=True, maintain_order=True)
        prest = _ordered(cp.filter(pl.col("code_canton") == code), "prestation", prest_order)
        pages.append(CantonPage(
            code=code, label=c["label_rapport"], nom=c["nom"], de_label=_de(c["nom"], c["label_rapport"]),
            communes_concernees=int(row.get("communes_concernees") or 0),
            communes_total=int(c.get(n_col) or pool.height),
            demandes=int(row.get("demandes") or 0), missions=int(row.get("missions") or 0),
            thematiques=_shares(them, "thematique", pal.thematique),
            prestations=_shares(prest, "prestation", pal.prestation, short=sigles),
            communes=communes,
            split_communes=pool.filter(pl.col("multi_canton"))["code_insee"].to_list(),
        ))
    return pages
