"""HTML reports: structure, escaping, determinism, corpus aggregation and error records.

Most tests render hand-built records, so what they assert does not move when the analyser's
rules change; one test renders a real analysis end to end.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

import jinmyaku_nlp
from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.record import Analysis, ErrorRecord
from jinmyaku_nlp.report import (
    CorpusReport,
    group_key,
    render_article,
    render_corpus,
    report_filename,
    write_article,
    write_corpus,
    write_reports,
)

REPO = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


def sentence(text: str, body: str, i: int, **kw: Any) -> dict[str, Any]:
    start = text.index(body)
    return {"i": i, "start": start, "end": start + len(body), "text": body, **kw}


def cue(text: str, cue_text: str, rule: str, label: str) -> dict[str, Any]:
    start = text.index(cue_text)
    return {"text": cue_text, "start": start, "end": start + len(cue_text), "rule": rule, "label": label}


def make_record(id: str = "demo-1", source: str | None = "blogs/demo-1.txt") -> dict[str, Any]:
    """A §5 record with a heading, boilerplate, acts with cues, a concession, claims (one
    rejected), key terms, and hostile markup in the text, the id, a cue and a key term."""
    s = [
        "人脈とは",
        "人脈とは何でしょうか？",
        "確かに人脈は大切です。",
        "でも、それだけでは足りません。",
        f"{SCRIPT}{IMG}と書く人もいます。",
        "スポンサーリンク",
    ]
    text = f"{s[0]}\n\n{s[1]}\n{s[2]}{s[3]}\n\n{s[4]}\n\n{s[5]}\n"
    sents = [
        sentence(text, s[0], 0, heading=True, cues=[cue(text, s[0], "structure.heading.short_line", "heading")]),
        sentence(
            text,
            s[1],
            1,
            acts=["question"],
            features={"mood": "interrogative", "polarity": "positive"},
            cues=[cue(text, "でしょうか？", "acts.question.deshouka", "question")],
        ),
        sentence(text, s[2], 2),
        sentence(
            text, s[3], 3, acts=["call_to_action"], cues=[cue(text, "足りません", "acts.cta.test", "call_to_action")]
        ),
        sentence(
            text, s[4], 4, acts=["generalization"], cues=[cue(text, IMG, "acts.generalization.<b>", "generalization")]
        ),
        sentence(text, s[5], 5, boilerplate=True, cues=[cue(text, s[5], "structure.boilerplate.ad", "boilerplate")]),
    ]
    return {
        "schema": "jinmyaku/1",
        "id": id,
        "source": source,
        "text": text,
        "sentences": sents,
        "patterns": [
            {
                "id": "p0",
                "type": "concession",
                "roles": {"concession": [2], "claim": [3]},
                "attrs": {},
                "cues": [
                    cue(text, "確かに", "patterns.concession.tashikani", "concession"),
                    cue(text, "でも", "patterns.adversative.demo", "adversative"),
                ],
                "confidence": 0.8,
                "rule": "patterns.concession.grant_then_but",
            }
        ],
        "claims": [
            {
                "id": "c0",
                "rank": 1,
                "score": 1.0,
                "sentence": 3,
                "start": sents[3]["start"],
                "end": sents[3]["end"],
                "text": s[3],
                "kind": "thesis",
                "stance": "endorsed",
                "evidence": ["p0"],
                "signals": {"concession_claim": 1.2},
            },
            {
                "id": "c1",
                "rank": 2,
                "score": 0.5,
                "sentence": 2,
                "start": sents[2]["start"],
                "end": sents[2]["end"],
                "text": s[2],
                "kind": "evaluation",
                "stance": "rejected",
                "evidence": ["p0"],
            },
        ],
        "key_terms": [
            {"term": "人脈", "count": 3, "score": 1.0, "quoted": False},
            {"term": SCRIPT, "count": 1, "score": 0.1, "quoted": True},
        ],
        "sections": [{"title": s[0], "start_sentence": 0, "end_sentence": 5}],
    }


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def sentence_el(tree: lxml.html.HtmlElement, i: int) -> lxml.html.HtmlElement:
    (el,) = tree.xpath(f"//span[contains(concat(' ', @class, ' '), ' jmk-s ') and substring-after(@id, '-s') = '{i}']")
    return el


def classes(el: lxml.html.HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


# ---- article report: structure --------------------------------------------------------------


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return make_record()


@pytest.fixture(scope="module")
def tree(record: dict[str, Any]) -> lxml.html.HtmlElement:
    return parse(render_article(record))


def test_every_sentence_is_rendered_once_in_order_with_its_text(record, tree):
    els = tree.xpath("//article//span[contains(concat(' ', @class, ' '), ' jmk-s ')]")
    assert [int(el.get("id").rsplit("-s", 1)[1]) for el in els] == [s["i"] for s in record["sentences"]]
    for el, s in zip(els, record["sentences"], strict=True):
        (text_el,) = el.xpath("./span[@class='jmk-text']")
        assert text_el.text_content() == s["text"]


def test_sentences_carry_act_classes_and_badges_with_rule_and_cue(tree):
    q = sentence_el(tree, 1)
    assert {"jmk-a-question", "jmk-bg-question"} <= classes(q)
    (badge,) = q.xpath(".//button[contains(@class, 'jmk-act-question')]")
    assert badge.text_content() == "Q"
    assert "acts.question.deshouka" in badge.get("title")
    assert "でしょうか？" in badge.get("title")
    assert "mood=interrogative" in q.get("title")
    assert not any(c.startswith("jmk-a-") for c in classes(sentence_el(tree, 2)))


def test_headings_and_boilerplate_are_marked_for_dimming(tree):
    assert "jmk-heading" in classes(sentence_el(tree, 0))
    assert sentence_el(tree, 0).xpath("ancestor::div[@class='jmk-hblock']")
    assert "jmk-boiler" in classes(sentence_el(tree, 5))
    flags = sentence_el(tree, 5).xpath(".//button[contains(@class, 'jmk-flag')]")
    assert [f.text_content() for f in flags] == ["BP"]
    assert "structure.boilerplate.ad" in flags[0].get("title")


def test_cues_are_highlighted_inside_their_sentence_by_offset(tree):
    marks = {m.text_content(): m.get("title") for m in tree.xpath("//article//mark[contains(@class, 'jmk-cue')]")}
    assert "acts.question.deshouka" in marks["でしょうか？"]
    assert "patterns.concession.tashikani" in marks["確かに"]
    assert "patterns.adversative.demo" in marks["でも"]
    # a cue mark never leaves its sentence
    for m in tree.xpath("//article//mark"):
        assert m.xpath("ancestor::span[contains(concat(' ', @class, ' '), ' jmk-s ')]")


def test_pattern_roles_are_linked_between_sentences_and_panel(tree):
    for i, role in ((2, "concession"), (3, "claim")):
        el = sentence_el(tree, i)
        assert el.get("data-p") == "0"
        (badge,) = el.xpath(".//a[contains(@class, 'jmk-role')]")
        assert badge.text_content() == f"CON {role}"
        assert badge.get("data-pkey") == "0"
        assert "patterns.concession.grant_then_but" in badge.get("title")
        assert badge.get("href") == "#" + tree.xpath("//li[contains(@class, 'jmk-pat')]")[0].get("id")
    (item,) = tree.xpath("//li[contains(@class, 'jmk-pat')]")
    assert item.get("data-pkey") == "0"
    role_links = {
        li.xpath("./span[@class='jmk-role-name']")[0].text_content(): [a.get("href") for a in li.xpath("./a")]
        for li in item.xpath(".//ul[@class='jmk-pat-roles']/li")
    }
    assert role_links == {
        "concession": ["#" + sentence_el(tree, 2).get("id")],
        "claim": ["#" + sentence_el(tree, 3).get("id")],
    }
    assert "patterns.concession.grant_then_but" in item.text_content()


def test_claims_are_ranked_with_kind_and_stance_and_rejected_ones_differ(tree):
    items = tree.xpath("//li[contains(@class, 'jmk-claim-item')]")
    assert [i.xpath(".//span[@class='jmk-rank']")[0].text_content() for i in items] == ["#1", "#2"]
    endorsed, rejected = items
    assert "jmk-endorsed" in classes(endorsed) and "jmk-rejected" in classes(rejected)
    assert "thesis" in endorsed.text_content() and "evaluation" in rejected.text_content()
    assert rejected.xpath(".//span[contains(@class, 'jmk-tag') and contains(@class, 'jmk-rejected')]")
    # the claim's sentence carries a claim badge, a rejected one a different one
    assert sentence_el(tree, 3).xpath(".//a[@class='jmk-b jmk-lbl jmk-claimbadge']")[0].text_content() == "★1 thesis"
    assert sentence_el(tree, 2).xpath(".//a[contains(@class, 'jmk-rejected')]")[0].text_content() == "✕2 evaluation"


def test_key_terms_and_legend(tree):
    terms = [li.text_content() for li in tree.xpath("//li[contains(@class, 'jmk-term')]")]
    assert terms[0] == "人脈 3"
    legend = tree.xpath("//div[@aria-label='Acts (sentence colour)']")[0].text_content()
    for act in jinmyaku_nlp.record.ACT_TYPES:
        assert act in legend


def test_paragraphs_follow_blank_lines(tree):
    # s1 and s2 are on consecutive lines of one paragraph, s2 and s3 on the same line
    para = sentence_el(tree, 2).getparent()
    assert para.tag == "p"
    assert [int(el.get("id").rsplit("-s", 1)[1]) for el in para.xpath("./span")] == [1, 2, 3]
    assert para.xpath("./br")


# ---- article report: safety, offline, determinism -------------------------------------------


def test_hostile_markup_renders_as_text_and_creates_no_element(record):
    html = render_article(make_record(id=SCRIPT + IMG, source=IMG))
    tree = parse(html)
    scripts = tree.xpath("//script")
    assert len(scripts) == 2  # the error guard and the report's own script
    assert all("alert" not in (s.text or "") for s in scripts)
    assert not tree.xpath("//img") and not tree.xpath("//*[@onerror]")
    assert SCRIPT + IMG in tree.xpath("//h1")[0].text_content()
    assert SCRIPT in sentence_el(tree, 4).text_content()
    assert any(li.text_content().startswith(SCRIPT) for li in tree.xpath("//li[contains(@class, 'jmk-term')]"))
    # the raw markup never appears unescaped in the bytes either
    assert SCRIPT not in html and "<img" not in html


def test_pages_load_nothing_from_outside(tree):
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("src", "href"):
            value = el.get(attr)
            if value is not None:
                assert value.startswith("#"), (el.tag, attr, value)
    assert not tree.xpath("//link") and not tree.xpath("//script[@src]")


def test_content_security_policy_allows_exactly_the_page_scripts(tree):
    (meta,) = tree.xpath("//meta[@http-equiv='Content-Security-Policy']")
    policy = meta.get("content")
    assert "default-src 'none'" in policy
    for script in tree.xpath("//script"):
        digest = base64.b64encode(hashlib.sha256(script.text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert len(re.findall(r"'sha256-", policy)) == 2


def test_output_is_deterministic_and_the_same_from_dict_or_object(record):
    first = render_article(record)
    assert render_article(make_record()) == first
    assert render_article(Analysis.from_dict(record)) == first


def test_fragment_for_notebooks(record):
    html = Analysis.from_dict(record)._repr_html_()
    assert "<html" not in html and "<body" not in html
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    (root,) = tree.xpath("./div[contains(@class, 'jmk-report')]")
    assert root.get("id").startswith("jmk-")
    assert tree.xpath(".//style") and len(tree.xpath(".//script")) == 1
    assert len(root.xpath(".//span[contains(concat(' ', @class, ' '), ' jmk-s ')]")) == 6


def test_error_records_and_non_records_are_refused_with_a_typed_error():
    with pytest.raises(InputError, match="error record"):
        render_article(ErrorRecord("x", "decode_error", "bad bytes"))
    with pytest.raises(InputError, match="error record"):
        render_article({"id": "x", "error": {"type": "t", "message": "m"}})
    with pytest.raises(InputError, match="missing field"):
        render_article({"id": "x"})


def test_offsets_that_do_not_index_the_text_are_skipped_not_fatal(record):
    bad = make_record()
    bad["sentences"].append({"i": 9, "start": 5, "end": 10_000, "text": "?"})
    bad["patterns"][0]["cues"].append({"text": "x", "start": -3, "end": 2, "rule": "r"})
    bad["patterns"][0]["roles"]["claim"].append(42)
    tree = parse(render_article(bad))
    assert len(tree.xpath("//article//span[contains(concat(' ', @class, ' '), ' jmk-s ')]")) == 6


def test_real_analysis_renders_every_sentence_and_pattern():
    text = (REPO / "corpus" / "aozora" / "miki_jinseiron_note_kofuku.txt").read_text(encoding="utf-8")
    a = jinmyaku_nlp.analyze(text, id="miki")
    tree = parse(render_article(a))
    els = tree.xpath("//article//span[contains(concat(' ', @class, ' '), ' jmk-s ')]")
    assert len(els) == len(a.sentences)
    assert [el.xpath("./span[@class='jmk-text']")[0].text_content() for el in els] == [s.text for s in a.sentences]
    assert len(tree.xpath("//li[contains(@class, 'jmk-pat')]")) == len(a.patterns)
    badges = tree.xpath("//article//a[contains(@class, 'jmk-role')]")
    assert len(badges) == sum(len(ix) for p in a.patterns for ix in p.roles.values())
    assert len(tree.xpath("//li[contains(@class, 'jmk-claim-item')]")) == len(a.claims)
    for s in a.sentences:
        for act in s.acts:
            assert f"jmk-a-{act}" in classes(sentence_el(tree, s.i))


# ---- corpus report -----------------------------------------------------------------------------


def corpus_records() -> list[dict[str, Any]]:
    """Three analysed articles in two source folders and one error, with known numbers."""
    a = make_record("alpha-1", "data/blogs/alpha-1.txt")
    b = make_record("alpha-2", "data/blogs/alpha-2.txt")
    b["patterns"] = b["patterns"] * 3  # denser
    b["claims"] = b["claims"][:1]
    c = make_record("news_7", "data/news/news_7.txt")
    c["patterns"] = []
    c["key_terms"] = [{"term": "会社", "count": 2, "score": 1.0, "quoted": False}]
    err = ErrorRecord("broken", "decode_error", f"not text {SCRIPT}", "data/news/broken.txt").to_dict()
    return [a, err, b, c]


def table_rows(tree: lxml.html.HtmlElement, section: str) -> list[list[str]]:
    rows = tree.xpath(f"//section[@id='{section}']//tbody/tr")
    return [[td.text_content().strip() for td in row.xpath("./td")] for row in rows]


def test_group_key_rules():
    assert group_key("peachy-123", "corpus/livedoor/peachy/peachy-123.txt") == "peachy"
    assert group_key("ldcc_dokujo-tsushin-4905600", None) == "ldcc_dokujo-tsushin"
    assert group_key("a_b", "rows.jsonl:12") == "a"
    assert group_key("plain", None) == "(no prefix)"
    assert group_key("x-1", "dir\\sub\\x-1.txt") == "sub"
    assert group_key("x-1", "d/x-1.txt", "id") == "x"
    assert group_key("x-1", None, "source") == "(no folder)"
    assert group_key("x-1", "d/x-1.txt", "none") == "all"
    assert group_key("x-1", None, lambda i, s: i.upper()) == "X-1"
    with pytest.raises(InputError):
        group_key("x", None, "folder")


def test_corpus_groups_and_totals_match_an_independent_count():
    records = corpus_records()
    tree = parse(render_corpus(iter(records)))
    ok = [r for r in records if "error" not in r]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in ok:
        groups.setdefault(r["source"].split("/")[-2], []).append(r)
    expected = []
    for name, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        chars = sum(len(r["text"]) for r in rs)
        n_pat = sum(len(r["patterns"]) for r in rs)
        expected.append(
            [
                name,
                str(len(rs)),
                f"{chars:,}",
                str(sum(len(r["sentences"]) for r in rs)),
                str(n_pat),
                str(sum(len(r["claims"]) for r in rs)),
                f"{1000 * n_pat / chars:.2f}",
            ]
        )
    assert table_rows(tree, "groups") == expected
    stats = tree.xpath("//ul[@class='jmk-stats']")[0].text_content()
    assert "3 articles analysed" in " ".join(stats.split())
    assert "1 errors" in " ".join(stats.split())


def test_corpus_charts_show_the_act_and_pattern_counts():
    records = corpus_records()
    tree = parse(render_corpus(records))
    acts = Counter(a for r in records if "error" not in r for s in r["sentences"] for a in s.get("acts", []))
    bars = {
        g.xpath("./text")[0].text_content(): g.xpath("./text")[1].text_content()
        for g in tree.xpath("//section[@id='acts']//svg/g")
    }
    assert bars == {act: str(acts[act]) for act in jinmyaku_nlp.record.ACT_TYPES}
    pat_bars = {
        g.xpath("./text")[0].text_content(): g.xpath("./text")[1].text_content()
        for g in tree.xpath("//section[@id='patterns']//svg/g")
    }
    assert pat_bars["concession"] == "4" and pat_bars["reversal"] == "0"
    # heatmap: one row per group, one cell per act
    cells = tree.xpath("//section[@id='acts-by-group']//svg/g/rect")
    assert len(cells) == 2 * len(jinmyaku_nlp.record.ACT_TYPES)
    # claims histogram: two articles with 2 claims, one with 1
    hist = {
        g.xpath("./text")[-1].text_content(): g.xpath("./title")[0].text_content()
        for g in tree.xpath("//section[@id='claims']//svg/g")
    }
    assert hist["2"].startswith("2 articles") and hist["1"].startswith("1 articles") and hist["0"].startswith("0 ")


def test_articles_ranked_by_density_and_linked_when_reports_exist(tmp_path):
    records = corpus_records()
    (tmp_path / "alpha-2.html").write_text("x", encoding="utf-8")
    tree = parse(render_corpus(records, reports_dir=tmp_path))
    rows = tree.xpath("//section[@id='articles']//tbody/tr")
    ids = [row.xpath("./td")[1].text_content() for row in rows]
    density = {r["id"]: len(r["patterns"]) / len(r["text"]) for r in records if "error" not in r}
    assert ids == sorted(density, key=lambda k: -density[k])
    links = {a.text_content(): a.get("href") for a in tree.xpath("//section[@id='articles']//tbody//a")}
    assert links == {"alpha-2": "alpha-2.html"}


def test_top_key_terms_count_articles():
    tree = parse(render_corpus(corpus_records()))
    bars = [
        (g.xpath("./text")[0].text_content(), g.xpath("./text")[1].text_content())
        for g in tree.xpath("//section[@id='key-terms']//svg/g")
    ]
    assert bars[0] == ("人脈", "2")
    assert ("会社", "1") in bars
    assert (SCRIPT, "2") in bars  # as text, not markup


def test_error_records_are_listed_escaped():
    html = render_corpus(corpus_records())
    tree = parse(html)
    assert table_rows(tree, "errors") == [["broken", "decode_error", f"not text {SCRIPT}", "data/news/broken.txt"]]
    assert SCRIPT not in html and len(tree.xpath("//script")) == 2


def test_corpus_is_aggregated_in_one_pass_with_bounded_rows():
    consumed = []

    def stream() -> Iterator[dict[str, Any]]:
        for n in range(40):
            r = make_record(f"s-{n}", None)
            r["patterns"] = r["patterns"] * (n % 7)
            consumed.append(n)
            yield r

    report = CorpusReport(top_articles=5, max_groups=3).add_all(stream())
    assert consumed == list(range(40))
    ranked = report.ranked_articles()
    assert len(ranked) == 5 and report.n_articles == 40
    assert [r.patterns for r in ranked] == [6] * 5
    assert [r.id for r in ranked] == ["s-6", "s-13", "s-20", "s-27", "s-34"]  # ties keep input order
    assert not hasattr(ranked[0], "text")


def test_groups_beyond_the_limit_fold_into_other():
    records = [make_record(f"g{n}-1", None) for n in range(5)]
    report = CorpusReport(max_groups=3).add_all(records)
    assert sorted(report.groups) == ["(other)", "g0", "g1", "g2"]
    assert report.groups["(other)"].articles == 2


def test_corpus_report_is_deterministic():
    assert render_corpus(corpus_records()) == render_corpus(corpus_records())


def test_write_reports_writes_every_article_and_an_index_linking_them(tmp_path):
    records = [Analysis.from_dict(make_record("index", "a/index.txt")), *corpus_records()]
    summary = write_reports(records, tmp_path / "out")
    out = tmp_path / "out"
    assert (summary.articles, summary.errors) == (4, 1)
    assert sorted(p.name for p in out.iterdir()) == [
        "alpha-1.html",
        "alpha-2.html",
        "index.html",
        "index_.html",
        "news_7.html",
    ]
    tree = parse((out / "index.html").read_text(encoding="utf-8"))
    links = {a.text_content(): a.get("href") for a in tree.xpath("//section[@id='articles']//tbody//a")}
    assert links == {
        "index": "index_.html",
        "alpha-1": "alpha-1.html",
        "alpha-2": "alpha-2.html",
        "news_7": "news_7.html",
    }


def test_write_article_and_write_corpus(tmp_path):
    path = write_article(make_record(), tmp_path / "deep" / "demo-1.html")
    assert path.read_text(encoding="utf-8") == render_article(make_record())
    index = write_corpus(corpus_records(), tmp_path / "deep" / "index.html")
    assert "demo-1" not in index.read_text(encoding="utf-8")  # no record of that id in the batch


@pytest.mark.parametrize(
    ("article_id", "name"),
    [("a-1", "a-1.html"), ("x/../y", "x_.._y.html"), ("..", "_...html"), ("", "_.html"), ("INDEX", "INDEX_.html")],
)
def test_report_filename_is_a_safe_single_path_component(article_id, name):
    assert report_filename(article_id) == name


def test_corpus_of_real_analyses_counts_what_the_records_hold():
    folder = REPO / "corpus" / "livedoor"
    files = sorted(p for p in folder.rglob("*.txt") if "-" in p.stem)[:4]
    if len(files) < 2:
        pytest.skip("corpus/livedoor holds fewer than two articles")
    records = list(jinmyaku_nlp.analyze_many(files))
    tree = parse(render_corpus(records))
    total_patterns = sum(len(r.patterns) for r in records if r.ok)
    stats = " ".join(tree.xpath("//ul[@class='jmk-stats']")[0].text_content().split())
    assert f"{total_patterns:,} patterns" in stats
    assert {row[0] for row in table_rows(tree, "groups")} == {p.parent.name for p in files}
