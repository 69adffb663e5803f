"""Accessibility as a test: axe-core (WCAG 2.1 A and AA rules, plus best practices) on every page of the
2021 site, at desktop (1366 px) and phone (390 px) width, in headless Chromium: zero violations.

Why in the suite: the 2021 site had 24 nested-interactive nodes (Plotly's tool bar inside charts that
are images for a screen reader), headings jumping h1 → h3, tables without captions, unscrollable wide
tables; each of those is a rule here, so a regression fails the build instead of waiting for an audit.
axe-core is the npm package's axe.min.js, vendored in tests/vendor/axe-core (no network at test time).
The same pass checks that no page scrolls sideways on a phone and that headings never skip a level.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from bilan_fixture import CANTON_CODES, CHROMIUM, built_site, launched_browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = ["index.html", "cantons/index.html", "epci.html", "partenaires.html", "methodologie.html",
         "annexe-technique.html", "qualite.html", "telechargements.html"] + [f"cantons/{c}.html" for c in CANTON_CODES]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)"),
]

RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""
HEADINGS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
  .filter(h => h.offsetParent !== null || getComputedStyle(h).position === 'absolute')
  .map(h => Number(h.tagName[1]))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    yield from launched_browser()


def _check(page, name: str, width: int, problems: dict[str, object]) -> None:
    violations = page.evaluate(RUN_AXE, TAGS)
    if violations:
        problems[f"{name} @{width}"] = violations
    levels = page.evaluate(HEADINGS)
    if levels[:1] != [1] or any(b > a + 1 for a, b in itertools.pairwise(levels)):
        problems[f"{name} @{width} headings"] = levels
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems[f"{name} @{width} sideways scroll"] = f"{overflow}px"


def test_no_axe_violation_on_any_page(browser, site):
    """Each page is loaded once, audited at 1366 px, then narrowed to 390 px (the charts redraw at the
    new width, as on a phone) and audited again: one page load for both widths."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    axe = AXE.read_text(encoding="utf-8")
    problems: dict[str, object] = {}
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if p.parts[-2] != "tables")
    assert set(PAGES) <= set(pages)          # every page of the site, including pages added later
    for name in pages:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto((site / name).resolve().as_uri(), wait_until="load")
        page.add_script_tag(content=axe)
        _check(page, name, 1366, problems)
        page.set_viewport_size({"width": 390, "height": 844})
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 250)))")
        _check(page, name, 390, problems)
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_axe_finds_a_violation_when_there_is_one(browser, tmp_path):
    """The test above can fail: a chart with a focusable control inside an image role is reported."""
    page_file = tmp_path / "bad.html"
    page_file.write_text('<!doctype html><html lang="fr"><head><title>t</title></head><body><main><h1>t</h1>'
                         '<div role="img" aria-label="graphique"><a href="#x">Partager</a></div>'
                         '</main></body></html>', encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    ids = {v["id"] for v in page.evaluate(RUN_AXE, TAGS)}
    context.close()
    assert "nested-interactive" in ids
