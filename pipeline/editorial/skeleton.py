"""`bilan editorial init YEAR`: the skeleton of a year's editorial set, for the team to fill.

Why pre-filled with placeholders rather than numbers: the sentences that cite figures are written with
`{{ demandes }}`-style names, so the team only writes words and the build puts this year's figures in.
CHIFFRES.md lists every name with its value for the year, as a reference while writing. Existing files
are never overwritten: running it again only adds what is missing.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.editorial.figures import YearFigures
from pipeline.editorial.files import DRAFT_MARK, PLACES

_SECTIONS: dict[str, tuple[str, str]] = {
    "edito": ("01-edito.md", "{mark} — le mot de la présidence du Département.\n\nEn {{{{ annee }}}}, "
              "{{{{ demandes }}}} demandes de collectivités ont été recensées ({{{{ evolution_demandes }}}} "
              "par rapport à {{{{ annee_precedente }}}}).\n"),
    "colophon": ("02-colophon.md", "Édité par : Département de la Drôme — {mark}\n\n"
                 "Réalisation : {mark}\n\nImpression : {mark}\n"),
    "demarche": ("03-demarche.md", "{mark} — la démarche partenariale, la plate-forme, "
                 "les engagements des partenaires.\n"),
    "epci": ("04-projets-epci.md", "{mark} — quelques projets menés avec les intercommunalités "
             "({{{{ epci_demandeurs }}}} EPCI demandeurs).\n"),
    "actions": ("05-actions.md", "{mark} — les actions conduites en {{{{ annee }}}} : site des collectivités, "
                "lettres d'information, réunions d'information des élus ({{{{ faits.elus_participants }}}} "
                "élus, {{{{ faits.sessions }}}} sessions).\n"),
    "perspectives": ("06-perspectives.md", "{mark} — les perspectives {{{{ annee_suivante }}}}.\n"),
}

_FAITS = """\
# Chiffres qui ne viennent pas des exports de la plate-forme ({year}).
# Un nom (minuscules, chiffres, _) → un nombre ou un texte ; dans les textes : {{{{ faits.nom }}}}.
faits:
  articles: 0          # {mark} : articles publiés sur le site des collectivités
  evenements: 0        # {mark} : événements publiés
  newsletters: 0       # {mark}
  sessions: 0          # {mark} : sessions d'information des élus
  elus_participants: 0 # {mark} : élus participants
# Chiffres clés de la page « Actions » (dans cet ordre)
chiffres_cles:
  - {{fait: elus_participants, libelle: "élus aux réunions d’information"}}
  - {{fait: sessions, libelle: "sessions d’information"}}
  - {{fait: articles, libelle: "articles publiés"}}
"""

_LISEZMOI = """\
# Textes du bilan {year}

Chaque fichier `.md` est une section du rapport. Son en-tête dit où elle va :

    ---
    place: edito            # {places}
    titre: Édito            # facultatif
    signature: …            # facultatif
    ---

Une section propre à un canton, une intercommunalité ou un partenaire : `place: canton:2602`,
`place: epci:200040459`, `place: partenaire:CAUE`.

Les chiffres s'écrivent `{{{{ demandes }}}}` : la liste des noms et leur valeur pour {year} est dans
CHIFFRES.md. Tant qu'un texte contient « {mark} », il est laissé de côté à la construction.
Obligatoires : edito, demarche, actions, colophon. Détails : docs/editorial.md.
"""


def write_skeleton(year: int, folder: Path, figures: YearFigures) -> list[Path]:
    """Write the files of `folder` that do not exist yet; returns those written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = folder / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)

    for place, (name, body) in _SECTIONS.items():
        put(name, f"---\nplace: {place}\ntitre: {PLACES[place]}\n---\n" + body.format(mark=DRAFT_MARK))
    put("faits.yaml", _FAITS.format(year=year, mark=DRAFT_MARK))
    put("partenaires.yaml", "# Les partenaires : nom (tel qu'imprimé), domaine, une phrase de présentation.\n"
        "partenaires:\n  - nom: \"…\"\n    domaine: \"…\"\n    presentation: \"" + DRAFT_MARK + "\"\n"
        "    # partenaire: CAUE   # facultatif : le libellé de data/ref/partenaires.csv\n")
    put("LISEZMOI.md", _LISEZMOI.format(year=year, mark=DRAFT_MARK, places=", ".join(PLACES)))
    lines = [f"# Chiffres disponibles pour {year}", "", "| repère | valeur | source |", "|---|---|---|"]
    lines += [f"| `{{{{ {n} }}}}` | {f.text()} | {f.source} |" for n, f in sorted(figures.common.items())]
    for place, scoped in (("canton", figures.cantons), ("epci", figures.epcis)):
        first = next(iter(scoped.values()), {})
        lines += [f"| `{{{{ {place}.{n} }}}}` | (dans une section `place: {place}:…`) | {f.source} |"
                  for n, f in first.items()]
    (folder / "CHIFFRES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(folder / "CHIFFRES.md")
    return written
