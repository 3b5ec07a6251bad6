"""Hostile input through the public API (SPEC §9, issue 6).

Every input must give either a complete analysis whose offsets index ``analysis.text`` or one typed
:class:`InputError` / :class:`DecodeError` with an actionable message. Bounded time is checked by
these tests completing (the big ones are marked ``slow`` but run by default), never by timing.
``assert_complete`` is the one invariant checker; the property tests and ``tools/fuzz.py`` reuse it.
"""

from __future__ import annotations

import codecs
import json
import random
from typing import Any

import pytest

import jinmyaku_nlp
from jinmyaku_nlp import Analysis, DecodeError, InputError
from jinmyaku_nlp.record import PATTERN_ROLES

PARAGRAPH = (
    "「人脈を拡げるためには異業種交流会が一番だ」本当によく聞きますよね。\n"
    "でも、ぜんぜん違います。なぜなら、そこには大きな勘違いがあるからです。\n"
    "確かに出会いは増えるでしょう。しかし、良質な人脈は量ではなく質で決まります。\n"
    "では、どうすれば良いのでしょうか？つまり、与える側に回ることです。\n"
)


def invariant_violations(a: Analysis) -> list[str]:
    """Every way ``a`` breaks the §5 offset/index contract (empty when it is complete)."""
    text, problems = a.text, []
    n_sent = len(a.sentences)
    for k, s in enumerate(a.sentences):
        if s.i != k:
            problems.append(f"sentence {k} has i={s.i}")
        problems += _span_problems(text, s.start, s.end, s.text, f"sentence {k}")
        problems += [p for c in s.cues for p in _span_problems(text, c.start, c.end, c.text, f"cue of sentence {k}")]
        if k and s.start < a.sentences[k - 1].end:
            problems.append(f"sentence {k} overlaps sentence {k - 1}")
    covered = sorted((s.start, s.end) for s in a.sentences)
    problems += _coverage_problems(text, covered)
    for p in a.patterns:
        if p.type not in PATTERN_ROLES:
            problems.append(f"pattern {p.id} has unknown type {p.type!r}")
        for role, idxs in p.roles.items():
            if any(not isinstance(i, int) or not 0 <= i < n_sent for i in idxs):
                problems.append(f"pattern {p.id} role {role} points at {idxs} with {n_sent} sentences")
        problems += [q for c in p.cues for q in _span_problems(text, c.start, c.end, c.text, f"cue of {p.id}")]
    for c in a.claims:
        if not 0 <= c.sentence < n_sent:
            problems.append(f"claim {c.id} points at sentence {c.sentence} of {n_sent}")
        problems += _span_problems(text, c.start, c.end, c.text, f"claim {c.id}")
        problems += [q for cue in c.cues for q in _span_problems(text, cue.start, cue.end, cue.text, f"cue of {c.id}")]
    for sec in a.sections:
        if not (0 <= sec.start_sentence <= sec.end_sentence <= n_sent):
            problems.append(f"section {sec.title!r} spans sentences {sec.start_sentence}..{sec.end_sentence}")
    return problems


def _span_problems(text: str, start: int, end: int, quoted: str, what: str) -> list[str]:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return [f"{what}: offsets {start}..{end} outside a text of {len(text)}"]
    if text[start:end] != quoted:
        return [f"{what}: text[{start}:{end}]={text[start:end][:30]!r} but record says {quoted[:30]!r}"]
    return []


def _coverage_problems(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Every non-whitespace character lies in some sentence."""
    cursor, problems = 0, []
    for start, end in [*spans, (len(text), len(text))]:
        gap = text[cursor:start] if start > cursor else ""
        if gap and not gap.isspace():
            problems.append(f"non-whitespace {gap[:20]!r} at {cursor}..{start} is in no sentence")
            if len(problems) > 3:
                break
        cursor = max(cursor, end)
    return problems


def assert_complete(a: Analysis) -> None:
    problems = invariant_violations(a)
    assert not problems, "\n".join(problems[:10])
    json.loads(a.to_json())  # serialisable, and the record is one JSON value


def assert_actionable(exc: InputError) -> None:
    msg = str(exc)
    assert len(msg) > 40, msg
    assert any(w in msg.lower() for w in ("pass", "convert", "extract", "decompress", "re-save", "decode")), msg


@pytest.fixture(scope="module")
def nlp() -> Any:
    return jinmyaku_nlp.load()


def analyze_or_error(item: Any, nlp: Any, **kw: Any) -> Analysis | InputError:
    try:
        return jinmyaku_nlp.analyze(item, id="hostile", nlp=nlp, **kw)
    except InputError as exc:
        assert_actionable(exc)
        return exc


# --- texts that must analyse -------------------------------------------------------------------

ANALYSABLE: dict[str, str] = {
    "empty": "",
    "spaces": "   ",
    "whitespace_mix": " \t\n\u3000\r\n \n\n",
    "crlf": PARAGRAPH.replace("\n", "\r\n"),
    "lone_cr": PARAGRAPH.replace("\n", "\r"),
    "mixed_newlines": "一行目です。\r\n二行目です\r三行目\n\n四行目。",
    "control_chars": "人脈\x01は\x07大切\x1bです。\x0b次\x0cの\x7f文\x85。\u2028改行\u2029段落",
    "nul_in_str": "人脈は\x00大切です。\x00\x00しかし。",
    "emoji_zwj": "家族👨‍👩‍👧‍👦で行こう！🏳️‍🌈最高🇯🇵🇺🇸です。👍🏽いいね？",
    "combining": "か\u3099き\u3099く\u3099。e\u0301\u0301\u0301と\u20dd。",
    "variation_selectors": "葛\U000e0100飾区と辻\U000e0101堂。♥\ufe0f♥\ufe0e。",
    "only_punctuation": "。。、、！？!?…‥「」『』（）" * 20,
    "only_terminators": "。" * 500,
    "only_closers": "」』）" * 300,
    "non_japanese": "The quick brown fox jumps over the lazy dog. Is it? Yes! Привет, мир. 你好世界。안녕하세요.",
    "arabic_rtl": "مرحبا بالعالم. \u202eREVERSED\u202c 人脈。",
    "fullwidth_spaces": "\u3000\u3000人脈は\u3000大切です。\u3000\u3000",
    "bom_in_str": "\ufeff人脈は大切です。\ufeff",
    "private_use": "人脈\ue000は\U000f0000大切です。",
    "astral_kanji": "𠮷野家で𩸽を食べた。𪚲。",
    "html_like_str": "<p>人脈</p><div>大切</div><br>です。",
    "tabs_and_spaces": "\t人脈\t\tは    大切。\t",
    "long_word": "あ" * 5000,
    "digits": "1234567890" * 100,
    "brackets_mismatch": "「『（】」』）「）」（『」",
    "nested_quotes": "彼は「彼女が『私は（本当に「そう」）思う』と言った」と言った。",
}


@pytest.mark.parametrize("name", sorted(ANALYSABLE))
def test_awkward_text_gives_a_complete_analysis(name: str, nlp: Any) -> None:
    text = ANALYSABLE[name]
    a = jinmyaku_nlp.analyze(text, id=name, nlp=nlp)
    assert a.text == text  # a str is analysed as given
    assert_complete(a)


def test_whitespace_only_has_no_sentences(nlp: Any) -> None:
    for text in ("", "   ", "\n\n\r\n\t\u3000"):
        a = jinmyaku_nlp.analyze(text, nlp=nlp)
        assert a.sentences == [] and a.patterns == [] and a.claims == []


def test_str_with_lone_surrogate_is_an_input_error(nlp: Any) -> None:
    with pytest.raises(InputError, match="surrogate") as info:
        jinmyaku_nlp.analyze("人脈\udc80です。", nlp=nlp)
    assert_actionable(info.value)


def test_wrong_type_is_an_input_error(nlp: Any) -> None:
    with pytest.raises(InputError, match=r"str, bytes or a pathlib\.Path"):
        jinmyaku_nlp.analyze(12345, nlp=nlp)  # type: ignore[arg-type]


# --- bytes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp932", "euc_jp"])
def test_encoded_paragraph_analyses_like_the_str(enc: str, nlp: Any) -> None:
    data = PARAGRAPH.encode(enc)
    a = jinmyaku_nlp.analyze(data, nlp=nlp)
    assert a.text == PARAGRAPH
    assert_complete(a)
    assert a.to_dict()["sentences"] == jinmyaku_nlp.analyze(PARAGRAPH, nlp=nlp).to_dict()["sentences"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"),
        ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"),
        ("nul_bytes", b"\x00" * 64),
        ("random", random.Random(6).randbytes(4096)),
        ("invalid_utf8", "人脈は大切です。".encode()[:-1] + b"\xff\xfe" + "しかし。".encode()),
        ("mixed_utf8_cp932", "人脈は大切です。\n".encode() * 3 + "しかし質が大事です。\n".encode("cp932")),
        ("truncated_utf16_bom", codecs.BOM_UTF16_LE + "人脈".encode("utf-16-le") + b"\x00"),
        ("utf32", "人脈は大切です。".encode("utf-32")),
    ],
)
def test_undecodable_bytes_are_one_decode_error(name: str, data: bytes, nlp: Any) -> None:
    with pytest.raises(DecodeError) as info:
        jinmyaku_nlp.analyze(data, nlp=nlp)
    assert_actionable(info.value)


@pytest.mark.parametrize("seed", range(40))
def test_short_random_bytes_analyse_or_fail_cleanly(seed: int, nlp: Any) -> None:
    rng = random.Random(seed)
    data = rng.randbytes(rng.randrange(1, 64))
    result = analyze_or_error(data, nlp)
    if isinstance(result, Analysis):
        assert_complete(result)


def test_a_few_nul_bytes_in_a_long_text_are_kept(nlp: Any) -> None:
    text = PARAGRAPH * 3 + "\x00" + PARAGRAPH
    a = jinmyaku_nlp.analyze(text.encode("utf-8"), nlp=nlp)
    assert a.text == text
    assert_complete(a)


# --- HTML ---------------------------------------------------------------------------------------

SJIS_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
    "<title>題名</title><style>p { color: red }</style><script>var secret = '秘密の値';</script></head>"
    "<body><nav>ホーム | 会社概要</nav><h1>人脈について</h1><p>人脈は<b>大切</b>です。</p>"
    "<p>でも、ぜんぜん違います。<br>量より質です。</p></body></html>"
)
HTML_CASES: dict[str, tuple[bytes, str | None]] = {
    "fragment": ("<p>人脈は大切です。</p><p>しかし、量より質です。</p><div>つまり、質です。</div>".encode(), None),
    "broken": (b"<html><body><p>unclosed <b>bold <div>\xe3\x81\x82</p></span><p <<>>", None),
    "sjis_declared": (SJIS_PAGE.encode("cp932"), "秘密"),
    "euc_declared": (SJIS_PAGE.replace("Shift_JIS", "EUC-JP").encode("euc_jp"), "秘密"),
    "script_only": (b"<html><body><script>alert('x')</script><style>a{}</style></body></html>", "alert"),
    "comment_only": (b"<html><body><!-- \xe7\xa7\x98\xe5\xaf\x86 --></body></html>", "秘密"),
    "nul_in_markup": ("<html><body><p>人脈\x00は大切です。</p></body></html>".encode(), None),
    "deep_nesting": (("<div>" * 5000 + "<p>深い。</p>" + "</div>" * 5000).encode(), None),
    "deep_inline": (("<span>" * 3000 + "深い" + "</span>" * 3000).encode(), None),
    "entities": ("<p>&lt;script&gt;は&amp;表示&#x3042;&#12356;&nbsp;です。</p><p>x</p><p>y</p>".encode(), None),
}


@pytest.mark.parametrize("name", sorted(HTML_CASES))
def test_html_gives_a_complete_analysis_without_script_text(name: str, nlp: Any) -> None:
    data, must_not_leak = HTML_CASES[name]
    a = jinmyaku_nlp.analyze(data, nlp=nlp)
    assert_complete(a)
    assert "<p>" not in a.text and "<div>" not in a.text
    if must_not_leak is not None:
        assert must_not_leak not in a.text
    assert a.meta.get("format") == "html"


def test_sjis_page_text_is_decoded_and_split_into_blocks(nlp: Any) -> None:
    a = jinmyaku_nlp.analyze(SJIS_PAGE.encode("cp932"), nlp=nlp)
    assert a.meta["encoding"] == "cp932"
    assert "人脈は大切です。" in a.text  # inline <b> does not break the sentence
    assert [s.text for s in a.sentences][-3:] == ["人脈は大切です。", "でも、ぜんぜん違います。", "量より質です。"]


def test_deep_nesting_keeps_its_text(nlp: Any) -> None:
    a = jinmyaku_nlp.analyze(HTML_CASES["deep_nesting"][0], nlp=nlp)
    assert a.text == "深い。"


# --- size and structure at scale (bounded time = the test completes) ---------------------------


@pytest.mark.slow
def test_a_megabyte_on_one_line(nlp: Any) -> None:
    text = ("人脈は大切ですが、量より質です" * 23000)[:350_000]  # ~1 MB of UTF-8, no line break, no 。
    a = jinmyaku_nlp.analyze(text.encode("utf-8"), nlp=nlp)
    assert len(text.encode("utf-8")) > 1_000_000
    assert_complete(a)


@pytest.mark.slow
def test_a_megabyte_of_sentences_on_one_line(nlp: Any) -> None:
    sentence = "人脈は大切ですが、" * 11 + "量より質です。"  # ~100 characters
    text = sentence * 3500
    a = jinmyaku_nlp.analyze(text, nlp=nlp)
    assert len(text.encode("utf-8")) > 1_000_000
    assert len(a.sentences) == 3500
    assert_complete(a)


@pytest.mark.slow
def test_hundreds_of_thousands_of_short_lines(nlp: Any) -> None:
    # 300k lines, one in ten with text: the line machinery sees every line break, while the
    # per-sentence stages (~150 us a sentence) see 30k sentences, so the test stays a few seconds.
    lines = [
        ("はい", "人脈", "ok", "？", "つまり。")[k // 10 % 5] if k % 10 == 0 else " " * (k % 3) for k in range(300_000)
    ]
    text = "\n".join(lines)
    a = jinmyaku_nlp.analyze(text, nlp=nlp)
    assert len(a.sentences) == 30_000
    assert_complete(a)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "「" * 30000 + "人脈。",
        "人脈。" + "」" * 30000,
        "『（「" * 10000 + "本文です。" + "」』）" * 10000,
        "「" * 20000 + "』" * 20000,
        ("「あ。" * 15000) + ("」" * 15000),
        "（" * 20000 + "\n" + "）" * 20000,
    ],
    ids=["openers", "closers", "balanced_deep", "mismatched_closers", "open_sentences", "split_by_line"],
)
def test_tens_of_thousands_of_brackets(text: str, nlp: Any) -> None:
    a = jinmyaku_nlp.analyze(text, nlp=nlp)
    assert_complete(a)


@pytest.mark.slow
def test_many_paragraphs_of_real_prose(nlp: Any) -> None:
    text = PARAGRAPH * 600
    a = jinmyaku_nlp.analyze(text, nlp=nlp)
    assert_complete(a)
