"""Personal data: the forms people type e-mails and phone numbers in, the look-alikes that must stay,
the contact-column vocabulary, and the whole ingest (CSV and workbook) keeping none of it."""

from __future__ import annotations

import json

import duckdb
import polars as pl
import pytest

from pipeline.ingest.load import ingest_paths
from pipeline.text import REDACTED, is_contact_header, key, redact, redact_expr
from tests.exports import HEADER, row, write_csv, write_xlsx

# (text, what must be gone from it): variants seen in real exports and notes.
VARIANTS = [
    ("écrire à jean.dupont@mairie-crest.fr merci", "jean.dupont@mairie-crest.fr"),
    ("jean.dupont[at]mairie-crest.fr", "dupont[at]mairie"),
    ("jean.dupont(at)mairie-crest.fr", "dupont(at)mairie"),
    ("jean.dupont {at} mairie-crest.fr", "dupont {at} mairie"),
    ("jean.dupont (arobase) mairie-crest.fr", "dupont (arobase)"),
    ("jean.dupont arobase mairie-crest.fr", "dupont arobase"),
    ("JEAN.DUPONT[AT]MAIRIE-CREST[DOT]FR", "DUPONT[AT]MAIRIE"),
    ("jean.dupont at mairie-crest.fr", "dupont at mairie"),
    ("jean.dupont@mairie", "dupont@mairie"),                          # no dot in its domain
    ("secretariat@mairie-crest", "secretariat@mairie"),
    ("jean.dupont @ mairie-crest.fr", "dupont @ mairie"),              # spaced out
    ("jean . dupont @ mairie-crest . fr", "dupont @ mairie"),
    ("élodie.müller@gemeinde.de", "müller@gemeinde"),
    ("Mail:m.durand@cc-diois.fr;tel", "durand@cc-diois"),
    ("04 75 79 26 26", "75 79 26 26"),
    ("04.75.79.26.26", "04.75.79.26.26"),
    ("04/75/79/26/26", "04/75/79/26/26"),
    ("04-75-79-26-26", "04-75-79-26-26"),
    ("0475792626", "0475792626"),
    ("Tél0475792626", "0475792626"),
    ("Tél.:04 75 79 26 26", "04 75 79 26 26"),
    ("+33 (0)4 75 79 26 26", "75 79 26 26"),
    ("+33(0)475792626", "475792626"),
    ("+33 4 75 79 26 26", "75 79 26 26"),
    ("+33475792626", "475792626"),
    ("0033 4 75 79 26 26", "75 79 26 26"),
    ("0033475792626", "475792626"),
    ("(+33) 6 12 34 56 78", "12 34 56 78"),
    ("06\u00a012\u00a034\u00a056\u00a078", "34\u00a056"),                 # non-breaking spaces
    ("0475 79 26 26", "0475 79 26 26"),
    ("portable 06  12  34  56  78", "12  34  56"),
    ("0475792626/0475792627", "0475792627"),                           # two in a row
    ("04 75 79 26 26 ou 06 12 34 56 78 ou jean@crest.fr", "06 12 34 56 78"),
]

# Text that looks like a number or an address but is not personal data: must be left exactly as is.
LOOK_ALIKES = [
    "SIREN 242 600 534", "242600534", "SIRET 24260053400011", "SIRET 242 600 534 00011",
    "SIRET 02426005340001", "code INSEE 26108", "2A004", "26362", "canton 2616",
    "15/03/2021", "05/03/2021 10:42", "2021-03-15", "2021-03-15 10:42:00", "01/02/2021 - 28/02/2021",
    "12 500 €", "1 250 000,00 €", "0,50 €", "0 250 000", "montant 04 500", "2021", "2019-2021",
    "M21-00001", "M21-90001", "EX-0008", "D-2021-0412", "tranche 1 : 20 %", "Lot 05/12",
    "réunion à 10 h 30", "Site web @home", "Valence @ 14h", "rdv le 04/05 à 10:00",
    "N° 0123456789012", "IBAN FR76 3000 6000 0112 3456 7890 189",
]


@pytest.mark.parametrize(("text", "secret"), VARIANTS)
def test_variants_are_redacted(text, secret):
    out = redact(text)
    assert secret not in out and REDACTED in out


def test_surrounding_text_survives():
    assert redact("Rappeler au 04 75 79 26 26 avant le 15/03/2021") == f"Rappeler au {REDACTED} avant le 15/03/2021"
    assert redact("écrire à jean@crest.fr. Merci") == f"écrire à {REDACTED}. Merci"


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_kept(text):
    assert redact(text) == text


def test_polars_expression_agrees_with_python():
    texts = [t for t, _ in VARIANTS] + LOOK_ALIKES + [None, "", "a\n0475792626\nb", '{"Tél":"0475792626"}']
    out = pl.DataFrame({"t": texts}).select(redact_expr("t"))["t"].to_list()
    assert out == [redact(t) for t in texts]


CONTACT_HEADERS = ["Élu·e·s", "élu.e.s", "Élus", "Élue", "Maire", "Nom du maire", "Adjoint", "Adjointe au maire",
                   "Contact", "Contacts", "Coordonnées", "Courriel", "Mail", "E-mail", "Email", "Adresse mail",
                   "Mél", "Téléphone", "Tél.", "Tel", "N° de tél", "Portable", "Mobile", "Nom", "Prénom",
                   "Nom Prénom", "Nom et prénom", "Prénom du demandeur", "Référent", "Référente", "Élu référent",
                   "Nom de l'élu", "Interlocuteur", "Personne à contacter", "Président", "Fax", "Civilité"]
NOT_CONTACT = ["Objet", "Nom de la collectivité", "Nom de la commune", "Code INSEE", "Thématique", "Statut",
               "Observations", "Référentiel", "Date de la demande", "Montant", "Nom du projet", "Canton"]


@pytest.mark.parametrize("header", CONTACT_HEADERS)
def test_contact_headers_are_recognised(header):
    assert is_contact_header(key(header))


@pytest.mark.parametrize("header", NOT_CONTACT)
def test_other_headers_are_not(header):
    assert not is_contact_header(key(header))


SECRETS = ["Mme Alice Élue", "Jean Maire", "M. Adjoint", "Bob Référent", "2 rue des Lilas", "Dupont", "Jeanne",
           "alice[at]crest", "0475792626", "75 79 26 26", "dupont@mairie", "12 34 56 78", "Carole Contact"]


def _rows_with_personal_data():
    header = [*HEADER, "Élus", "Nom du maire", "Adjoint", "Coordonnées", "Référent", "Nom", "Prénom", "Observations"]
    first = row("P1", "Q1", "01/06/2021", "Mairie de Crest", "26108",
                objet="Rappeler jean.dupont arobase mairie ou Tél0475792626",
                contact="Carole Contact", email="alice[at]crest", tel="+33 (0)4 75 79 26 26")
    # the second row goes to quarantine: its reason quotes the bad value
    second = row("P2", "Q2", "01/06/2021", "Mairie de Crest", "26108", theme="voir 06 12 34 56 78")
    rows = [[*first, "Mme Alice Élue", "Jean Maire", "M. Adjoint", "2 rue des Lilas", "Bob Référent", "Dupont",
             "Jeanne", "joindre le 04/75/79/26/26 ou dupont@mairie"],
            # the row as read is kept for quarantined rows only (accepted ones keep their provenance)
            [*second, *[""] * 7, "joindre le 04/75/79/26/26 ou dupont@mairie"]]
    return header, rows


def _dump(db) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return json.dumps([con.execute(f"SELECT * FROM {t}").fetchall()
                           for t in ("missions", "raw_rows", "quarantine", "load_log")], default=str, ensure_ascii=False)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_no_personal_data_reaches_the_warehouse(tmp_path, form):
    header, rows = _rows_with_personal_data()
    f = (write_csv(tmp_path / "perso.csv", rows, header=header) if form == "csv"
         else write_xlsx(tmp_path / "perso.xlsx", {"Missions": (header, rows)}))
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.acceptees, c.quarantaine) == (1, 1)
    dump = _dump(db)
    for secret in SECRETS:
        assert secret not in dump, secret
    assert "Observations" in dump and "joindre le" in dump            # other columns kept, redacted
    assert "thématique inconnue" in dump


def test_a_file_named_after_a_person_is_not_stored_under_that_name(tmp_path):
    header, rows = _rows_with_personal_data()
    f = write_csv(tmp_path / "export jean.dupont@mairie.fr.csv", rows, header=header)
    db = tmp_path / "w.duckdb"
    [c] = ingest_paths([f], db=db)
    assert (c.acceptees, c.quarantaine) == (1, 1)
    assert "dupont@mairie" not in _dump(db)
