"""Spellings and formats of docs/spec/export-format.md resolve to one canonical value."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipeline.clean.values import commune_code, parse_date
from pipeline.ref import load_ref

REF = load_ref()


@pytest.mark.parametrize(("champ", "spelling", "canonical"), [
    ("canton", "Valence 2", "2616"), ("canton", "VALENCE-2", "2616"), ("canton", "Valence II", "2616"),
    ("canton", "2616", "2616"), ("canton", "Canton de Valence-2", "2616"), ("canton", "Le Diois", "2604"),
    ("canton", "Nyons et Buis les baronnies", "2610"), ("canton", "Tain l’hermitage", "2613"),
    ("thematique", "NUMÉRIQUE - DÉMAT", "Numérique - Démat"), ("thematique", "Numerique – demat", "Numérique - Démat"),
    ("thematique", "ESPACE NATUREL SENSIBLES (ENS)", "Espaces naturels sensibles"),
    ("thematique", "CONSERVATION DU PATRIMOINE", "Conservation et patrimoine"),
    ("prestation", "Maîtrise d’œuvre (MOe)", "Maîtrise d'œuvre"), ("prestation", "MOD", "Maîtrise d'ouvrage déléguée"),
    ("prestation", "Assistance à maîtrise d'ouvrage (AMO)", "Assistance à maîtrise d'ouvrage"),
    ("partenaire", "Médiathèque (CD26 - service des médiathèques)", "CD26 - Médiathèque départementale"),
    ("partenaire", "SDED - Territoire d’Énergies Drôme", "SDED - Territoire d'énergie Drôme"),
    ("type_demandeur", "Communauté d'agglomération", "epci"), ("type_demandeur", "Syndicat", "syndicat"),
])
def test_spellings_resolve(champ, spelling, canonical):
    assert REF.resolve(champ, spelling) == canonical


@pytest.mark.parametrize(("value", "expected"), [
    ("2021-03-15", dt.date(2021, 3, 15)), ("15/03/2021", dt.date(2021, 3, 15)),
    ("15/03/2021 10:42", dt.date(2021, 3, 15)), ("2021-03-15T10:42:00", dt.date(2021, 3, 15)),
    ("15/3/2021", dt.date(2021, 3, 15)), ("2021/03/15", dt.date(2021, 3, 15)), ("15.03.2021", dt.date(2021, 3, 15)),
    ("44270", dt.date(2021, 3, 15)),            # Excel serial number (1900 system)
    ("32/13/2021", None), ("30/02/2021", None), ("bientôt", None),
])
def test_dates(value, expected):
    assert pl.DataFrame({"d": [value]}).select(parse_date("d")).item() == expected


@pytest.mark.parametrize(("value", "expected"), [("26108", "26108"), ("26 108", "26108"), ("26108.0", "26108"),
                                            ("26\u00a0108", "26108"), ("1053", "01053")])
def test_commune_codes(value, expected):
    assert pl.DataFrame({"c": [value]}).select(commune_code("c")).item() == expected
