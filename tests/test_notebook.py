"""notebooks/exploration.ipynb runs top to bottom on a warehouse (today conftest's small one)."""

from __future__ import annotations

import nbformat
import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "exploration.ipynb"


@pytest.mark.slow   # starts a Jupyter kernel
def test_exploration_notebook_runs(small_warehouse, monkeypatch):
    nbclient = pytest.importorskip("nbclient", reason="nbclient not installed (dev dependency group)")
    if not small_warehouse.exists():
        pytest.skip(f"no warehouse could be built at {small_warehouse}")
    monkeypatch.setenv("BILAN_DB", str(small_warehouse))      # the kernel inherits this environment
    monkeypatch.delenv("BILAN_COMMUNE", raising=False)
    monkeypatch.delenv("BILAN_PARTENAIRE", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "années chargées : [2020, 2021]" in text
    assert "Die (26113)" in text                      # 9 demandes over 2020-2021, the most of any commune
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
