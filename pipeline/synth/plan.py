"""Which partner's missions go to which demo export, and in which form.

Real exports come one per partner group, each in the form its author's Excel produced. The calibrated
missions need to know their file before they are written (an emoji cannot go into a Windows-1252
file, a syndicat must not land in the file without a "Type de collectivité" column), hence this plan
shared by `calibrated` (content) and `exports` (files).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileForm:
    name: str
    kind: str                 # 'csv' or 'xlsx'
    encoding: str = "utf-8"   # 'utf-8', 'utf-8-sig' (BOM) or 'cp1252'
    sep: str = ";"
    newline: str = "\n"
    date_format: str = "%Y-%m-%d"
    with_type: bool = True     # "Type de collectivité" column present
    with_domaine: bool = False
    canton_all: bool = False   # Canton written for every commune (else only for split communes)
    personal: bool = True      # Contact / Email / Téléphone columns


F_NUMERIQUE = FileForm("2021-01_numerique_numerian-moulin-sig.csv", "csv", date_format="%Y-%m-%d")
F_CULTURE = FileForm("2021-02_cd26_culture_archives.xlsx", "xlsx", with_domaine=True, canton_all=True)
# same content columns as F_AMENAGEMENT: the EPORA rows they share must read identically
F_ENERGIE = FileForm("2021-03_sded_deplacements_epora.txt", "csv", encoding="cp1252", sep="\t",
                     newline="\r\n", date_format="%d/%m/%Y", with_domaine=True, canton_all=True, personal=False)
F_AMENAGEMENT = FileForm("2021-04_amenagement_environnement.csv", "csv", encoding="utf-8-sig", sep=",",
                         newline="\r\n", date_format="%d/%m/%Y", with_domaine=True, canton_all=True)
F_SANTE = FileForm("2021-05_sante_tourisme.csv", "csv", encoding="cp1252", sep=";",
                   date_format="%d/%m/%Y %H:%M", with_type=False)
F_SANTE_FIX = FileForm("2021-06_sante_tourisme_reexport_corrige.csv", "csv", encoding="cp1252", sep=";",
                       date_format="%d/%m/%Y %H:%M", with_type=False)

PARTNER_FILE_2021: dict[str, FileForm] = {
    "Syndicat mixte Numérian": F_NUMERIQUE, "Moulin Digital": F_NUMERIQUE, "CD26 - SIG": F_NUMERIQUE,
    "CD26 - Archives départementales": F_CULTURE, "CD26 - Direction culture et patrimoine": F_CULTURE,
    "CD26 - Médiathèque départementale": F_CULTURE,
    "SDED - Territoire d'énergie Drôme": F_ENERGIE, "CD26 - Direction des déplacements": F_ENERGIE,
    "CAUE": F_AMENAGEMENT, "EPORA": F_AMENAGEMENT, "Drôme Aménagement Habitat": F_AMENAGEMENT,
    "ADIL": F_AMENAGEMENT, "SAFER": F_AMENAGEMENT, "Chambre d'agriculture de la Drôme": F_AMENAGEMENT,
    "CD26 - Direction environnement": F_AMENAGEMENT, "CD26 - Développement agricole": F_AMENAGEMENT,
    "CD26 - Drôme laboratoire": F_AMENAGEMENT,
    "CD26 - Mission santé": F_SANTE, "Agence de développement touristique": F_SANTE, "CCI de la Drôme": F_SANTE,
}
# EPORA missions also copied into the energy export (the overlap that must count once)
OVERLAP_PARTNER = "EPORA"
OVERLAP_ROWS = 20
REEXPORT_CHANGES = 3

# partners whose file has no type column: syndicat missions must not go there
NO_TYPE_PARTNERS = frozenset(p for p, f in PARTNER_FILE_2021.items() if not f.with_type)
# partners whose missions may be written in Windows-1252 (their objet must be encodable)
CP1252_PARTNERS = frozenset(p for p, f in PARTNER_FILE_2021.items() if f.encoding == "cp1252") | {OVERLAP_PARTNER}

F2020_XLSX = FileForm("2020-01_export_annuel.xlsx", "xlsx", canton_all=True)
F2020_NUMERIQUE = FileForm("2020-02_numerique.csv", "csv", date_format="%d/%m/%Y")
NUMERIQUE_PARTNERS = frozenset({"Syndicat mixte Numérian", "Moulin Digital", "CD26 - SIG"})



def annual_xlsx(year: int) -> FileForm:
    return FileForm(f"{year}-01_export_annuel.xlsx", "xlsx", canton_all=True)


def annual_numerique(year: int) -> FileForm:
    return FileForm(f"{year}-02_numerique.csv", "csv", date_format="%d/%m/%Y")
