"""The reports in a real browser: headless Chromium, no network, scripts run, nothing injected runs.

Chromium is driven from the command line (``--dump-dom`` prints the DOM after the page's scripts
ran, ``--screenshot`` saves a PNG), so no driver or websocket client is needed. The page's own
scripts leave markers: ``html[data-jmk-guard]`` (the error guard ran, so the CSP let it),
``body[data-jmk-ready]`` (init finished without exception) and ``body[data-jmk-errors]`` (a script
error happened). Screenshots are kept under each test's ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

import jinmyaku_nlp
from jinmyaku_nlp.record import Analysis, ErrorRecord
from jinmyaku_nlp.report import render_article, write_reports

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
PWN = "document.body.setAttribute('data-pwned','1')"
HOSTILE = (
    "人脈は大切だと思いますか？\n\n"
    f"<script>{PWN}</script>確かに人脈は大切です。\n"
    f'でも、<img src=x onerror="{PWN}">それだけでは足りません。\n\n'
    f'"><svg onload="{PWN}"></svg>一緒に考えてみましょう。\n'
)


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if not exe:
        pytest.skip("headless Chromium not found at /usr/bin/chromium: install it with `apt-get install chromium`")
    return exe


def run_chromium(exe: str, page: Path, profile: Path, *args: str) -> str:
    cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(exe: str, page: Path, tmp_path: Path) -> lxml.html.HtmlElement:
    out = run_chromium(exe, page, tmp_path / "profile-dom", "--dump-dom")
    assert "<html" in out, "Chromium printed no DOM"
    return lxml.html.document_fromstring(out)


def screenshot(exe: str, page: Path, tmp_path: Path, name: str) -> Path:
    png = tmp_path / name
    run_chromium(exe, page, tmp_path / "profile-shot", f"--screenshot={png}", "--window-size=1400,1800")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return png


def assert_scripts_ran_cleanly(tree: lxml.html.HtmlElement) -> None:
    assert tree.get("data-jmk-guard") == "1", "the error guard did not run (blocked by the page's CSP?)"
    body = tree.body
    assert body.get("data-jmk-ready") == "1", "the report script did not finish its init"
    assert body.get("data-jmk-errors") is None, tree.xpath("//ol[@id='jmk-js-errors']")[0].text_content()
    assert not tree.xpath("//*[@data-pwned]"), "markup inside the article executed"
    assert all(root.get("data-jmk-ready") == "1" for root in tree.xpath("//div[contains(@class, 'jmk-report')]"))


@pytest.fixture(scope="module")
def hostile() -> Analysis:
    return jinmyaku_nlp.analyze(HOSTILE, id="hostile-1")


def test_article_report_runs_offline_and_injected_markup_never_executes(chromium, hostile, tmp_path):
    page = tmp_path / "hostile-1.html"
    page.write_text(render_article(hostile), encoding="utf-8")
    tree = dump_dom(chromium, page, tmp_path)
    assert_scripts_ran_cleanly(tree)
    assert not tree.xpath("//article//img") and not tree.xpath("//article//svg") and not tree.xpath("//article//script")
    sentences = tree.xpath("//article//span[contains(concat(' ', @class, ' '), ' jmk-s ')]")
    assert len(sentences) == len(hostile.sentences)
    assert f"<script>{PWN}</script>" in tree.xpath("//article")[0].text_content()
    assert len(tree.xpath("//li[contains(@class, 'jmk-pat')]")) == len(hostile.patterns)
    screenshot(chromium, page, tmp_path, "hostile-1.png")


def test_article_interactions_highlight_patterns_and_show_rules(chromium, tmp_path):
    """Hovering a role badge lights up every sentence of its pattern; clicking an act badge shows
    its rule id. The fragment is embedded in a page with a driver script (and no CSP)."""
    text = (REPO / "corpus" / "aozora" / "miki_jinseiron_note_kofuku.txt").read_text(encoding="utf-8")
    a = jinmyaku_nlp.analyze(text, id="miki")
    if not a.patterns or not any(s.acts for s in a.sentences):
        pytest.skip("the sample article yields no pattern or act to interact with")
    first = a.patterns[0]
    lit_expected = len({i for ix in first.roles.values() for i in ix})
    act_sentence = next(s for s in a.sentences if s.acts)
    act_rules = [c.rule for c in act_sentence.cues if c.label == act_sentence.acts[0]]
    driver = """
    var root = document.querySelector('.jmk-article-report');
    var badge = root.querySelector('a.jmk-role[data-pkey="0"]');
    badge.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    var lit = root.querySelectorAll('.jmk-s.jmk-hl').length;
    badge.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
    var after = root.querySelectorAll('.jmk-s.jmk-hl').length;
    root.querySelector('li.jmk-pat[data-pkey="0"]').click();
    var pinned = root.querySelectorAll('.jmk-s.jmk-hl').length;
    root.querySelector('button.jmk-act').click();
    var box = root.querySelector('.jmk-inspector');
    document.body.setAttribute('data-result', JSON.stringify(
      {lit: lit, after: after, pinned: pinned, hidden: box.hidden, shown: box.textContent}));
    """
    page = tmp_path / "harness.html"
    page.write_text(
        "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'></head><body>"
        + render_article(a, standalone=False)
        + f"<script>{driver}</script></body></html>",
        encoding="utf-8",
    )
    tree = dump_dom(chromium, page, tmp_path)
    result = json.loads(tree.body.get("data-result"))
    assert result["lit"] == lit_expected
    assert result["after"] == 0
    assert result["pinned"] == lit_expected
    assert result["hidden"] is False
    assert any(rule in result["shown"] for rule in act_rules) or not act_rules


def test_corpus_report_and_links_in_the_browser(chromium, hostile, tmp_path):
    files = sorted((REPO / "corpus" / "aozora").glob("*.txt"))[:2]
    records = [hostile, *jinmyaku_nlp.analyze_many(files)]
    records.append(ErrorRecord("broken", "decode_error", f'<img src=x onerror="{PWN}">', "x/broken.txt"))
    out = tmp_path / "out"
    summary = write_reports(records, out)
    assert summary.errors == 1
    tree = dump_dom(chromium, summary.index, tmp_path)
    assert_scripts_ran_cleanly(tree)
    links = [a.get("href") for a in tree.xpath("//section[@id='articles']//tbody//a")]
    assert sorted(links) == sorted(f"{r.id}.html" for r in records if r.ok)
    assert all((out / href).is_file() for href in links)
    assert tree.xpath("//section[@id='acts']//svg//rect")
    assert tree.xpath("//section[@id='errors']//td")[0].text_content() == "broken"
    screenshot(chromium, summary.index, tmp_path, "index.png")
