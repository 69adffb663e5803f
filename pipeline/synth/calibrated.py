"""The canonical missions of the calibrated demo: 2021 reproduces the printed report, 2020 is sized.

Content first, messing later: this module builds one row per mission with canonical values only. The
export writers then spell them in many ways; whatever the spelling, the clean content (and so every
figure of the report) is this frame. Decisions and their reasons: pipeline.synth.calibrate and
docs/calibration.md.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import polars as pl

from pipeline.ref import load_ref
from pipeline.synth import vocab
from pipeline.synth.calibrate import Calibration, calibrate
from pipeline.synth.words import words

COLUMNS = ("id_mission", "id_demande", "date_demande", "demandeur", "demandeur_type", "code_insee", "siren",
           "code_canton", "thematique", "domaine", "prestation", "partenaire", "objet", "statut")
CLASSES = ("moins de 1 000 hab.", "1 000 à 4 999 hab.", "5 000 à 14 999 hab.", "15 000 hab. et plus")
# Where the split communes count (rule c): Valence cannot count in Valence 1 too, whose page prints 2
# communes and whose two other communes (≥ 5 000 hab.) must all be demandeuses for the 15 / 4 classes.
SPLIT_CANTONS = {"26362": ("2616", "2617", "2618"), "26198": ("2608", "2609"), "26281": ("2601", "2611")}
# The 2020 export: "un peu plus de 14 %" fewer demandes: round(100·(1041 − 912)/912) = 14.
DEMANDES_2020 = 912
N_SYNDICAT_DEMANDES = 58
# The EPCI demandeurs, read from data/ref/epci.csv: the Drôme's main communautés (the most Drôme
# communes, among EPCI whose members are mostly in the Drôme), plus Vaison Ventoux, the one EPCI name
# that survives in the text layer of the report's EPCI chart.
EPCI_NAMED_IN_REPORT = "Vaison Ventoux"
EPCI_MOSTLY_DROME = 0.6


def epci_demandeurs(epci: pl.DataFrame, n: int) -> list[str]:
    """SIRENs of the n EPCI demandeurs of the calibrated year (see above)."""
    named = epci.filter(pl.col("nom").str.contains(EPCI_NAMED_IN_REPORT, literal=True))["siren"].to_list()
    main = (epci.filter((pl.col("n_communes_drome") / pl.col("n_membres_total") >= EPCI_MOSTLY_DROME)
                        & ~pl.col("siren").is_in(named))
            .sort(["n_communes_drome", "siren"], descending=[True, False])["siren"].head(n - len(named)).to_list())
    return main + named


# The other demo years: plausible, not calibrated — steady growth around the two known years.
DEMANDES_OTHER_YEARS = {2019: 846, 2022: 1_097, 2023: 1_163}


def calibrated_missions(year: int, seed: int = 2021) -> pl.DataFrame:
    """One row per mission with canonical values (COLUMNS), for 2021 (the report), 2020 (912 demandes)
    or another demo year (DEMANDES_OTHER_YEARS, sampled like 2020 on the year's commune geography)."""
    if year == 2021:
        return _missions_2021(seed)
    if year == 2020:
        return _missions_2020(seed)
    if year in DEMANDES_OTHER_YEARS:
        return _missions_sampled(year, seed)
    raise ValueError(f"no demo export for {year} ({', '.join(map(str, sorted([2020, 2021, *DEMANDES_OTHER_YEARS])))})")


# --- communes and their demandes -----------------------------------------------------------------

def _select_communes(communes: pl.DataFrame, cal: Calibration, rng) -> dict[str, list[str]]:
    """Canton → demandeuse communes, meeting the department's class counts and most canton pages."""
    by_code = {r["code_insee"]: r for r in communes.iter_rows(named=True)}
    chosen: dict[str, list[str]] = {}
    for code, plan in cal.cantons.items():
        members = [c for c, cs in SPLIT_CANTONS.items() if code in cs]
        pool = [r for r in by_code.values() if not r["multi_canton"] and code in r["canton_codes"]]
        members += [r["code_insee"] for r in pool if r["classe"] in CLASSES[2:]]
        for classe in (CLASSES[1], CLASSES[0]):  # every 1 000–4 999 commune first, then small ones
            cands = sorted((r for r in pool if r["classe"] == classe),
                           key=lambda r: (r["anciens_codes"] is None, rng.random()))
            take = max(0, min(plan.communes - len(members), len(cands)))
            members += [r["code_insee"] for r in cands[:take]]
        assert len(members) == plan.communes, (code, len(members), plan.communes)
        chosen[code] = members
    distinct = {c for m in chosen.values() for c in m}
    counts = [sum(by_code[c]["classe"] == k for c in distinct) for k in CLASSES]
    dep = words().department
    assert len(distinct) == dep["communes"] and counts == dep["communes_by_class"], counts
    return chosen


def _class_targets(total: int) -> tuple[int, int]:
    """Commune demandes of the two small classes closest to the printed 62 % / 31 %."""
    p1, p2 = words().department["demandes_pct_by_class"]
    return round(p1 * total / 100), round(p2 * total / 100)


def _demandes_per_commune(chosen, classe_of, cal: Calibration, rng) -> dict[str, dict[str, int]]:
    """Canton → commune → demandes: each commune ≥ 1, class totals on target, canton totals exact."""
    t1, t2 = _class_targets(cal.commune_demandes)
    target = [t1, t2, cal.commune_demandes - t1 - t2]
    group = {CLASSES[0]: 0, CLASSES[1]: 1, CLASSES[2]: 2, CLASSES[3]: 2}
    members = {code: [[c for c in m if group[classe_of[c]] == g] for g in range(3)] for code, m in chosen.items()}
    extra: dict[str, list[int]] = {}
    for code, groups in members.items():
        e = cal.cantons[code].demandes - sum(map(len, groups))
        w = np.array([len(groups[0]), 1.1 * len(groups[1]), 0.5 * len(groups[2])], dtype=float)
        share = np.floor(e * w / w.sum()).astype(int)
        share[int(np.argmax(w))] += e - share.sum()
        extra[code] = share.tolist()
    # move units between classes inside cantons holding both, until the class totals are met
    for _ in range(10_000):
        totals = [sum(len(members[c][g]) + extra[c][g] for c in members) for g in range(3)]
        over = [g for g in range(3) if totals[g] > target[g]]
        under = [g for g in range(3) if totals[g] < target[g]]
        if not over:
            break
        moves = [(extra[c][go], c, go, gu) for go in over for gu in under for c in members
                 if extra[c][go] > 0 and members[c][gu]]
        _, c, go, gu = max(moves)
        extra[c][go] -= 1
        extra[c][gu] += 1
    else:
        raise AssertionError("class targets unreachable")
    out: dict[str, dict[str, int]] = {}
    for code, groups in members.items():
        out[code] = {}
        for g, comms in enumerate(groups):
            if not comms:
                continue
            weights = rng.gamma(1.5, size=len(comms))
            add = rng.multinomial(extra[code][g], weights / weights.sum())
            out[code].update({c: 1 + int(a) for c, a in zip(comms, add, strict=True)})
    return out


# --- missions --------------------------------------------------------------------------------------

def _pair(cal: Calibration, t_counts, p_counts, rng) -> list[tuple[str, str]]:
    """(thématique, prestation) of each mission with the given marginals, plausibly paired."""
    left_t = dict(zip(cal.thematiques, t_counts, strict=True))
    left_p = dict(zip(cal.prestations, p_counts, strict=True))
    pairs: list[tuple[str, str]] = []
    for p, themes in words().prestation_themes.items():
        for t in themes + tuple(sorted(left_t, key=lambda x: -left_t[x])):
            k = min(left_p[p], left_t[t])
            pairs += [(t, p)] * k
            left_p[p] -= k
            left_t[t] -= k
    rest = [t for t, k in left_t.items() for _ in range(k)]
    rest = [rest[i] for i in rng.permutation(len(rest))]
    prest = [p for p, k in left_p.items() for _ in range(k)]
    pairs += list(zip(rest, prest, strict=True))
    return [pairs[i] for i in rng.permutation(len(pairs))]


def _attach(demandes: list[dict], missions: list[tuple[str, str]], rng) -> list[dict]:
    """One mission per demande, the extra ones joined to demandes of another thématique when possible."""
    # missions outnumber demandes: the extra ones are attached below
    rows = [dict(d, thematique=t, prestation=p) for d, (t, p) in zip(demandes, missions, strict=False)]
    for t, p in missions[len(demandes):]:
        others = [i for i in range(len(demandes)) if rows[i]["thematique"] != t] or list(range(len(demandes)))
        rows.append(dict(demandes[others[int(rng.integers(len(others)))]], thematique=t, prestation=p))
    return rows


def _assign_partners(rows: list[dict], cal: Calibration, rng) -> None:
    """Partners from the partner × thématique plan; syndicats never get a partner of the type-less file."""
    for t in cal.thematiques:
        idx = [i for i, r in enumerate(rows) if r["thematique"] == t]
        slots = [p for (p, tt), k in sorted(cal.partner_theme.items()) if tt == t for _ in range(k)]
        assert len(slots) == len(idx), t
        no_type = words().no_type_partners
        unsafe = [p for p in slots if p in no_type]
        safe = [p for p in slots if p not in no_type]
        safe = [safe[i] for i in rng.permutation(len(safe))]
        idx = [idx[i] for i in rng.permutation(len(idx))]
        idx.sort(key=lambda i: rows[i]["demandeur_type"] == "syndicat")   # stable: syndicats last
        for i, p in zip(idx, unsafe + safe, strict=True):
            assert not (p in no_type and rows[i]["demandeur_type"] == "syndicat")
            rows[i]["partenaire"] = p


def _non_commune_demandeurs(pairs, ref_year, cal: Calibration, rng) -> list[dict]:
    """EPCI and syndicat demandes (one mission each, rule d): syndicats take water, energy, roads, IT."""
    w = words()
    order = sorted(range(len(pairs)), key=lambda i: (w.syndicat_themes.index(pairs[i][0])
                                                     if pairs[i][0] in w.syndicat_themes else 99, rng.random()))
    syndicat = set(order[:N_SYNDICAT_DEMANDES])
    chosen = epci_demandeurs(ref_year.epci, w.department["epci"])
    epci = ref_year.epci.filter(pl.col("siren").is_in(chosen)).sort("siren")
    assert epci.height == w.department["epci"]
    n_epci = len(pairs) - len(syndicat)
    weights = epci["n_communes_drome"].to_numpy().astype(float)
    per_epci = 1 + rng.multinomial(n_epci - epci.height, weights / weights.sum())
    epci_slots = [r for r, k in zip(epci.iter_rows(named=True), per_epci, strict=True) for _ in range(k)]
    epci_slots = [epci_slots[i] for i in rng.permutation(len(epci_slots))]
    rows = []
    for i, (t, p) in enumerate(pairs):
        if i in syndicat:
            fits = [x for x in w.syndicats if t in x[2]] or list(w.syndicats)
            name, siren, _ = fits[int(rng.integers(len(fits)))]
            rows.append(dict(demandeur=name, demandeur_type="syndicat", siren=siren, thematique=t, prestation=p))
        else:
            e = epci_slots.pop()
            rows.append(dict(demandeur=e["nom"], demandeur_type="epci", siren=e["siren"], thematique=t, prestation=p))
    return rows


def _finish(rows: list[dict], year: int, rng, domaine_of: dict[str, str]) -> pl.DataFrame:
    """Dates per demande, statut, objet and identifiers; one frame in COLUMNS order."""
    days = np.array([d for d in range(365 + (year % 4 == 0))
                     if (dt.date(year, 1, 1) + dt.timedelta(days=d)).weekday() < 5])
    keys = sorted({r["_demande"] for r in rows})
    date_of = {k: dt.date(year, 1, 1) + dt.timedelta(days=int(rng.choice(days))) for k in keys}
    ordered = sorted(keys, key=lambda k: (date_of[k], k))
    dem_id = {k: f"D{year % 100:02d}-{n:04d}" for n, k in enumerate(ordered, start=1)}
    rows.sort(key=lambda r: (date_of[r["_demande"]], dem_id[r["_demande"]], r["thematique"]))
    out = []
    for n, r in enumerate(rows, start=1):
        date = date_of[r["_demande"]]
        age = (dt.date(year, 12, 31) - date).days / 365
        statut = vocab.STATUTS[0 if rng.random() < 0.2 + 0.7 * age else (2 if rng.random() < 0.06 else 1)]
        titles = words().objets[r["thematique"]]
        objet = titles[int(rng.integers(len(titles)))]
        if rng.random() < 0.04:
            objet += vocab.MULTILINE_SUFFIX
        if r.get("partenaire") in words().cp1252_partners:
            objet = vocab.cp1252_safe(objet)
        out.append({
            "id_mission": f"M{year % 100:02d}-{n:05d}", "id_demande": dem_id[r["_demande"]], "date_demande": date,
            "demandeur": r["demandeur"], "demandeur_type": r["demandeur_type"], "code_insee": r.get("code_insee"),
            "siren": r.get("siren"), "code_canton": r.get("code_canton"), "thematique": r["thematique"],
            "domaine": domaine_of[r["thematique"]], "prestation": r["prestation"], "partenaire": r["partenaire"],
            "objet": objet, "statut": statut,
        })
    # two titles typed as markup, to check that every output escapes text
    for i in (7, len(out) // 2):
        out[i]["objet"] = vocab.SCRIPT_OBJET
    return pl.DataFrame(out, schema={c: (pl.Date if c == "date_demande" else pl.Utf8) for c in COLUMNS})


@lru_cache(maxsize=4)
def _missions_2021(seed: int) -> pl.DataFrame:
    ref = load_ref()
    ref_year = ref.for_year(2021)
    cal = calibrate()
    rng = np.random.default_rng(seed)
    communes = ref_year.communes
    classe_of = dict(communes.select("code_insee", "classe").iter_rows())
    nom_of = dict(communes.select("code_insee", "nom").iter_rows())
    chosen = _select_communes(communes, cal, rng)
    demandes = _demandes_per_commune(chosen, classe_of, cal, rng)
    rows: list[dict] = []
    for code, plan in cal.cantons.items():
        dem = [dict(_demande=f"{code}-{c}-{k}", demandeur=vocab.demandeur_name(nom_of[c], int(rng.integers(2))),
                    demandeur_type="commune", code_insee=c, code_canton=code)
               for c, n in sorted(demandes[code].items()) for k in range(n)]
        dem = [dem[i] for i in rng.permutation(len(dem))]
        rows += _attach(dem, _pair(cal, plan.thematique, plan.prestation, rng), rng)
    canton_t = [sum(p.thematique[i] for p in cal.cantons.values()) for i in range(len(cal.thematiques))]
    canton_p = [sum(p.prestation[i] for p in cal.cantons.values()) for i in range(len(cal.prestations))]
    residual = _pair(cal, [a - b for a, b in zip(cal.thematique, canton_t, strict=True)],
                     [a - b for a, b in zip(cal.prestation, canton_p, strict=True)], rng)
    assert len(residual) == cal.other_demandes
    for n, r in enumerate(_non_commune_demandeurs(residual, ref_year, cal, rng)):
        rows.append(dict(r, _demande=f"X-{n:04d}"))
    _assign_partners(rows, cal, rng)
    domaine_of = dict(ref.thematiques.select("thematique", "domaine").iter_rows())
    return _finish(rows, 2021, rng, domaine_of)


@lru_cache(maxsize=4)
def _missions_2020(seed: int) -> pl.DataFrame:
    from pipeline.synth.sample import Distribution, sample_missions

    dist = Distribution.from_missions(_missions_2021(2021), load_ref().for_year(2020))
    rng = np.random.default_rng(seed + 2020)
    return sample_missions(dist, rng, year=2020, n_demandes=DEMANDES_2020, missions_per_demande=1.03)


@lru_cache(maxsize=8)
def _missions_sampled(year: int, seed: int) -> pl.DataFrame:
    """A plausible year: 2021's mix of thématiques, prestations, partners and demandeurs, placed on the
    communes of the year's millésime (COG 2026 from 2022: Mureils and Véronne are gone)."""
    from pipeline.synth.sample import Distribution, sample_missions

    ref = load_ref()
    ref_year = ref.for_year(year)
    dist = Distribution.from_missions(_missions_2021(2021), ref_year)
    # the year's own taxonomy: a label not valid that year is not drawn
    valid = ref.taxonomy_for(year)
    keep = (dist.triples["thematique"].is_in(valid.thematiques["thematique"].implode())
            & dist.triples["prestation"].is_in(valid.prestations["prestation"].implode())
            & dist.triples["partenaire"].is_in(valid.partenaires["partenaire"].implode())).to_numpy()
    p = np.where(keep, dist.triple_p, 0.0)
    dist = Distribution(dist.triples, p / p.sum(), dist.demandeurs, dist.demandeur_p, dist.objets,
                        dist.objet_start, dist.objet_len)
    rng = np.random.default_rng(seed + year)
    return sample_missions(dist, rng, year=year, n_demandes=DEMANDES_OTHER_YEARS[year], missions_per_demande=1.03)
