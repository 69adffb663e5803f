"""The housing-aid regulation as data: data/ref/habitat/ (or the folder given with `--ref DIR`) → Rules.

Why plain Python (yaml + csv, no Polars): `bilan habitat droit` answers an instructor in a fraction of a
second, and the calculator in droits.py stays a pure function of a line and these rules. A service that
signs a new convention or votes another budget edits the CSV/YAML of its own folder, never the code.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from pipeline import config
from pipeline.errors import BilanError
from pipeline.text import key

RULES_FILE = "regles_2023_2028.yaml"
DEFAULT_DIR = config.REF_DIR / "habitat"
FILES = (RULES_FILE, "enveloppes_epci.csv", "conventions_actions.csv", "budgets_votes.csv",
         "poles_centralite.csv", "calendrier_cp.csv", "aliases.csv")
VOLETS = {"S": "socle", "T": "territorialise", "DAH": "dah"}


class RulesError(BilanError):
    """A rules folder that cannot be used: the message is the one line shown to the user."""


@dataclass(frozen=True)
class Action:
    code: str
    fiche: int | None
    libelle: str
    montant: float | None
    benef: tuple[str, ...]
    si: dict
    exclu: dict
    src: str
    axe: int | None = None
    theme: int | None = None
    objectif_an: int | None = None
    budget_an: float | None = None
    unite: str = "logement"
    unites_exclues: str | None = None

    @property
    def volet(self) -> str:
        return VOLETS["DAH" if self.code.startswith("DAH") else self.code[0]]

    @property
    def parc_prive(self) -> bool:
        return self.fiche in (3, 4, 5, 6, 15, 16)


@dataclass
class Rules:
    dir: Path
    raw: dict
    actions: dict[str, Action]
    enveloppes: list[dict]                 # siren, epci, montant_6ans, version, date_effet, source
    conventions: set[tuple[str, str]]      # (siren, code_action)
    budgets: list[dict]                    # annee, volet, montant, nature, source
    poles: set[str]                        # code_insee
    calendrier_cp: list[dt.date]
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)   # champ → {key(spelling): canonical}

    @cached_property
    def enveloppe_by_siren(self) -> dict[str, float]:
        return {e["siren"]: float(e["montant_6ans"]) for e in self.enveloppes}

    def budget(self, year: int, volet: str) -> tuple[float | None, str]:
        """The year's voted budget of a volet, else the 2023 one flagged `hypothese` (D-03)."""
        rows = {(int(b["annee"]), b["volet"]): b for b in self.budgets}
        if (year, volet) in rows:
            return float(rows[(year, volet)]["montant"]), rows[(year, volet)]["nature"]
        first = min((y for y, v in rows if v == volet), default=None)
        if first is None:
            return None, "absent"
        return float(rows[(first, volet)]["montant"]), "hypothese"

    def axe_budgets(self) -> dict[int, float]:
        se = self.raw["sous_enveloppes_socle"]
        return {i: float(se[f"axe{i}"]["montant"]) for i in (1, 2, 3)}

    @property
    def fongible_month(self) -> int:
        return int(self.raw["sous_enveloppes_socle"]["fongibles_a_partir_du_mois"])

    def versement(self, fiche: int | None) -> str:
        for mode, spec in self.raw["versements"].items():
            if fiche in spec.get("fiches", []):
                return mode
        return "unique"

    def resolve(self, champ: str, value: object) -> str | None:
        return self.aliases.get(champ, {}).get(key(value))


def _csv(path: Path) -> list[dict]:
    if not path.exists():
        raise RulesError(f"fichier de règles absent : {path}")
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _action(a: dict) -> Action:
    return Action(code=a["code"], fiche=a.get("fiche"), libelle=a["libelle"], montant=a.get("montant"),
                  benef=tuple(a.get("benef") or ()), si=dict(a.get("si") or {}), exclu=dict(a.get("exclu") or {}),
                  src=a.get("src", ""), axe=a.get("axe"), theme=a.get("theme"), objectif_an=a.get("objectif_an"),
                  budget_an=a.get("budget_an"), unite=a.get("unite", "logement"), unites_exclues=a.get("unites_exclues"))


def load_rules(ref_dir: Path | None = None) -> Rules:
    """Every file of the rules folder; a missing or malformed file is a RulesError naming it."""
    d = Path(ref_dir or DEFAULT_DIR)
    if not d.is_dir():
        raise RulesError(f"dossier de règles introuvable : {d}")
    try:
        raw = yaml.safe_load((d / RULES_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RulesError(f"fichier de règles absent : {d / RULES_FILE}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{d / RULES_FILE} illisible ({type(exc).__name__})") from exc
    if not isinstance(raw, dict) or "actions" not in raw:
        raise RulesError(f"{d / RULES_FILE} : section « actions » absente")
    actions = {a["code"]: _action(a) for a in raw["actions"]}
    aliases: dict[str, dict[str, str]] = {}
    if (d / "aliases.csv").exists():
        for row in _csv(d / "aliases.csv"):
            aliases.setdefault(row["champ"], {})[key(row["alias"])] = row["canonique"]
    for code in actions:                                   # a code always resolves to itself
        aliases.setdefault("action", {})[key(code)] = code
    return Rules(
        dir=d, raw=raw, actions=actions,
        enveloppes=_csv(d / "enveloppes_epci.csv"),
        conventions={(r["siren"], r["code_action"]) for r in _csv(d / "conventions_actions.csv")},
        budgets=_csv(d / "budgets_votes.csv"),
        poles={r["code_insee"] for r in _csv(d / "poles_centralite.csv")},
        calendrier_cp=sorted(dt.date.fromisoformat(r["date_cp"]) for r in _csv(d / "calendrier_cp.csv"))
        if (d / "calendrier_cp.csv").exists() else [],
        aliases=aliases,
    )
