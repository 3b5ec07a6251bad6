"""Cue tables are validated on load: every problem names the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jinmyaku_nlp.acts import ACT_LABELS
from jinmyaku_nlp.errors import LexiconError
from jinmyaku_nlp.lexicon import (
    candidate_rules,
    is_anchored,
    load_rules,
    match_prepared,
    match_rule,
    parse_rules,
    prepare_sentence,
    rule_keys,
    rule_needs,
)
from jinmyaku_nlp.patterns import CUE_LABELS

GOOD = '{"rule": "u.cta", "label": "call_to_action", "regex": "てね$", "where": "end"}'


def write(tmp_path: Path, *lines: str) -> Path:
    p = tmp_path / "cues.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"rule": "x", "label": "call_to_action", "regex": "a", "colour": "red"}', "unknown key"),
        ('{"rule": "x", "label": "call_to_action"}', "missing 'regex'"),
        ('{"rule": "x", "label": "shouting", "regex": "a"}', "unknown label 'shouting'"),
        ('{"rule": "x", "label": "call_to_action", "regex": "(unclosed"}', "not a valid regular expression"),
        ('{"rule": "x", "label": "call_to_action", "regex": "a", "where": "middle"}', "'where' must be one of"),
        ('{"rule": "x", "label": "call_to_action", "regex": "a", "weight": "high"}', "'weight' must be a number"),
        ('{"rule": "", "label": "call_to_action", "regex": "a"}', "'rule' must be a non-empty string"),
    ],
)
def test_invalid_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, "# a comment", GOOD, line)
    with pytest.raises(LexiconError, match=message) as info:
        load_rules("acts", ACT_LABELS, [path])
    assert info.value.path == str(path)
    assert info.value.line == 3
    assert f"{path}:3:" in str(info.value)


def test_duplicate_rule_ids_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"duplicate rule id 'u\.cta'"):
        load_rules("acts", ACT_LABELS, [write(tmp_path, GOOD, GOOD)])


def test_unreadable_file_is_a_lexicon_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot read lexicon file"):
        load_rules("acts", ACT_LABELS, [tmp_path / "missing.jsonl"])


def test_user_rule_replaces_package_rule_with_same_id(tmp_path: Path) -> None:
    package = load_rules("acts", ACT_LABELS)
    target = package[0].rule
    line = f'{{"rule": "{target}", "label": "summary", "regex": "^おしまい", "where": "start"}}'
    merged = load_rules("acts", ACT_LABELS, [write(tmp_path, line)])
    assert [r.rule for r in merged].count(target) == 1
    assert next(r for r in merged if r.rule == target).label == "summary"
    assert len(merged) == len(package)


def test_match_rule_positions() -> None:
    (end_rule,) = parse_rules([GOOD], path="t", labels=ACT_LABELS)
    text = "早く来てね。"
    assert match_rule(end_rule, text, 100) == ("てね", 103, 105)
    assert match_rule(end_rule, "てねばならない。", 0) is None
    (start_rule,) = parse_rules(
        ['{"rule": "s", "label": "summary", "regex": "^最後に", "where": "start"}'], path="t", labels=ACT_LABELS
    )
    assert match_rule(start_rule, "「最後に」", 10) == ("最後に", 11, 14)
    (veto,) = parse_rules(
        ['{"rule": "v", "label": "summary", "regex": "まとめ", "unless": "まとめて"}'], path="t", labels=ACT_LABELS
    )
    assert match_rule(veto, "まとめです", 0) == ("まとめ", 0, 3)
    assert match_rule(veto, "まとめて買う", 0) is None


@pytest.mark.parametrize(
    "text",
    [
        "早く来てね。",
        "「最後に」まとめです！",
        "  （まとめて買う）",
        "まとめ",
        "",
        "。。",
        "「」",
        "最後にてね……」",
        "人は誰でも変われるのだ。",
        "自分を大切にすべきです！」",
    ],
)
def test_prepared_sentence_matches_like_match_rule(text: str) -> None:
    """The per-sentence fast path gives match_rule's answer for every rule of the package table."""
    rules = load_rules("acts", ACT_LABELS) + parse_rules(
        [
            GOOD,
            '{"rule": "s", "label": "summary", "regex": "^最後に", "where": "start"}',
            '{"rule": "v", "label": "summary", "regex": "まとめ", "unless": "まとめて"}',
            '{"rule": "z", "label": "summary", "regex": "x*", "where": "end"}',
        ],
        path="t",
        labels=ACT_LABELS,
    )
    sent = prepare_sentence(text, 7)
    for rule in rules:
        assert match_prepared(rule, sent) == match_rule(rule, text, 7), rule.rule


# --- candidate rules (the character prefilter) ------------------------------------------------

#: sentences of every kind of the bundled corpus plus awkward ones
_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _sample_sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(_CORPUS.glob("livedoor/*/*-*.txt"))[:8]]
    sents = [s for t in texts for line in t.splitlines() for s in line.split("。") if s.strip()]
    return [*sents, "", "\u3000", "あなたはそうすべきだ。", "ABC abc", "必要があります。", "確かにそうですが、"]


@pytest.mark.parametrize(("name", "labels"), [("acts", ACT_LABELS), ("patterns", CUE_LABELS)])
def test_candidate_rules_keep_every_rule_that_matches(name: str, labels: tuple[str, ...]) -> None:
    """A rule the prefilter leaves out never matches, so running the candidates in order gives
    the same first match per label as running the whole table."""
    rules = load_rules(name, labels)
    for text in _sample_sentences():
        sent = prepare_sentence(text, 3)
        candidates = candidate_rules(rules, sent)
        assert [r for r in rules if r in candidates] == list(candidates)  # table order kept
        matching = [r.rule for r in rules if match_prepared(r, sent) is not None]
        assert matching == [r.rule for r in candidates if match_prepared(r, sent) is not None], text


def test_candidate_rules_follow_a_changed_list() -> None:
    rules = load_rules("acts", ACT_LABELS)
    sent = prepare_sentence("まとめて読む", 0)
    assert not any(r.rule == "u.cta" for r in candidate_rules(rules, sent))
    rules.extend(parse_rules(['{"rule": "u.any", "label": "summary", "regex": "読む"}'], path="t", labels=ACT_LABELS))
    assert [r.rule for r in candidate_rules(rules, sent)][-1] == "u.any"


@pytest.mark.parametrize(
    ("regex", "needs"),
    [
        ("(?:た|ない)(?:ほう|方)が", {"が", "ほ方", "たな"}),
        ("べき(?:です|だ)?$", {"べ", "き"}),
        ("x*", set()),  # may match nothing
        ("[^。]+", set()),  # a negated class needs nothing known
        ("(?i)abc", set()),  # case-insensitive: not filtered
        ("(?:a|.)b", {"b"}),  # one branch needs nothing known: the branch is dropped
    ],
)
def test_rule_needs(regex: str, needs: set[str]) -> None:
    assert {"".join(sorted(s)) for s in rule_needs(re.compile(regex))} >= {"".join(sorted(n)) for n in needs}
    if not needs:
        assert rule_needs(re.compile(regex)) == ()


@pytest.mark.parametrize(
    ("regex", "pairs"),
    [
        ("誰でも|だれでも|いつの時代も", {"誰で", "だれ", "時代"}),  # one pair per alternative, the rarest
        ("(?:た|ない)(?:ほう|方)が", {"ほう"}),  # a two-character alternative that the other lacks: no pair set
        ("必要(?:です|だ)", {"必要"}),
        ("x*", set()),
        ("(?i)ab", set()),
    ],
)
def test_rule_keys_pairs(regex: str, pairs: set[str]) -> None:
    """Pair sets of rule_keys: every match holds one pair of each; the character sets follow."""
    keys = rule_keys(re.compile(regex))
    found = {k for s in keys for k in s if len(k) == 2}
    if regex.startswith("(?:た"):
        assert not found  # 方 is one character: that alternative needs no pair
    else:
        assert found == pairs
    assert [len(next(iter(s))) for s in keys] == sorted((len(next(iter(s))) for s in keys), reverse=True)


def test_candidate_rules_filter_by_pairs() -> None:
    rules = parse_rules(
        ['{"rule": "u.q", "label": "generalization", "regex": "誰でも|いつの時代も"}'], path="t", labels=ACT_LABELS
    )
    assert candidate_rules(rules, prepare_sentence("誰かが時に代わる", 0)) == []  # the characters, not the pairs
    assert [r.rule for r in candidate_rules(rules, prepare_sentence("いつの時代も同じ", 0))] == ["u.q"]


@pytest.mark.parametrize(
    ("regex", "anchored"),
    [("^a", True), (r"\Aa", True), ("^a|^b", True), ("(?:^a|^b)c", True), ("^a|b", False), ("a", False)],
)
def test_is_anchored(regex: str, anchored: bool) -> None:
    assert is_anchored(re.compile(regex)) is anchored
    assert not is_anchored(re.compile(regex, re.MULTILINE))
