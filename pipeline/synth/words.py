"""The generator's vocabulary, translated to the labels of the reference tables in force.

The calibration is written in the 2021 report's words: figures.py transcribes what the report prints,
vocab.py and plan.py say which partner works on which thématique and sits in which export. Every such
label is a spelling the reference resolves (the report's labels are all aliases: tests/test_labels.py),
so the generator reads them through `Ref.resolve` when it starts, and the demo then writes the canonical
labels of data/ref. Renaming a partner or a thématique in its CSV — keeping the old name as an alias, as
exports still spelled the old way need anyway — renames it in the demo and changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.ref import Ref, load_ref
from pipeline.synth import figures, plan, vocab

# Labels the generator names itself (in the report's words).
MOE = "Maîtrise d'œuvre"
ARCHIVES_PARTNER = "CD26 - Archives départementales"
ZERO_PCT_PARTNER_COUNTS = {"ADIL": 2, "SAFER": 2, "CCI de la Drôme": 1, "CD26 - Développement agricole": 1,
                           "CD26 - Drôme laboratoire": 1}
# Scarce prestations go to the thématiques where they usually occur; Conseil and the 1st-level
# accompaniment take what is left.
PRESTATION_THEMES = {
    "Maîtrise d'œuvre": ("Voirie", "Aménagement", "Eau et assainissement", "Énergie", "Tourisme"),
    "Maîtrise d'ouvrage déléguée": ("Aménagement", "Voirie", "Logement habitat", "Énergie", "Eau et assainissement"),
    "Assistance à maîtrise d'ouvrage": ("Aménagement", "Énergie", "Conservation et patrimoine",
                                        "Eau et assainissement", "Logement habitat", "Santé", "Médiathèque"),
}


class VocabularyError(ValueError):
    """A label of the generator that the reference tables no longer resolve."""


@dataclass(frozen=True)
class Words:
    department: dict[str, Any]
    cantons: dict[str, dict[str, Any]]
    partner_themes: dict[str, tuple[str, ...]]
    zero_pct_partners: dict[str, int]
    prestation_themes: dict[str, tuple[str, ...]]
    syndicat_themes: tuple[str, ...]
    syndicats: tuple[tuple[str, str, tuple[str, ...]], ...]
    objets: dict[str, tuple[str, ...]]
    partner_file: dict[str, plan.FileForm]
    numerique_partners: frozenset[str]
    overlap_partner: str
    no_type_partners: frozenset[str]
    cp1252_partners: frozenset[str]
    moe: str
    archives_partner: str


def _canon(ref: Ref, champ: str):
    def tr(label: str) -> str:
        found = ref.resolve(champ, label)
        if not found:
            raise VocabularyError(f"vocabulaire des exports synthétiques : « {label} » ({champ}) ne se résout plus "
                                  "dans data/ref (garder l'ancien libellé comme alias)")
        return found
    return tr


def _figures(page: dict[str, Any], t, p, a, d) -> dict[str, Any]:
    out = dict(page)
    for key, tr in (("thematique", t), ("thematique_count", t), ("prestation", p), ("prestation_count", p),
                    ("partenaire", a), ("domaine", d)):
        if key in out:
            out[key] = {tr(k): v for k, v in out[key].items()}
    return out


def words_for(ref: Ref) -> Words:
    t, p, a, d = (_canon(ref, c) for c in ("thematique", "prestation", "partenaire", "domaine"))
    partner_file = {a(k): f for k, f in plan.PARTNER_FILE_2021.items()}
    overlap = a(plan.OVERLAP_PARTNER)
    return Words(
        department=_figures(figures.DEPARTMENT, t, p, a, d),
        cantons={code: _figures(page, t, p, a, d) for code, page in figures.CANTONS.items()},
        partner_themes={a(k): tuple(map(t, v)) for k, v in vocab.PARTNER_THEMES.items()},
        zero_pct_partners={a(k): v for k, v in ZERO_PCT_PARTNER_COUNTS.items()},
        prestation_themes={p(k): tuple(map(t, v)) for k, v in PRESTATION_THEMES.items()},
        syndicat_themes=tuple(map(t, vocab.SYNDICAT_THEMES)),
        syndicats=tuple((name, siren, tuple(map(t, themes))) for name, siren, themes in vocab.SYNDICATS),
        objets={t(k): v for k, v in vocab.OBJETS.items()},
        partner_file=partner_file,
        numerique_partners=frozenset(map(a, plan.NUMERIQUE_PARTNERS)),
        overlap_partner=overlap,
        no_type_partners=frozenset(x for x, f in partner_file.items() if not f.with_type),
        cp1252_partners=frozenset(x for x, f in partner_file.items() if f.encoding == "cp1252") | {overlap},
        moe=p(MOE),
        archives_partner=a(ARCHIVES_PARTNER),
    )


@lru_cache(maxsize=4)
def _words(ref_dir: Path) -> Words:
    return words_for(load_ref(ref_dir))


def words() -> Words:
    """The vocabulary for data/ref as configured (config.REF_DIR), built once per process."""
    return _words(Path(config.REF_DIR))
