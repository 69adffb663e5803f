"""Dossier and payment exports → typed lines, quarantine and per-file counts (rows and euros).

Files are read by the shared reader (pipeline/ingest/readers.py: encodings, title rows, XLSX sheets,
exact line numbers); headers are matched on their key against data/ref/habitat/aliases.csv; personal
columns of natural persons are dropped here, before anything is kept, and the row as read kept for
quarantine is redacted (pipeline/text.py). Nothing is lost: every row read is accepted, quarantined with
a reason, or a counted duplicate, and the euros read are the euros accepted plus those quarantined.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.habitat import clean
from pipeline.habitat.rules import Rules
from pipeline.text import is_contact_header, key, redact

DOSSIER_REQUIRED = ("id_dossier", "code_action", "date_depot")
PAYMENT_REQUIRED = ("id_dossier", "date_paiement", "montant")
LABELS = {"id_dossier": "N° dossier", "code_action": "Aide", "date_depot": "Date de dépôt",
          "date_paiement": "Date mandat", "montant": "Montant"}
# Headers of natural persons' data: dropped when read, never stored (spec §2, §7). The shared contact
# vocabulary (pipeline/text.py) plus what a housing dossier adds: the household's address, income, make-up.
HOUSEHOLD_WORDS = ("adresse", "revenu", "revenus", "fiscal", "composition", "naissance", "rfr")
NATURAL_PERSONS = ("proprietaire_occupant", "proprietaire_bailleur", "accedant")
_HEADER_SCAN = 30
_EXTRACTION = re.compile(r"(?:export|extraction|etat|situation)\D{0,30}?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.I)


@dataclass
class SheetResult:
    fichier: str
    feuille: str | None
    sha256: str
    kind: str | None = None                       # dossiers | paiements
    date_extraction: dt.date | None = None
    lines: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    lignes_lues: int = 0
    doublons: int = 0
    euros_lus: float = 0.0
    euros_quarantaine: float = 0.0
    personal_dropped: list[str] = field(default_factory=list)
    refuse: str | None = None

    @property
    def acceptees(self) -> int:
        return len(self.lines)

    @property
    def euros_acceptes(self) -> float:
        col = "montant" if self.kind == "paiements" else "montant_vote"
        return sum(line.get(col) or 0 for line in self.lines)


def _is_personal(k: str) -> bool:
    return is_contact_header(k) or any(w in k.split() for w in HOUSEHOLD_WORDS)


def map_header(cells: list[str | None], rules: Rules) -> dict[int, str]:
    aliases = rules.aliases.get("entete_habitat", {})
    canon = set(aliases.values()) | set(clean.DATE_FIELDS + clean.MONEY_FIELDS + clean.NUMBER_FIELDS + clean.YES_NO
                                        + clean.UPPER) | {"financement", "nature", "gestion", "type_etude",
                                                          "beneficiaire_type", "ref_anah", "dispositif"}
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        k = key(cell)
        name = aliases.get(k) or (k.replace(" ", "_") if k.replace(" ", "_") in canon else None)
        if name and name not in found.values():
            found[i] = name
    return found


def extraction_date(title_rows: list[list[str | None]]) -> dt.date | None:
    """'Export du 31/12/2024' in a title row above the header."""
    for cells in title_rows:
        for cell in cells:
            m = _EXTRACTION.search(str(cell or "").replace("É", "E").replace("é", "e"))
            if m:
                d, mo, y = map(int, m.groups())
                try:
                    return dt.date(y, mo, d)
                except ValueError:
                    return None
    return None


def read_sheet(sheet, rules: Rules, date_extraction: dt.date | None, geo: dict[int, dict]) -> SheetResult:
    """One raw sheet → accepted lines and quarantined rows, or refused whole with a reason."""
    res = SheetResult(sheet.fichier, sheet.feuille, sheet.sha256)
    head = sheet.head_rows(_HEADER_SCAN)
    best = None
    for idx, (_, cells) in enumerate(head):
        mapping = map_header(cells, rules)
        names = set(mapping.values())
        if all(f in names for f in DOSSIER_REQUIRED):
            res.kind = "dossiers"
        elif all(f in names for f in PAYMENT_REQUIRED) and "date_depot" not in names:
            res.kind = "paiements"
        if res.kind:
            best = (idx, mapping)
            break
        if len(mapping) >= 2 and (best is None or len(mapping) > len(best[1])):
            best = (idx, mapping)
    if res.kind is None:
        if best is None:
            res.refuse = "aucune ligne d'en-tête reconnue (attendu : N° dossier, Aide, Date de dépôt ; ou N° dossier, Date mandat, Montant)"
        else:
            missing = [LABELS[f] for f in DOSSIER_REQUIRED if f not in best[1].values()]
            res.refuse = f"colonnes obligatoires absentes ligne {head[best[0]][0]} : " + ", ".join(missing)
        res.lignes_lues = max(sheet.frame.height - (best[0] + 1 if best else 0), 0)
        return res
    assert best is not None  # noqa: S101  (res.kind set ⇒ a header was found)
    idx, mapping = best
    res.date_extraction = date_extraction or extraction_date([c for _, c in head[:idx]]) or dt.date.today()
    header = head[idx][1]
    keep = {i: (mapping.get(i), header[i] or f"colonne {i + 1}") for i in range(len(header))
            if i in mapping or not _is_personal(key(header[i]))}
    res.personal_dropped = [header[i] for i in range(len(header)) if i not in keep and header[i]]
    cells = [c for c in sheet.frame.columns if c != "ligne"]
    seen: set[tuple] = set()
    for row in sheet.frame.slice(idx + 1).select("ligne", *cells).iter_rows():
        line_no, values = row[0], row[1:]
        res.lignes_lues += 1
        raw = {name: values[i] for i, (name, _) in keep.items() if name and i < len(values)}
        as_read = {label: values[i] for i, (_, label) in keep.items() if i < len(values) and values[i] is not None}
        amount_col = "montant" if res.kind == "paiements" else "montant_vote"
        try:
            amount_read = clean.parse_eur(raw[amount_col]) if raw.get(amount_col) else 0.0
        except ValueError:
            amount_read = 0.0
        res.euros_lus += amount_read
        try:
            line = (clean_payment if res.kind == "paiements" else clean_dossier)(raw, rules, geo)
        except clean.Refus as exc:
            res.euros_quarantaine += amount_read
            res.quarantine.append({"fichier": sheet.fichier, "feuille": sheet.feuille, "ligne": line_no,
                                   "id_dossier": raw.get("id_dossier"), "raison": str(exc), "montant_lu": amount_read,
                                   "valeurs": _as_read_json(as_read, raw, mapping, header)})
            continue
        k = (line["id_dossier"], line.get("code_action"), line.get("n_mandat"), line.get("date_paiement"),
             line.get("montant")) if res.kind == "paiements" else (line["id_dossier"], line["code_action"])
        if k in seen:
            res.doublons += 1
            res.euros_lus -= amount_read        # a counted duplicate is not read twice in euros
            continue
        seen.add(k)
        line.update(fichier=sheet.fichier, ligne=line_no, date_extraction=res.date_extraction)
        res.lines.append(line)
    return res


def _as_read_json(as_read: dict, raw: dict, mapping: dict, header: list) -> str:
    """The row as read for the quarantine table: free text redacted, a natural person's name and the Anah
    reference never kept."""
    out = {}
    kind = raw.get("beneficiaire_type")
    private = _NoRules.resolve("beneficiaire_type", kind) in NATURAL_PERSONS if kind else True
    drop = {header[i] or "" for i, f in mapping.items()
            if f == "ref_anah" or (private and f in ("beneficiaire", "siren_beneficiaire"))}
    for label, v in as_read.items():
        if label not in drop:
            out[label] = redact(str(v))
    return json.dumps(out, ensure_ascii=False)


class _NoRules:  # beneficiary types resolved without the rules' aliases (quarantine path only)
    @staticmethod
    def resolve(champ: str, value: object) -> str | None:
        return {"proprietaire occupant": "proprietaire_occupant", "proprietaire bailleur": "proprietaire_bailleur",
                "accedant": "accedant"}.get(key(value))


def _fields(raw: dict, rules: Rules, skip: tuple = ()) -> dict:
    out = {}
    for name, text in raw.items():
        if name in skip:
            continue
        try:
            out[name] = clean.parse_field(name, text, rules)
        except (ValueError, OverflowError):
            what = "date" if name in clean.DATE_FIELDS else "montant" if name in clean.MONEY_FIELDS else "valeur"
            label = {"date_depot": "date de dépôt", "date_decision": "date de décision",
                     "date_paiement": "date de paiement"}.get(name, f"{what} ({name})")
            if what == "montant" and name in ("montant_vote", "montant", "montant_verse", "montant_annule"):
                label = "montant"
            raise clean.Refus(f"{label} illisible : « {text} »") from None
    return out


def clean_dossier(raw: dict, rules: Rules, geo: dict[int, dict]) -> dict:
    if not raw.get("id_dossier"):
        raise clean.Refus("identifiant de dossier manquant")
    line = _fields(raw, rules, skip=("code_action",))
    if line.get("date_depot") is None:
        raise clean.Refus("date de dépôt manquante")
    line["code_action"] = clean.resolve_action(raw.get("code_action"), line, rules)
    action = rules.actions[line["code_action"]]
    line["volet"] = action.volet
    line["fiche"] = action.fiche
    line["dispositif"] = line.get("dispositif") or "2023-2028"
    year = (line.get("date_decision") or line["date_depot"]).year
    places = geo.get(year) or geo[max(geo)]
    code = line.get("code_insee")
    if code:
        place = places.get(code)
        if place is None:
            raise clean.Refus(f"code INSEE inconnu : {code}")
        line["code_insee"] = place["code_insee"]
        line["siren_epci"] = place["siren_epci"]          # the commune decides (a mismatch is only a warning)
    elif action.unite != "etude":
        raise clean.Refus("commune des travaux manquante")
    elif not line.get("siren_epci"):
        raise clean.Refus("EPCI manquant pour une étude")
    if action.unite != "etude" and not line.get("nb_logements"):
        raise clean.Refus("nombre de logements manquant")
    if line.get("beneficiaire_type") in NATURAL_PERSONS:
        line.pop("beneficiaire", None)
        line.pop("siren_beneficiaire", None)
    if not line.get("statut"):
        line["statut"] = derive_statut(line)
    return line


def derive_statut(line: dict) -> str:
    if line.get("date_annulation"):
        return "annule"
    vote, paid = line.get("montant_vote"), line.get("montant_verse") or 0
    if line.get("date_decision") and vote:
        return "solde" if paid and paid >= vote - 1 else "engage"
    return "depose"


def clean_payment(raw: dict, rules: Rules, geo: dict[int, dict]) -> dict:
    if not raw.get("id_dossier"):
        raise clean.Refus("identifiant de dossier manquant")
    code = raw.pop("code_action", None)
    line = _fields({k: v for k, v in raw.items() if k in ("id_dossier", "date_paiement", "montant",
                                                           "nature_paiement", "n_mandat")}, rules)
    if line.get("date_paiement") is None:
        raise clean.Refus("date de paiement manquante")
    if line.get("montant") is None:
        raise clean.Refus("montant manquant")
    line["code_action"] = clean.resolve_action(code, {}, rules) if code else None
    line["nature_paiement"] = key(line.get("nature_paiement")) or ("reversement" if line["montant"] < 0 else None)
    return line


def read_file(path: Path, rules: Rules, geo: dict[int, dict], date_extraction: dt.date | None = None) -> list[SheetResult]:
    """Every sheet of a file; an unreadable file is one refused result naming why."""
    from pipeline.ingest.hashing import file_hash
    from pipeline.ingest.readers import UnreadableFile, read_export

    path = Path(path)
    try:
        sha = file_hash(path)
        sheets = [s for s in read_export(path, sha) if not s.ignoree]   # hidden sheets are not loaded
    except (UnreadableFile, OSError) as exc:
        return [SheetResult(path.name, None, "", refuse=str(exc))]
    results = [read_sheet(s, rules, date_extraction, geo) for s in sheets]
    tables = [r for r in results if r.kind]
    return tables or results[:1]


def geography(years=range(2015, 2030)) -> dict[int, dict]:
    """Commune lookups per year (pre-merger codes translated with the year's millésime)."""
    from pipeline.habitat.geo import communes

    return {y: communes(y) for y in years}


def ingest_paths(paths: list[Path], rules: Rules, db: Path | None = None, date_extraction: dt.date | None = None,
                 on_sheet=None) -> list[dict]:
    """Load files into the housing warehouse; one count dict per sheet (refused files included)."""
    from pipeline.habitat import store
    from pipeline.ingest.load import expand_paths

    geo = geography()
    out = []
    con = store.connect(db)
    try:
        for path in expand_paths(paths):
            from pipeline.ingest.hashing import file_hash

            if store.already_loaded(con, file_hash(path)):
                counts: dict[str, object] = {"fichier": path.name, "feuille": None, "deja_charge": True}
                out.append(counts)
                if on_sheet:
                    on_sheet(counts)
                continue
            for res in read_file(path, rules, geo, date_extraction):
                conflits = store.store(con, res)
                counts = {"fichier": res.fichier, "feuille": res.feuille, "type": res.kind,
                          "lignes_lues": res.lignes_lues, "acceptees": res.acceptees,
                          "quarantaine": len(res.quarantine), "doublons": res.doublons, "conflits": conflits,
                          "refuse": res.refuse, "deja_charge": False}
                out.append(counts)
                if on_sheet:
                    on_sheet(counts)
    finally:
        con.close()
    return out
