"""Every page of the site in headless Chromium: no console error, nothing requested outside the site
folder, figures drawn, and no sideways scrolling on a phone.

Needs Debian's chromium (/usr/bin/chromium, installed by .ci/run); skipped with a message otherwise.
Set BILAN_SHOTS=/some/folder to also save screenshots of the home page and a canton page.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from bilan_fixture import CANTON_CODES, CHROMIUM, built_site, launched_browser

PAGES = ["index.html", "cantons/index.html", "epci.html", "partenaires.html", "methodologie.html",
         "qualite.html", "telechargements.html"] + [f"cantons/{c}.html" for c in CANTON_CODES]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)"),
]


@pytest.fixture(scope="module")
def browser():
    yield from launched_browser()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory)


class Recorder:
    """One browser tab reused for every page (a new tab per page costs seconds on 2 cores); records
    console errors, page errors, failed requests and every requested URL of the current page."""

    def __init__(self, context):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))

    def open(self, url: str):
        self.errors.clear()
        self.requests.clear()
        self.page.goto(url, wait_until="load")
        return self.page


def test_every_page_is_clean_and_self_contained(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = Recorder(context)
    root = site.resolve().as_uri() + "/"
    problems = []
    for name in PAGES:
        page = tab.open(root + name)
        outside = [u for u in tab.requests if not u.startswith(root) and not u.startswith("data:")]
        n_plots = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        n_divs = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        if tab.errors or outside or n_plots != n_divs:
            problems.append((name, list(tab.errors), outside, f"{n_plots}/{n_divs} figures drawn"))
    context.close()
    assert not problems, problems


def test_phone_layout_has_no_sideways_scroll(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True)
    shots = os.environ.get("BILAN_SHOTS")
    tab = Recorder(context)
    for name in ("index.html", "cantons/2610.html", "qualite.html"):
        page = tab.open(site.resolve().as_uri() + "/" + name)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name}: {overflow}px of horizontal scroll on a phone"
        assert not tab.errors, tab.errors
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"phone-{name.replace('/', '-')}.png"), full_page=True)
    context.close()


def test_screenshots_when_asked(browser, site):
    shots = os.environ.get("BILAN_SHOTS")
    if not shots:
        pytest.skip("set BILAN_SHOTS=folder to save desktop screenshots")
    Path(shots).mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = Recorder(context)
    for name in ("index.html", "cantons/2602.html", "qualite.html", "methodologie.html"):
        page = tab.open(site.resolve().as_uri() + "/" + name)
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(shots) / f"desktop-{name.replace('/', '-')}.png"), full_page=True)
    context.close()
