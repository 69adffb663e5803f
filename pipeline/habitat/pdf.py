"""Housing pages → PDF through Typst (the `typst` PyPI package), from the same page models as the site.

The template (reports/typst/habitat.typ) reads the pages as JSON and the SVG figures as files, so the
PDF prints exactly the site's strings and numbers; text from exports is data, never Typst markup.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from pipeline import config
from pipeline.habitat.model import Page, date_fr, to_dict

TEMPLATE = config.TYPST_DIR / "habitat.typ"


def render_pdf(pages: list[Page], target: Path, year: int, as_of) -> Path:
    import typst

    data = to_dict(pages)
    with tempfile.TemporaryDirectory(prefix="bilan-habitat-typst-") as tmp:
        work = Path(tmp)
        (work / "img").mkdir()
        shutil.copyfile(TEMPLATE, work / "habitat.typ")
        n = 0
        for page in data:
            for block in page["blocks"]:
                block["file"], block["width"] = "", 0
                if block["kind"] == "svg":
                    n += 1
                    name = f"img/f{n}.svg"
                    (work / name).write_text(block["svg"], encoding="utf-8")
                    m = re.search(r'viewBox="0 0 (\d+)', block["svg"])
                    block["file"], block["width"] = name, int(m.group(1)) if m else 640
                block["svg"] = ""
        for page in data:                  # consecutive small figures print three to a row
            merged: list[dict] = []
            for block in page["blocks"]:
                if block.get("small") and merged and merged[-1]["kind"] == "grid":
                    merged[-1]["items"].append(block)
                elif block.get("small"):
                    merged.append({"kind": "grid", "title": "", "items": [block], "note": ""})
                else:
                    merged.append(block)
            page["blocks"] = merged
        doc = {"title": f"Aides à l'habitat : bilan {year}", "subtitle": f"Situation au {date_fr(as_of)}",
               "footer": f"Département de la Drôme — aides à l'habitat 2023-2028, bilan {year}", "pages": data}
        (work / "data.json").write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        typst.compile(str(work / "habitat.typ"), output=str(target), root=str(work), sys_inputs={"data": "data.json"})
    return target
