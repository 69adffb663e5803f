"""Time the site build alone and with the PDF, and measure the site's size.

Targets (2-core machine): site ≤ 10 s, site + PDF ≤ 60 s.

Input: the CSV tables of a built year (default reports/2021/tables after `bilan demo`, else the test
fixture tests/fixtures/tables_2021), read with pipeline.site.context_from_tables — the same BuildContext
the orchestrator passes. Times include the imports (a cold `bilan build` pays them too).

    uv run python bench/bench_build.py [--tables DIR] [--out DIR] [--no-pdf]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _default_tables() -> Path:
    built = ROOT / "reports" / "2021" / "tables"
    return built if (built / "summary.csv").exists() else ROOT / "tests" / "fixtures" / "tables_2021"


def _size(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    biggest = max(html, key=lambda p: p.stat().st_size)
    return {
        "total_mb": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "html_mb": round(sum(p.stat().st_size for p in html) / 1e6, 2),
        "assets_mb": round(sum(p.stat().st_size for p in (folder / "assets").rglob("*")) / 1e6, 2),
        "pages": len(html),
        "largest_page": f"{biggest.relative_to(folder)} ({biggest.stat().st_size / 1e3:.0f} kB)",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "site")
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args()
    tables = args.tables or _default_tables()
    if args.out.exists():
        shutil.rmtree(args.out)
    (args.out / "tables").mkdir(parents=True)
    for p in tables.iterdir():           # as the orchestrator does: tables first, then the site
        if p.is_file():
            shutil.copy(p, args.out / "tables" / p.name)

    t0 = time.perf_counter()
    from pipeline.site import build_site, context_from_tables
    t_import = time.perf_counter() - t0
    t = time.perf_counter()
    ctx = context_from_tables(tables)
    t_ctx = time.perf_counter() - t
    t = time.perf_counter()
    build_site(ctx, args.out)
    t_site = time.perf_counter() - t
    result = {"tables": str(tables), "year": ctx.year, "import_s": round(t_import, 2),
              "context_s": round(t_ctx, 2), "site_s": round(t_site, 2),
              "site_total_s": round(t_import + t_ctx + t_site, 2)}
    if not args.no_pdf:
        from pipeline.print import build_pdf
        t = time.perf_counter()
        pdf = build_pdf(ctx, args.out)
        result["pdf_s"] = round(time.perf_counter() - t, 2)
        result["pdf_mb"] = round(pdf.stat().st_size / 1e6, 2)
        result["site_and_pdf_total_s"] = round(result["site_total_s"] + result["pdf_s"], 2)
    result["size"] = _size(args.out)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    (args.out.parent / "bench_build.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
