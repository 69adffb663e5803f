"""The built wheel works outside the source checkout: installed into a fresh virtual environment, `bilan demo`
run in an empty folder writes the demo data and the 2021 report there, reading the reference data and the
templates shipped inside the package."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _uv() -> list[str]:
    if shutil.which("uv"):
        return ["uv"]
    if subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True, check=False).returncode == 0:
        return [sys.executable, "-m", "uv"]
    pytest.skip("uv is not available")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env)
    assert res.returncode == 0, f"{' '.join(cmd)}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
    return res


def test_wheel_runs_bilan_demo_in_an_empty_folder(tmp_path):
    uv = _uv()
    _run([*uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)], cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("bilan-*.whl")
    venv = tmp_path / "venv"
    _run([*uv, "venv", "-q", "--python", sys.executable, str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([*uv, "pip", "install", "-q", "--no-deps", "--python", str(python), str(wheel)], cwd=tmp_path)
    # The dependencies: the locked ones of this environment, appended to the new one's path (no network, no
    # copy). This environment's own .pth files are not read from there, so the checkout stays invisible.
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).stdout.strip())
    (site / "locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BILAN_", "VIRTUAL_ENV", "PYTHONPATH"))}
    where = _run([str(python), "-c", "import pipeline, pipeline.config as c; print(pipeline.__file__); "
                  "print(c.REF_DIR); print(c.TEMPLATES_DIR)"], cwd=empty, env=env).stdout.splitlines()
    assert all(str(venv) in line for line in where), where          # the installed copy, not the checkout
    res = _run([str(venv / "bin" / "bilan"), "demo"], cwd=empty, env=env)
    assert "Rapport 2021" in res.stdout

    report = empty / "reports" / "2021"
    with open(report / "tables" / "summary.csv", encoding="utf-8") as f:
        summary = {r["indicateur"]: r["valeur"] for r in csv.DictReader(f)}
    assert (summary["annee"], summary["demandes"]) == ("2021", "1041")   # the 2021 report's headline
    assert all((report / "cantons" / f"{2600 + i}.html").is_file() for i in range(1, 20))
    home = (report / "index.html").read_text(encoding="utf-8")
    assert "1\u202f041" in home
    # the demo's editorial texts ship with the package: the édito and the Actions page are there
    assert 'class="editorial editorial-edito"' in home and (report / "actions.html").is_file()
    assert (empty / "data" / "demo" / "warehouse.duckdb").is_file()
