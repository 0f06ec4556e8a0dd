"""The static HTML report: same bytes for the same store, and a page that renders in Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pytest
from lxml import html as lxml_html

from pipeline.report import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags the Debian package needs on a closed network, as root, with no display.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]  # fmt: skip
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium not installed (`make browser`); CI installs it and runs this test",
)


@pytest.fixture(scope="module")
def report(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("report") / "seeds.duckdb"
    shutil.copy(seed_db, db)
    return build_report(db, db.parent / "report")


def test_same_store_gives_the_same_report(report: Path, tmp_path: Path) -> None:
    db = report.parent.parent / "seeds.duckdb"
    again = build_report(db, tmp_path / "again")
    for name in ("index.html", "payback.png", "prices.png"):
        assert (report.parent / name).read_bytes() == (again.parent / name).read_bytes(), name


def test_page_uses_nothing_from_the_network(report: Path) -> None:
    tree = lxml_html.fromstring(report.read_text(encoding="utf-8"))
    for element in tree.xpath("//*[@src or @href]"):
        target = element.get("src") or element.get("href")
        assert not target.startswith(("http:", "https:", "//")), target
        if element.tag == "img":
            assert (report.parent / target).is_file(), target


def _chromium(*args: str, user_data: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "Chromium is missing: `make browser` installs it"
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_data}", *args],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


@needs_chromium
def test_report_renders_in_chromium(report: Path, seed_db: Path, tmp_path: Path) -> None:
    dom = _chromium(
        "--virtual-time-budget=5000", "--dump-dom", report.as_uri(), user_data=tmp_path / "a"
    ).stdout
    page = lxml_html.fromstring(dom)
    con = duckdb.connect(str(seed_db), read_only=True)
    deals = {row[0] for row in con.execute("SELECT deal_id FROM deals").fetchall()}
    assert page.xpath("//body/@data-images-loaded") == ["true"]
    assert {
        tr.get("data-deal") for tr in page.xpath('//*[@id="deals"]//tr[@class="deal"]')
    } == deals
    economics = page.xpath('//*[@id="economics"]//tr[@class="economics"]')
    assert {tr.get("data-deal") for tr in economics} == {
        "xai-anthropic-compute-lease", "xai-google-compute-lease"
    }  # fmt: skip
    summaries = page.xpath('//*[@id="summaries"]/div[@class="summary"]')
    assert {s.get("data-deal") for s in summaries} == deals
    for summary in summaries:
        en = summary.xpath('article[@class="summary-en"]//h1')
        zh = summary.xpath('article[@class="summary-zh"]//h1')
        assert en and zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[0].text_content())
        assert summary.xpath('article[@class="summary-zh"]//li')
    for stance in ("skeptical", "positive"):
        arguments = page.xpath(
            f'//*[@id="arguments"]/div[@data-stance="{stance}"]/div[@class="argument"]'
        )
        assert arguments and all(a.xpath("blockquote") for a in arguments[:3])


@needs_chromium
def test_report_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    import matplotlib.image

    shot = tmp_path / "report.png"
    _chromium(
        "--window-size=1280,2400", f"--screenshot={shot}", report.as_uri(),
        user_data=tmp_path / "b",
    )  # fmt: skip
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2400, 1280)
    # A page that failed to render is one flat colour; this one has text, tables and charts.
    assert float(np.std(pixels[..., :3])) > 0.1
    assert len(np.unique((pixels[..., :3] * 255).astype(int).reshape(-1, 3), axis=0)) > 50
