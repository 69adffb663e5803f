"""The calibrated demo exports: the canonical missions written out the messy ways real exports arrive.

Spelling choices (alias of a label, canton as code or name, pre-merger commune code, SIREN with
spaces...) are drawn once per mission, not per file, so a mission present in two files is the same row
in both: the overlap and the re-export then test duplicates and conflicts, not spelling. Deliberately
bad rows are extra rows (never calibrated missions) so the figures hold whatever the quarantine does.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.ref import load_ref
from pipeline.synth import plan, vocab
from pipeline.synth.calibrated import SPLIT_CANTONS, calibrated_missions
from pipeline.synth.words import words
from pipeline.synth.writers import Serial, Sheet, write_csv, write_xlsx

# Header spellings (all in data/ref/aliases.csv, champ=entete), one set per family of exports.
HEADERS = {
    "default": {"id_mission": "N° mission", "id_demande": "N° demande", "date_demande": "Date de la demande",
                "demandeur": "Collectivité", "demandeur_type": "Type de collectivité", "code_insee": "Code INSEE",
                "siren": "SIREN", "canton": "Canton", "thematique": "Thématique", "domaine": "Domaine",
                "prestation": "Type de prestation", "partenaire": "Partenaire", "objet": "Objet",
                "statut": "Statut"},
    "platform_v2": {"id_mission": "Identifiant", "id_demande": "ID demande", "date_demande": "Date demande",
                    "demandeur": "Structure demandeuse", "demandeur_type": "Type demandeur",
                    "code_insee": "Code commune", "siren": "N° SIREN", "canton": "Canton de la commune",
                    "thematique": "Sous-domaine", "domaine": "Grand domaine",
                    "prestation": "Nature de l'accompagnement", "partenaire": "Structure accompagnatrice",
                    "objet": "Intitulé", "statut": "État"},
}
PERSONAL = ("Contact", "Email", "Téléphone")
TITLE = ["Export du 12/01/2022", "Plate-forme de l'ingénierie publique – missions"]


@dataclass
class FilePlan:
    form: plan.FileForm
    sheets: list[Sheet] = field(default_factory=list)
    quarantined: int = 0
    duplicates: int = 0
    conflicts: int = 0

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def _pick(rng: np.random.Generator, options: tuple[str, ...], canonical_share: float = 0.6) -> str:
    """The first (canonical) spelling most of the time, another accepted one otherwise."""
    if len(options) == 1 or rng.random() < canonical_share:
        return options[0]
    return options[1 + int(rng.integers(len(options) - 1))]


def _spell(missions: pl.DataFrame, seed: int, year: int = 2021) -> dict[str, dict]:
    """Per mission: how each value is written (independent of the file it lands in). Old commune codes
    are those of the year's millésime (from 2022, Mureils' 26219 is a code of Saint-Jean-de-Galaure)."""
    ref = load_ref()
    sp = vocab.spellings(ref)
    w = words()
    rng = np.random.default_rng(seed + 7)
    epci_type = dict(ref.epci.select("siren", "type").iter_rows())
    old_codes: dict[str, list[str]] = {}
    millesime = int(ref.millesime_row(year)["millesime"])
    for old, new in ref.codes_anciens.select("code_ancien", f"code_insee_{millesime}").iter_rows():
        if old != new:
            old_codes.setdefault(new, []).append(old)
    out = {}
    for r in missions.iter_rows(named=True):
        kind = r["demandeur_type"]
        type_key = epci_type.get(r["siren"], "CC") if kind == "epci" else kind
        code = r["code_insee"]
        if code in old_codes and rng.random() < 0.5:    # a pre-merger code the ingest must map
            code = old_codes[code][int(rng.integers(len(old_codes[code])))]
        siren = r["siren"]
        if siren and rng.random() < 0.3:
            siren = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
        prestation = _pick(rng, sp["prestation"][r["prestation"]])
        if r["prestation"] == w.moe and r["partenaire"] in w.cp1252_partners:
            prestation = (w.moe, w.moe + " (MOe)")[int(rng.integers(2))]   # keep an 'œ' in cp1252 files
        seconds = 8 * 3600 + zlib.crc32(r["id_mission"].encode()) % (9 * 3600)
        out[r["id_mission"]] = {
            "demandeur_type": _pick(rng, vocab.TYPE_SPELLINGS[type_key], 0.5),
            "code_insee": code, "siren": siren,
            "canton": _pick(rng, sp["canton"][r["code_canton"]], 0.4) if r["code_canton"] else None,
            "thematique": _pick(rng, sp["thematique"][r["thematique"]]),
            "domaine": r["domaine"] if rng.random() < 0.7 else r["domaine"].upper(),
            "prestation": prestation,
            "partenaire": _pick(rng, sp["partenaire"][r["partenaire"]]),
            "time": dt.time(seconds // 3600, seconds % 3600 // 60),
            "personal": (vocab.CONTACTS[int(rng.integers(len(vocab.CONTACTS)))],
                         vocab.EMAILS[int(rng.integers(len(vocab.EMAILS)))],
                         f"{vocab.PHONE_PREFIX} {int(rng.integers(100)):02d} {int(rng.integers(100)):02d}"),
        }
    return out


def _columns(form: plan.FileForm) -> list[str]:
    cols = ["id_mission", "id_demande", "date_demande", "demandeur"]
    cols += ["demandeur_type"] if form.with_type else []
    cols += ["code_insee", "siren", "canton", "thematique"]
    cols += ["domaine"] if form.with_domaine else []
    cols += ["prestation", "partenaire", "objet", "statut"]
    return cols


def _header(form: plan.FileForm, cols: list[str]) -> list[str]:
    names = HEADERS["platform_v2" if form is plan.F_AMENAGEMENT else "default"]
    return [names[c] for c in cols] + (list(PERSONAL) if form.personal else [])


def _cells(m: dict, s: dict, form: plan.FileForm, cols: list[str], serial_dates: bool = False) -> list[object]:
    xlsx = form.kind == "xlsx"
    row: list[object] = []
    for c in cols:
        if c == "date_demande":
            d = m["date_demande"]
            if xlsx:
                v = Serial(d) if serial_dates else d
            else:
                v = dt.datetime.combine(d, s["time"]).strftime(form.date_format)
        elif c == "code_insee":
            v = s["code_insee"] and (int(s["code_insee"]) if xlsx else s["code_insee"])
        elif c == "siren":
            v = s["siren"] and (int(s["siren"].replace(" ", "")) if xlsx else s["siren"])
        elif c == "canton":
            split = m["code_insee"] in SPLIT_CANTONS
            v = s["canton"] if (split or (form.canton_all and m["code_canton"])) else None
        elif c in s and c not in ("objet", "statut"):
            v = s[c]
        else:
            v = m[c]
        row.append(v)
    return row + (list(s["personal"]) if form.personal else [])


def _bad_rows(template: list[object], cols: list[str], n: int, kinds: list[str]) -> list[list[object]]:
    """Rows that must be quarantined, made from a real row: one defect each."""
    out = []
    for k, kind in enumerate(kinds):
        row = list(template)
        row[cols.index("id_mission")] = f"M21-9{n + k:04d}"
        row[cols.index("id_demande")] = f"D21-9{n + k:03d}"
        if kind == "commune":
            row[cols.index("code_insee")] = "26999"
            row[cols.index("canton")] = None
        elif kind == "canton":          # Valence without the canton its row must name
            row[cols.index("code_insee")] = "26362"
            row[cols.index("demandeur")] = "Mairie de Valence"
            row[cols.index("canton")] = None
        elif kind == "thematique":
            row[cols.index("thematique")] = "Jardins partagés"
        elif kind == "date":
            row[cols.index("date_demande")] = "32/13/2021"
        elif kind == "id":
            row[cols.index("id_mission")] = None
        out.append(row)
    return out


def _insert(rows: list, extra: list, every: int) -> list:
    out = list(rows)
    for k, r in enumerate(extra):
        out.insert(min(len(out), (k + 1) * every), r)
    return out


def plan_2021(seed: int = 2021) -> list[FilePlan]:
    """The 2021 files in load order, with the counts a load must report for each."""
    missions = calibrated_missions(2021, seed)
    spelled = _spell(missions, seed)
    w = words()
    by_file: dict[str, list[dict]] = {}
    for m in missions.iter_rows(named=True):
        by_file.setdefault(w.partner_file[m["partenaire"]].name, []).append(m)
    epora = [m for m in by_file[plan.F_AMENAGEMENT.name] if m["partenaire"] == w.overlap_partner]
    overlap = epora[:: max(1, len(epora) // plan.OVERLAP_ROWS)][: plan.OVERLAP_ROWS]

    def sheet(form, ms, name="Export", serial=False, title=None) -> Sheet:
        cols = _columns(form)
        ms = sorted(ms, key=lambda m: m["id_mission"])
        return Sheet(name, _header(form, cols), [_cells(m, spelled[m["id_mission"]], form, cols, serial) for m in ms],
                     title)

    def commune_template(form, ms) -> list[object]:
        m = next(m for m in ms if m["demandeur_type"] == "commune" and m["code_insee"] not in SPLIT_CANTONS)
        return _cells(m, spelled[m["id_mission"]], form, _columns(form))

    files = []
    f = plan.F_NUMERIQUE
    s = sheet(f, by_file[f.name])
    s.rows = _insert(s.rows, _bad_rows(commune_template(f, by_file[f.name]), _columns(f), 1, ["commune", "canton"]), 97)
    files.append(FilePlan(f, [s], quarantined=2))

    f = plan.F_CULTURE
    ms = by_file[f.name]
    archives = [m for m in ms if m["partenaire"] == w.archives_partner]
    others = [m for m in ms if m["partenaire"] != w.archives_partner]
    files.append(FilePlan(f, [sheet(f, archives, "Archives", title=TITLE),
                              sheet(f, others, "Patrimoine-Lecture publique", serial=True, title=TITLE)]))

    f = plan.F_ENERGIE
    s = sheet(f, by_file[f.name] + overlap)
    s.rows = _insert(s.rows, _bad_rows(commune_template(f, by_file[f.name]), _columns(f), 3, ["id"]), 61)
    files.append(FilePlan(f, [s], quarantined=1))

    f = plan.F_AMENAGEMENT
    s = sheet(f, by_file[f.name])
    s.rows = _insert(s.rows, _bad_rows(commune_template(f, by_file[f.name]), _columns(f), 4,
                                       ["thematique", "date"]), 45)
    files.append(FilePlan(f, [s], quarantined=2, duplicates=len(overlap)))

    # The first download held a few stale titles and statuses; the corrected re-export holds the
    # canonical ones, so that after both loads the warehouse equals calibrated_missions(2021).
    f = plan.F_SANTE
    ms = sorted(by_file[f.name], key=lambda m: m["id_mission"])
    stale = list(ms)
    for i in (1, len(ms) // 2, len(ms) - 2)[: plan.REEXPORT_CHANGES]:
        stale[i] = dict(ms[i], objet=ms[i]["objet"] + " – à compléter",
                        statut="En cours" if ms[i]["statut"] != "En cours" else "Terminée")
    files.append(FilePlan(f, [sheet(f, stale)]))
    f = plan.F_SANTE_FIX
    files.append(FilePlan(f, [sheet(f, ms)], duplicates=len(ms) - plan.REEXPORT_CHANGES,
                          conflicts=plan.REEXPORT_CHANGES))
    return files


def plan_2020(seed: int = 2021) -> list[FilePlan]:
    missions = calibrated_missions(2020, seed)
    spelled = _spell(missions, seed + 2020)
    num = missions.filter(pl.col("partenaire").is_in(list(words().numerique_partners)))
    rest = missions.filter(~pl.col("partenaire").is_in(list(words().numerique_partners)))
    out = []
    for form, frame, title in ((plan.F2020_XLSX, rest, TITLE), (plan.F2020_NUMERIQUE, num, None)):
        cols = _columns(form)
        rows = [_cells(m, spelled[m["id_mission"]], form, cols) for m in frame.iter_rows(named=True)]
        out.append(FilePlan(form, [Sheet("Missions 2020", _header(form, cols), rows, title)]))
    return out


def plan_other_year(year: int, seed: int = 2021) -> list[FilePlan]:
    """A plausible demo year (2019, 2022, 2023): an annual workbook and the numérique CSV."""
    missions = calibrated_missions(year, seed)
    spelled = _spell(missions, seed + year, year)
    num = missions.filter(pl.col("partenaire").is_in(list(words().numerique_partners)))
    rest = missions.filter(~pl.col("partenaire").is_in(list(words().numerique_partners)))
    out = []
    for form, frame, title in ((plan.annual_xlsx(year), rest, TITLE), (plan.annual_numerique(year), num, None)):
        cols = _columns(form)
        rows = [_cells(m, spelled[m["id_mission"]], form, cols) for m in frame.iter_rows(named=True)]
        out.append(FilePlan(form, [Sheet(f"Missions {year}", _header(form, cols), rows, title)]))
    return out


def demo_plan(seed: int = 2021) -> list[FilePlan]:
    """Five years for `bilan demo`: 2019, the calibrated 2020 and 2021, then 2022 and 2023."""
    return plan_other_year(2019, seed) + plan_2020(seed) + plan_2021(seed) + plan_other_year(2022, seed) \
        + plan_other_year(2023, seed)


def write_plan(files: list[FilePlan], out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fp in files:
        path = out_dir / fp.form.name
        if fp.form.kind == "xlsx":
            write_xlsx(path, fp.sheets)
        else:
            write_csv(path, fp.sheets[0], encoding=fp.form.encoding, sep=fp.form.sep, newline=fp.form.newline)
        paths.append(path)
    return paths


def write_calibrated(out_dir: Path, seed: int = 2021) -> list[Path]:
    """2020 then 2021 exports in load order (the corrected re-export last); see docs/calibration.md."""
    return write_plan(plan_2020(seed) + plan_2021(seed), out_dir)


def expected_loads(seed: int = 2021) -> list[dict]:
    """What loading the demo's files (write_demo_exports, 2019–2023) in order must report, per file and sheet."""
    out = []
    for fp in demo_plan(seed):
        for i, s in enumerate(fp.sheets):
            first = i == 0
            out.append({"fichier": fp.form.name, "feuille": s.name if fp.form.kind == "xlsx" else None,
                        "lignes_lues": len(s.rows), "quarantaine": fp.quarantined if first else 0,
                        "doublons": fp.duplicates if first else 0, "conflits": fp.conflicts if first else 0})
    return out
