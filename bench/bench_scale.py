"""Scale benchmark: the project against DuckDB alone and naive pandas, on the same synthetic exports.

    uv run python bench/bench_scale.py                       # 1 M missions
    uv run python bench/bench_scale.py --missions 1000000 --missions 10000000
    uv run python bench/bench_scale.py --missions 200000 --pandas-limit-gb 4 --work /tmp/bench-scale
    uv run python bench/bench_scale.py --rounds 5           # ingest, tables, DuckDB alone 5 times each

For each size N, in one run (every step a separate process, timed from outside):
  synth      `bilan synth --missions N` (streamed; files of 1 M rows: 10 files at 10 M) — not compared
  ingest     `bilan ingest` of the files into a fresh warehouse
  tables     `bilan build 2021 --tables-only` (breakdowns + CSV/XLSX)
  site       `bilan build 2021` (tables, charts, maps, site)
  rebuild    the same `bilan build 2021` again, nothing changed (must do no work: ≤ 1 s)
  duckdb     DuckDB alone: read_csv of the same files, joins to data/ref (commune → population, size
             class, EPCI; canton label → code; thématique → domaine; partner → type) into a DuckDB file,
             then the GROUP BYs of the contract's tables (shared/spec/report-outputs.md) — the floor
  pandas     naive pandas: read_csv of every file, concat, merge with data/ref, groupby / nunique.
             Killed when its memory passes --pandas-limit-gb (reported "tué"): the machine is shared.
             Every other step is killed past --limit-gb (default 8) for the same reason.
  help       `bilan --help` (≤ 0.5 s)
With --rounds K, ingest, tables and DuckDB alone are measured one after the other K times; the table
shows each step's median run, and the ratio of every round is printed (the machine is shared: a round's
three runs, seconds apart, see the same load). Children run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as an installed tool runs.
Peak RSS is of the whole process tree of each step: /proc polled every 50 ms (sum over the tree), and
the kernel's own maximum of the waited process (wait4 ru_maxrss), whichever is larger.

Targets (issue 10): ingest + build ≤ 2× DuckDB alone; peak ≤ 1 GB at 1 M, ≤ 3 GB at 10 M; pandas
slower than the project at every size. Results are printed as a table and written to WORK/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "data" / "ref"
BILAN = str(Path(sys.executable).parent / "bilan")
YEAR = 2021
PAGE = os.sysconf("SC_PAGE_SIZE")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# -- measuring a process tree ---------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            kids.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError):
            continue
    return kids


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and all its descendants (now)."""
    kids, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, ()))
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError):
            pass
    return total


@dataclass
class Run:
    step: str
    wall_s: float
    peak_gb: float
    cpu_s: float = 0.0        # user + sys of the tree: on a shared machine, wall time includes waiting
    status: str = "ok"        # ok | tué (memory guard) | échec (exit code)


def measure(step: str, cmd: list[str], limit_gb: float | None = None) -> Run:
    """Run cmd, polling the tree's RSS; kill the tree when it passes limit_gb."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    peak, killed = 0, False
    done = threading.Event()

    def poll() -> None:
        nonlocal peak, killed
        while not done.is_set():
            rss = tree_rss(proc.pid)
            peak = max(peak, rss)
            if limit_gb and rss > limit_gb * 1e9 and not killed:
                killed = True
                os.killpg(proc.pid, signal.SIGKILL)
            done.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    poller.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)
    state = "tué" if killed else ("ok" if proc.returncode == 0 else f"échec ({proc.returncode})")
    if state.startswith("échec"):
        sys.stderr.write(f"{step}: {b''.join(err_chunks).decode(errors='replace')[-2000:]}\n")
    return Run(step, wall, peak / 1e9, usage.ru_utime + usage.ru_stime, state)


# -- DuckDB alone and naive pandas (run as child processes of this script) ------------------------

COMMUNE = "demandeur_type = 'commune' AND code_insee IS NOT NULL"
DUCKDB_LOAD = """
CREATE TABLE missions AS
WITH communes AS (
    SELECT code_insee, population_dgcl::INTEGER AS population, epci_siren
    FROM read_csv('{ref}/communes_2021.csv', all_varchar = true)),
classes AS (
    SELECT classe, population_min::INTEGER AS lo, population_max::INTEGER AS hi
    FROM read_csv('{ref}/classes_taille.csv', all_varchar = true)),
cantons AS (SELECT code, label_rapport FROM read_csv('{ref}/cantons.csv', all_varchar = true)),
thematiques AS (SELECT thematique, domaine FROM read_csv('{ref}/thematiques.csv', all_varchar = true)),
partenaires AS (SELECT partenaire, type FROM read_csv('{ref}/partenaires.csv', all_varchar = true))
SELECT r."N° mission"                  AS id_mission,
       r."N° demande"                  AS id_demande,
       year(r."Date de la demande"::DATE) AS annee,
       lower(r."Type de collectivité") AS demandeur_type,
       r."Code INSEE"                  AS code_insee,
       ca.code                         AS code_canton,
       coalesce(c.epci_siren, r."SIREN") AS siren_epci,
       c.population,
       cl.classe,
       r."Thématique"                  AS thematique,
       t.domaine,
       r."Type de prestation"          AS prestation,
       r."Partenaire"                  AS partenaire,
       p.type                          AS partenaire_type
FROM read_csv('{exports}/*.csv', delim = ';', header = true, all_varchar = true) AS r
LEFT JOIN communes c     ON c.code_insee = r."Code INSEE"
LEFT JOIN classes cl     ON c.population >= cl.lo AND (cl.hi IS NULL OR c.population <= cl.hi)
LEFT JOIN cantons ca     ON ca.label_rapport = r."Canton"
LEFT JOIN thematiques t  ON t.thematique = r."Thématique"
LEFT JOIN partenaires p  ON p.partenaire = r."Partenaire"
"""
DUCKDB_TABLES = {
    "summary": f"""SELECT count(DISTINCT id_demande), count(*),
                   count(DISTINCT code_insee) FILTER (WHERE {COMMUNE}),
                   count(DISTINCT siren_epci) FILTER (WHERE demandeur_type = 'epci')
                   FROM missions WHERE annee = {YEAR}""",
    "by_domaine": f"SELECT domaine, count(*) FROM missions WHERE annee = {YEAR} GROUP BY ALL",
    "by_thematique": f"SELECT thematique, count(*) FROM missions WHERE annee = {YEAR} GROUP BY ALL",
    "by_prestation": f"SELECT prestation, count(*) FROM missions WHERE annee = {YEAR} GROUP BY ALL",
    "by_partenaire": f"SELECT partenaire, count(*) FROM missions WHERE annee = {YEAR} GROUP BY ALL",
    "by_taille": f"""SELECT classe, count(DISTINCT code_insee), count(DISTINCT id_demande)
                     FROM missions WHERE annee = {YEAR} AND {COMMUNE} GROUP BY ALL""",
    "by_canton": f"""SELECT code_canton, count(DISTINCT code_insee), count(DISTINCT id_demande), count(*)
                     FROM missions WHERE annee = {YEAR} AND {COMMUNE} GROUP BY ALL""",
    "canton_thematique": f"""SELECT code_canton, thematique, count(*) FROM missions
                             WHERE annee = {YEAR} AND {COMMUNE} GROUP BY ALL""",
    "canton_prestation": f"""SELECT code_canton, prestation, count(*) FROM missions
                             WHERE annee = {YEAR} AND {COMMUNE} GROUP BY ALL""",
    "by_epci": f"""SELECT siren_epci, count(DISTINCT code_insee) FILTER (WHERE {COMMUNE}),
                   count(DISTINCT id_demande) FILTER (WHERE {COMMUNE}),
                   count(DISTINCT id_demande) FILTER (WHERE demandeur_type = 'epci')
                   FROM missions WHERE annee = {YEAR} GROUP BY ALL""",
    "domaine_prestation": f"SELECT domaine, prestation, count(*) FROM missions WHERE annee = {YEAR} GROUP BY ALL",
}


def duckdb_alone(exports: Path, db: Path) -> None:
    import duckdb

    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    con.execute(DUCKDB_LOAD.format(ref=REF, exports=exports))
    n = sum(len(con.execute(q).fetchall()) for q in DUCKDB_TABLES.values())
    con.close()
    print(f"duckdb: {n} result rows")


def pandas_naive(exports: Path) -> None:
    import pandas as pd

    df = pd.concat([pd.read_csv(f, sep=";", dtype=str) for f in sorted(exports.glob("*.csv"))],
                   ignore_index=True)
    df = df.rename(columns={"N° demande": "id_demande", "Code INSEE": "code_insee", "Canton": "canton",
                            "Thématique": "thematique", "Type de prestation": "prestation",
                            "Partenaire": "partenaire", "SIREN": "siren"})
    df["annee"] = pd.to_datetime(df["Date de la demande"]).dt.year
    df["demandeur_type"] = df["Type de collectivité"].str.lower()
    communes = pd.read_csv(REF / "communes_2021.csv", dtype=str)[["code_insee", "population_dgcl", "epci_siren"]]
    communes["population"] = communes["population_dgcl"].astype(int)
    classes = pd.read_csv(REF / "classes_taille.csv")
    bins = [-1, *classes["population_max"].fillna(float("inf")).tolist()]
    communes["classe"] = pd.cut(communes["population"], bins=bins, labels=classes["classe"].tolist()).astype(str)
    cantons = pd.read_csv(REF / "cantons.csv", dtype=str)[["code", "label_rapport"]]
    df = df.merge(communes, on="code_insee", how="left")
    df = df.merge(cantons.rename(columns={"code": "code_canton", "label_rapport": "canton"}), on="canton", how="left")
    df = df.merge(pd.read_csv(REF / "thematiques.csv", dtype=str)[["thematique", "domaine"]], on="thematique",
                  how="left")
    df = df.merge(pd.read_csv(REF / "partenaires.csv", dtype=str)[["partenaire", "type"]], on="partenaire",
                  how="left")
    df["siren_epci"] = df["epci_siren"].fillna(df["siren"])
    y = df[df["annee"] == YEAR]
    com = y[(y["demandeur_type"] == "commune") & y["code_insee"].notna()]
    results = [
        y["id_demande"].nunique(), len(y), com["code_insee"].nunique(),
        y.loc[y["demandeur_type"] == "epci", "siren_epci"].nunique(),
        y.groupby("domaine").size(), y.groupby("thematique").size(), y.groupby("prestation").size(),
        y.groupby("partenaire").size(), y.groupby(["domaine", "prestation"]).size(),
        com.groupby("classe").agg({"code_insee": "nunique", "id_demande": "nunique"}),
        com.groupby("code_canton").agg({"code_insee": "nunique", "id_demande": "nunique", "thematique": "size"}),
        com.groupby(["code_canton", "thematique"]).size(), com.groupby(["code_canton", "prestation"]).size(),
        com.groupby("siren_epci").agg({"code_insee": "nunique", "id_demande": "nunique"}),
        y[y["demandeur_type"] == "epci"].groupby("siren_epci")["id_demande"].nunique(),
    ]
    print(f"pandas: {sum(getattr(r, 'size', 1) for r in results)} result cells")


# -- one size ---------------------------------------------------------------------------------------

def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time (its own CPU and peak memory with it)."""
    return sorted(runs, key=lambda r: r.wall_s)[len(runs) // 2]


def bench_size(n: int, work: Path, pandas_limit_gb: float, skip_pandas: bool, limit_gb: float,
               rounds: int = 1) -> dict:
    exports = work / f"exports-{n}"
    stamp = exports / ".complete"
    runs: list[Run] = []
    if not stamp.exists():
        shutil.rmtree(exports, ignore_errors=True)
        runs.append(measure("synth", [BILAN, "synth", "--missions", str(n), "--out", str(exports), "--seed", "7"]))
        stamp.write_text(str(n))
    db = work / f"warehouse-{n}.duckdb"
    me = [sys.executable, str(Path(__file__).resolve())]
    # ingest, tables and DuckDB alone, one after the other, `rounds` times: on a shared machine the
    # ratio of one round (the three measured within seconds of each other) is steadier than the times
    paired: dict[str, list[Run]] = {"ingest": [], "tables": [], "duckdb": []}
    ratios = []
    for _ in range(rounds):
        for stale in (db, db.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        for d in (work / f"tables-{n}", work / f"site-{n}"):
            shutil.rmtree(d, ignore_errors=True)
        ingest = measure("ingest", [BILAN, "ingest", str(exports), "--db", str(db)], limit_gb)
        tables = measure("tables", [BILAN, "build", str(YEAR), "--db", str(db), "--out", str(work / f"tables-{n}"),
                                    "--tables-only"], limit_gb)
        alone = measure("duckdb", [*me, "--child", "duckdb", str(exports), str(work / f"duckdb-{n}.duckdb")],
                        limit_gb)
        (work / f"duckdb-{n}.duckdb").unlink(missing_ok=True)
        for run in (ingest, tables, alone):
            paired[run.step].append(run)
        ratios.append((ingest.wall_s + tables.wall_s) / alone.wall_s)
    runs += [_median_run(paired["ingest"]), _median_run(paired["tables"])]
    site = [BILAN, "build", str(YEAR), "--db", str(db), "--out", str(work / f"site-{n}")]
    runs.append(measure("site", site, limit_gb))
    runs.append(measure("rebuild", site, limit_gb))
    measure("help", [BILAN, "--help"])                     # once to warm the bytecode cache, then timed
    runs.append(measure("help", [BILAN, "--help"]))
    runs.append(_median_run(paired["duckdb"]))
    if not skip_pandas:
        runs.append(measure("pandas", [*me, "--child", "pandas", str(exports)], limit_gb=pandas_limit_gb))
    by = {r.step: r for r in runs}
    floor = by["duckdb"].wall_s
    project_tables = by["ingest"].wall_s + by["tables"].wall_s
    project_site = by["ingest"].wall_s + by["site"].wall_s
    project_peak = max(max(r.peak_gb for r in paired[s]) for s in ("ingest", "tables")) if rounds else 0.0
    project_peak = max(project_peak, by["site"].peak_gb)
    return {
        "missions": n,
        "rounds": rounds,
        "runs": [asdict(r) for r in runs],
        "round_ratios": sorted(ratios),
        "project_tables_s": project_tables,
        "project_site_s": project_site,
        "project_peak_gb": project_peak,
        "ratio_tables": project_tables / floor,
        "ratio_site": project_site / floor,
        "ratio_tables_cpu": (by["ingest"].cpu_s + by["tables"].cpu_s) / by["duckdb"].cpu_s,
        "ratio_site_cpu": (by["ingest"].cpu_s + by["site"].cpu_s) / by["duckdb"].cpu_s,
        "ratio_pandas_vs_project": (by["pandas"].wall_s / project_tables) if "pandas" in by else None,
        "pandas_status": by["pandas"].status if "pandas" in by else "non mesuré",
    }


def report(result: dict) -> str:
    n = result["missions"]
    floor = next(r for r in result["runs"] if r["step"] == "duckdb")
    lines = [f"\n## {n:,} missions".replace(",", " "),
             "| étape | temps (s) | CPU (s) | pic mémoire (GB) | / DuckDB seul | état |",
             "|---|---:|---:|---:|---:|---|"]
    for r in result["runs"]:
        ratio = "" if r["step"] in ("synth", "rebuild", "help") else f"{r['wall_s'] / floor['wall_s']:.2f}×"
        lines.append(f"| {r['step']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['peak_gb']:.2f} | {ratio} "
                     f"| {r['status']} |")
    lines.append(f"| **projet : ingest + tables** | {result['project_tables_s']:.1f} | | "
                 f"{result['project_peak_gb']:.2f} | **{result['ratio_tables']:.2f}×** | |")
    lines.append(f"| **projet : ingest + site** | {result['project_site_s']:.1f} | | "
                 f"{result['project_peak_gb']:.2f} | **{result['ratio_site']:.2f}×** | |")
    lines.append(f"en temps CPU : ingest + tables {result['ratio_tables_cpu']:.2f}× DuckDB seul, "
                 f"ingest + site {result['ratio_site_cpu']:.2f}×")
    if result["rounds"] > 1:
        shown = ", ".join(f"{r:.2f}×" for r in result["round_ratios"])
        lines.append(f"{result['rounds']} tours (médiane de chacun ci-dessus) ; ingest + tables / DuckDB seul, "
                     f"tour par tour : {shown}")
    if result["ratio_pandas_vs_project"] is not None:
        lines.append(f"pandas / projet (ingest + tables) : {result['ratio_pandas_vs_project']:.2f}× "
                     f"({result['pandas_status']}; a killed run is a lower bound)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--missions", type=int, action="append", help="size (repeatable); default 1 000 000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-scale"), help="work folder (exports are kept)")
    ap.add_argument("--pandas-limit-gb", type=float, default=6.0, help="kill pandas past this RSS")
    ap.add_argument("--limit-gb", type=float, default=8.0, help="kill any other step past this RSS (shared machine)")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--rounds", type=int, default=1,
                    help="ingest, tables and DuckDB alone measured this many times, one after the other (median)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *paths = args.child
        if kind == "duckdb":
            duckdb_alone(Path(paths[0]), Path(paths[1]))
        else:
            pandas_naive(Path(paths[0]))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.missions or [1_000_000]:
        result = bench_size(n, args.work, args.pandas_limit_gb, args.skip_pandas, args.limit_gb, max(1, args.rounds))
        results.append(result)
        print(report(result), flush=True)
    (args.work / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
