"""Resolving a label of an export for the row's year, and suggesting the closest canonical labels.

A label resolves through the alias table (pipeline.ref.load: Ref.resolve) to its canonical label, then
must be valid in the row's year (`valide_de`/`valide_a` of the taxonomy). When it does not resolve,
the quarantine reason names the closest canonical labels of the field with a score, so that the
analyst sees at once what was probably meant. A suggestion is never applied: accepting it is the
analyst's decision (`bilan labels accept`).

Why rapidfuzz: its WRatio scorer weighs partial and token-order matches ("Agence dév. touristique"
against "Agence de développement touristique": 86) in compiled code; hand-written edit distances
would score abbreviations poorly and be slow over every distinct spelling of a large export.
Matching is on the normalised keys (pipeline.text.key) of every canonical label, of every alias
(acronyms such as "ADT", "AMO" are aliases or sigles) and of the initials of each canonical label.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.ref.load import TAXONOMY, Ref
from pipeline.text import key

# Field → (noun as written in a reason, adjective agreement): "thématique inconnue", "partenaire inconnu".
FIELD_WORDS = {"thematique": ("thématique", "inconnue"), "prestation": ("prestation", "inconnue"),
               "partenaire": ("partenaire", "inconnu"), "domaine": ("domaine", "inconnu"),
               "canton": ("canton", "inconnu"), "type_demandeur": ("type de demandeur", "inconnu")}
LABEL_FIELDS = ("thematique", "prestation", "partenaire")   # fields whose unknown value quarantines a row
MIN_SCORE = 70          # below this a "closest" label is noise, not a suggestion
MAX_SUGGESTIONS = 3
_SHORT = 6              # keys this short (acronyms) are compared whole, never as a part of a longer label
_STOP = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "pour", "sur"}


@dataclass(frozen=True)
class Suggestion:
    canonique: str
    score: int


def acronym(label: str) -> str:
    """Initials of the significant words: 'Agence de développement touristique' → 'adt'."""
    words = [w for w in key(label).split() if w not in _STOP and not w.isdigit()]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _core(k: str) -> str:
    """A key without its little words ('de', 'la', 'et'…): they match everywhere and mean nothing."""
    return " ".join(w for w in k.split() if w not in _STOP) or k


def _choices(ref: Ref, champ: str) -> dict[str, str]:
    """key → canonical label: aliases, canonical labels and their initials (aliases win)."""
    out: dict[str, str] = {}
    for label in ref.alias_map.get(champ, {}).values():
        if label and (a := acronym(label)):
            out.setdefault(a, label)
    out.update({k: v for k, v in ref.alias_map.get(champ, {}).items() if v})
    return out


def _suggest(ref: Ref, champ: str, value_key: str, limit: int) -> tuple[Suggestion, ...]:
    from rapidfuzz import fuzz, process

    cache = ref.__dict__.setdefault("_label_choices", {})   # per Ref: choices follow its alias table
    if champ not in cache:
        cache[champ] = _choices(ref, champ)
    choices = cache[champ]
    best: dict[str, int] = {}
    def scorer(a: str, b: str, **kw: object) -> float:
        # WRatio's partial matching would find 'caue' inside any long label: short keys (acronyms)
        # are compared whole.
        # WRatio alone also rates 86 two labels that share a first word ('agence'): averaged with
        # the best token-wise score, a label whose words are all in the other stays high.
        if min(len(a), len(b)) <= _SHORT:
            return fuzz.ratio(a, b)
        return (fuzz.WRatio(a, b) + max(fuzz.token_set_ratio(a, b), fuzz.partial_token_sort_ratio(a, b))) / 2

    keys = list(choices)
    for _, score, i in process.extract(_core(value_key), [_core(k) for k in keys], scorer=scorer, limit=limit * 6,
                                       score_cutoff=MIN_SCORE):
        canon = choices[keys[i]]
        best[canon] = max(best.get(canon, 0), round(score))
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return tuple(Suggestion(c, s) for c, s in ranked)


def suggest(ref: Ref, champ: str, value: object, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """The closest canonical labels of the field, best first (score 0–100, at least MIN_SCORE)."""
    k = key(value)
    if not k:
        return []
    return list(_suggest(ref, champ, k, limit))


def _period(de: int | None, a: int | None) -> str:
    if de is not None and a is not None:
        return f"{de}–{a}" if de != a else str(de)
    if de is not None:
        return f"depuis {de}"
    return f"jusqu'en {a}"


def valid_years(ref: Ref, champ: str, canon: str, year: int | None) -> tuple[bool, str]:
    """(valid in `year`, its periods as words). A row without a year is judged on the label alone."""
    periods = ref.validity(champ).get(canon, [(None, None)])
    if year is None:
        return True, ""
    ok = any((de is None or de <= year) and (a is None or a >= year) for de, a in periods)
    return ok, ", ".join(_period(de, a) for de, a in periods)


def quote(value: object) -> str:
    return f"« {value} »"


def unknown_reason(ref: Ref, champ: str, value: object, year: int | None = None) -> str:
    """'partenaire inconnu : « X » — le plus proche : « Y » (86)' (suggestions valid in the year only)."""
    noun, adj = FIELD_WORDS.get(champ, (champ, "inconnu"))
    text = f"{noun} {adj} : {quote(value)}"
    found = [s for s in suggest(ref, champ, value, MAX_SUGGESTIONS + 2) if valid_years(ref, champ, s.canonique, year)[0]]
    found = found[:2]
    if found:
        head = "le plus proche" if len(found) == 1 else "les plus proches"
        text += f" — {head} : " + ", ".join(f"{quote(s.canonique)} ({s.score})" for s in found)
    return text


def resolve_label(ref: Ref, champ: str, value: object, year: int | None = None) -> tuple[str | None, str | None]:
    """(canonical label, None) when the value resolves and is valid in `year`; (None, reason) otherwise;
    (None, None) for an empty value (the caller says 'manquant')."""
    if value is None:
        return None, None
    if not key(value):   # punctuation only: not missing, and nothing to match
        noun, adj = FIELD_WORDS.get(champ, (champ, "inconnu"))
        return None, f"{noun} {adj} : {quote(value)}"
    canon = ref.resolve(champ, value)
    if not canon:
        return None, unknown_reason(ref, champ, value, year)
    if champ in TAXONOMY:
        ok, periods = valid_years(ref, champ, canon, year)
        if not ok:
            noun, _ = FIELD_WORDS[champ]
            return None, (f"{noun} hors taxonomie {year} : {quote(value)} → {quote(canon)} "
                          f"(valable {periods})")
    return canon, None
