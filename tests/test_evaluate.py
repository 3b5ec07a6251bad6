"""The SPEC §6 scorer on hand-made gold and predictions (no pipeline involved)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jinmyaku_nlp.errors import GoldFormatError, InputError
from jinmyaku_nlp.evaluate import _spread_rows, evaluate, format_report, load_gold

# One short article; every line break is a sentence end, and so is every 。 inside a line.
SENTENCES = [
    "■人脈の話",  # 0 heading
    "人脈は大切ですか?",  # 1 question
    "はい、大切です。",  # 2
    "確かに数は大事です。",  # 3
    "でも質のほうが大事です。",  # 4
    "みんな交流会が一番だと言います。",  # 5 generalization
    "ぜんぜん違います。",  # 6
    "つまり、与えることです。",  # 7
    "与えましょう。",  # 8 call_to_action (1st occurrence of its text)
    "スポンサーリンク",  # 9 boilerplate
    "与えましょう。",  # 10 call_to_action (2nd occurrence)
]
TEXT = "\n".join([SENTENCES[0], SENTENCES[1], "".join(SENTENCES[2:5]), "".join(SENTENCES[5:8]), *SENTENCES[8:]]) + "\n"

GOLD: dict[str, Any] = {
    "schema": "jinmyaku-gold/1",
    "id": "toy",
    "text_file": "toy.txt",
    "sentences": SENTENCES,
    "headings": ["■人脈の話"],
    "boilerplate": ["スポンサーリンク"],
    "acts": {
        "question": ["人脈は大切ですか?"],
        "rhetorical_question": [],
        "call_to_action": [{"text": "与えましょう。", "nth": 1}, {"text": "与えましょう。", "nth": 2}],
        "definition": [],
        "generalization": ["みんな交流会が一番だと言います。"],
        "summary": [],
    },
    "patterns": [
        {"type": "question_answer", "roles": {"question": ["人脈は大切ですか?"], "answer": ["はい、大切です。"]}},
        {
            "type": "concession",
            "roles": {"concession": ["確かに数は大事です。"], "claim": ["でも質のほうが大事です。"]},
        },
        {
            "type": "reversal",
            "roles": {"setup": ["みんな交流会が一番だと言います。"], "reversal": ["ぜんぜん違います。"]},
            "attrs": {"setup": "belief"},
        },
        {"type": "restatement", "roles": {"restatement": ["つまり、与えることです。"]}},
    ],
    "claims": [
        {"quote": "つまり、与えることです。", "kind": "thesis", "stance": "endorsed", "level": "core"},
        {"quote": {"text": "与えましょう。", "nth": 1}, "kind": "prescription", "stance": "endorsed", "level": "core"},
        {"quote": "でも質のほうが大事です。", "kind": "evaluation", "stance": "endorsed", "level": "secondary"},
        {"quote": "みんな交流会が一番だと言います。", "kind": "thesis", "stance": "rejected", "level": "secondary"},
    ],
}

# the perfect prediction, by sentence index: (heading, boilerplate, acts)
LABELS: dict[int, tuple[bool, bool, list[str]]] = {
    0: (True, False, []),
    1: (False, False, ["question"]),
    5: (False, False, ["generalization"]),
    8: (False, False, ["call_to_action"]),
    9: (False, True, []),
    10: (False, False, ["call_to_action"]),
}
PATTERNS: list[dict[str, Any]] = [
    {"type": "question_answer", "roles": {"question": [1], "answer": [2]}, "attrs": {}},
    {"type": "concession", "roles": {"concession": [3], "claim": [4]}, "attrs": {}},
    {"type": "reversal", "roles": {"setup": [5], "reversal": [6]}, "attrs": {"setup": "belief"}},
    {"type": "restatement", "roles": {"restatement": [7], "source": [6]}, "attrs": {}},
]
# (sentence, kind, stance) in rank order
CLAIMS: list[tuple[int, str, str]] = [
    (7, "thesis", "endorsed"),
    (8, "prescription", "endorsed"),
    (4, "evaluation", "endorsed"),
    (5, "thesis", "rejected"),
]


def spans(sentences: list[str], text: str = TEXT) -> list[tuple[int, int]]:
    """Each sentence's span, found in order along the text."""
    out, pos = [], 0
    for s in sentences:
        start = text.index(s, pos)
        out.append((start, start + len(s)))
        pos = start + len(s)
    return out


def make_record(
    sentences: list[str] = SENTENCES,
    labels: dict[int, tuple[bool, bool, list[str]]] = LABELS,
    patterns: list[dict[str, Any]] = PATTERNS,
    claims: list[tuple[int, str, str]] = CLAIMS,
    *,
    text: str = TEXT,
    record_id: str = "toy",
) -> dict[str, Any]:
    """A §5 record over ``text`` with the given segmentation and labels."""
    sent_spans = spans(sentences, text)
    out_sentences = []
    for i, (start, end) in enumerate(sent_spans):
        heading, boilerplate, acts = labels.get(i, (False, False, []))
        out_sentences.append(
            {"i": i, "start": start, "end": end, "text": text[start:end], "heading": heading}
            | {"boilerplate": boilerplate, "acts": list(acts)}
        )
    out_claims = [
        {"id": f"c{n}", "rank": n + 1, "sentence": i, "start": sent_spans[i][0], "end": sent_spans[i][1]}
        | {"kind": kind, "stance": stance}
        for n, (i, kind, stance) in enumerate(claims)
    ]
    out_patterns = [{"id": f"p{n}", **copy.deepcopy(p)} for n, p in enumerate(patterns)]
    return {
        "schema": "jinmyaku/1",
        "id": record_id,
        "text": text,
        "sentences": out_sentences,
        "patterns": out_patterns,
        "claims": out_claims,
    }


def write_gold(folder: Path, gold: dict[str, Any] = GOLD, text: str = TEXT, name: str = "toy") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    path = folder / f"{name}.json"
    path.write_text(json.dumps(gold | {"text_file": f"{name}.txt"}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def score(tmp_path: Path, record: dict[str, Any], gold: dict[str, Any] = GOLD) -> dict[str, Any]:
    """Evaluate one prediction record against ``gold`` through a prediction folder."""
    gold_path = write_gold(tmp_path / "gold", gold)
    pred = tmp_path / "pred"
    pred.mkdir(exist_ok=True)
    (pred / "toy.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return evaluate([gold_path], pred)


HEADLINE_CLAIMS = ("precision_at_k", "core_recall_at_2k", "stance_accuracy", "kind_accuracy", "rejected_recall")


def figures(result: dict[str, Any]) -> Iterator[tuple[str, float]]:
    """Every figure of a result (not the counts), with its path."""
    for part in ("segmentation", "headings", "boilerplate"):
        for key in ("p", "r", "f1"):
            yield f"{part}.{key}", result[part][key]
    for part in ("acts", "patterns"):
        for label, block in result[part].items():
            if isinstance(block, dict):
                for key in ("p", "r", "f1"):
                    yield f"{part}.{label}.{key}", block[key]
    yield "patterns.setup_accuracy", result["patterns"]["setup_accuracy"]
    for key in HEADLINE_CLAIMS:
        yield f"claims.{key}", result["claims"][key]


# --------------------------------------------------------------------------- perfect and empty


def test_perfect_prediction_scores_one_everywhere(tmp_path: Path) -> None:
    result = score(tmp_path, make_record())
    assert result["articles"] == 1
    for name, value in figures(result):
        assert value == 1.0, name
    for name, value in figures(result["per_article"]["toy"]):
        assert value == 1.0, name
    assert result["segmentation"]["tp"] == len(SENTENCES)
    assert result["patterns"]["micro"]["tp"] == len(PATTERNS)


def test_empty_prediction_scores_zero(tmp_path: Path) -> None:
    result = score(tmp_path, make_record(sentences=[], labels={}, patterns=[], claims=[]))
    gold_empty_acts = {"rhetorical_question", "definition", "summary"}
    gold_empty_types = {"contrast", "reason"}
    for name, value in figures(result):
        label = name.split(".")[1]
        if label in gold_empty_acts | gold_empty_types:
            # nothing to find and nothing found: 1.0 by the documented convention
            assert value == 1.0, name
        else:
            assert value == 0.0, name
    assert result["acts"]["micro"]["fn"] == 4
    assert result["claims"]["k"] == 2


def test_result_structure_is_json_and_per_article_has_the_same_shape(tmp_path: Path) -> None:
    result = score(tmp_path, make_record())
    json.dumps(result)
    article = result["per_article"]["toy"]
    assert set(article) == set(result) - {"per_article"}
    assert set(result["acts"]) == {"micro", *GOLD["acts"]}
    assert {"micro", "reversal", "setup_accuracy", "setup_matched"} <= set(result["patterns"])


# --------------------------------------------------------------------------- segmentation


def test_boundary_off_by_one_character_is_one_fp_and_one_fn(tmp_path: Path) -> None:
    # sentence 3 ends one character early: "確かに数は大事です" / "。でも質のほうが大事です。"
    shifted = [*SENTENCES[:3], "確かに数は大事です", "。でも質のほうが大事です。", *SENTENCES[5:]]
    seg = score(tmp_path, make_record(sentences=shifted, labels={}, patterns=[], claims=[]))["segmentation"]
    assert (seg["tp"], seg["fp"], seg["fn"]) == (len(SENTENCES) - 1, 1, 1)


def test_whitespace_around_sentence_ends_does_not_move_a_boundary(tmp_path: Path) -> None:
    record = make_record()
    for s in record["sentences"]:
        if TEXT[s["end"] : s["end"] + 1] == "\n":
            s["end"] += 1  # the system keeps the line break inside the sentence
    seg = score(tmp_path, record)["segmentation"]
    assert (seg["tp"], seg["fp"], seg["fn"]) == (len(SENTENCES), 0, 0)


def test_gold_sentence_may_span_a_line_break(tmp_path: Path) -> None:
    text = "前半の行で\n後半の行です。次の文。\n"
    gold = {"schema": "jinmyaku-gold/1", "id": "toy", "sentences": ["前半の行で後半の行です。", "次の文。"]}
    record = make_record(["前半の行で\n後半の行です。", "次の文。"], {}, [], [], text=text)
    gold_path = write_gold(tmp_path / "gold", gold, text)
    seg = evaluate([gold_path], analyze=lambda _text, id: record)["segmentation"]
    assert (seg["tp"], seg["fp"], seg["fn"]) == (2, 0, 0)
    split = make_record(["前半の行で", "後半の行です。", "次の文。"], {}, [], [], text=text)
    seg = evaluate([gold_path], analyze=lambda _text, id: split)["segmentation"]
    assert (seg["tp"], seg["fp"], seg["fn"]) == (2, 1, 0)


# --------------------------------------------------------------------------- quotes and overlap


def test_nth_quote_resolves_to_that_occurrence(tmp_path: Path) -> None:
    gold = load_gold(write_gold(tmp_path, GOLD))
    first = TEXT.index("与えましょう。")
    second = TEXT.index("与えましょう。", first + 1)
    assert gold.acts is not None and gold.claims is not None
    assert gold.acts["call_to_action"] == [(first, first + 7), (second, second + 7)]
    assert gold.claims[1].span == (first, first + 7)


def test_labelling_the_other_occurrence_does_not_match(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    gold["acts"]["call_to_action"] = [{"text": "与えましょう。", "nth": 2}]
    labels = LABELS | {8: (False, False, ["call_to_action"]), 10: (False, False, [])}
    cta = score(tmp_path, make_record(labels=labels), gold)["acts"]["call_to_action"]
    assert (cta["tp"], cta["fp"], cta["fn"]) == (0, 1, 1)


def test_a_merged_system_sentence_overlaps_both_gold_quotes(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    gold["acts"]["generalization"] = ["確かに数は大事です。", "でも質のほうが大事です。"]
    merged = [*SENTENCES[:3], "確かに数は大事です。でも質のほうが大事です。", *SENTENCES[5:]]
    labels = {3: (False, False, ["generalization"])}
    gen = score(tmp_path, make_record(sentences=merged, labels=labels, patterns=[], claims=[]), gold)["acts"][
        "generalization"
    ]
    assert (gen["tp"], gen["fp"], gen["tp_gold"], gen["fn"]) == (1, 0, 2, 0)
    assert gen["p"] == gen["r"] == 1.0


def test_a_partial_quote_matches_the_sentence_containing_it(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    gold["acts"]["generalization"] = ["交流会が一番"]  # inside sentence 5
    gen = score(tmp_path, make_record(), gold)["acts"]["generalization"]
    assert (gen["tp"], gen["fp"], gen["fn"]) == (1, 0, 0)


def test_touching_spans_do_not_overlap(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    gold["acts"]["generalization"] = ["ぜんぜん違います。"]  # sentence 6 starts where sentence 5 ends
    gen = score(tmp_path, make_record(), gold)["acts"]["generalization"]
    assert (gen["tp"], gen["fp"], gen["fn"]) == (0, 1, 1)


# --------------------------------------------------------------------------- patterns


def test_two_system_patterns_cannot_both_match_one_gold_pattern(tmp_path: Path) -> None:
    patterns = [*PATTERNS, copy.deepcopy(PATTERNS[2])]  # the reversal twice
    rev = score(tmp_path, make_record(patterns=patterns))["patterns"]["reversal"]
    assert (rev["tp"], rev["fp"], rev["fn"]) == (1, 1, 0)


def test_one_system_pattern_cannot_match_two_gold_patterns(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    contrast = {"type": "contrast", "roles": {"a": ["確かに数は大事です。"], "b": ["でも質のほうが大事です。"]}}
    gold["patterns"] += [contrast, copy.deepcopy(contrast)]
    patterns = [*PATTERNS, {"type": "contrast", "roles": {"a": [3], "b": [4]}, "attrs": {}}]
    result = score(tmp_path, make_record(patterns=patterns), gold)["patterns"]
    assert (result["contrast"]["tp"], result["contrast"]["fp"], result["contrast"]["fn"]) == (1, 0, 1)
    assert result["micro"]["tp"] == 5


def test_pattern_needs_every_scored_role_and_the_same_type(tmp_path: Path) -> None:
    patterns = [
        {"type": "question_answer", "roles": {"question": [1], "answer": [3]}, "attrs": {}},  # wrong answer
        {"type": "contrast", "roles": {"a": [3], "b": [4]}, "attrs": {}},  # the concession's sentences, wrong type
    ]
    result = score(tmp_path, make_record(patterns=patterns), GOLD)["patterns"]
    assert result["question_answer"]["tp"] == 0 and result["question_answer"]["fp"] == 1
    assert result["concession"]["fn"] == 1 and result["contrast"]["fp"] == 1


def test_restatement_source_is_not_scored(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    gold["patterns"][3]["roles"]["source"] = ["はい、大切です。"]
    patterns = [*PATTERNS[:3], {"type": "restatement", "roles": {"restatement": [7]}, "attrs": {}}]
    assert score(tmp_path, make_record(patterns=patterns), gold)["patterns"]["restatement"]["f1"] == 1.0


def test_setup_accuracy_on_matched_reversals(tmp_path: Path) -> None:
    patterns = copy.deepcopy(PATTERNS)
    patterns[2]["attrs"] = {"setup": "expectation"}
    result = score(tmp_path, make_record(patterns=patterns))["patterns"]
    assert result["reversal"]["f1"] == 1.0
    assert (result["setup_accuracy"], result["setup_matched"]) == (0.0, 1)


# --------------------------------------------------------------------------- claims


def test_precision_at_k_and_core_recall_at_2k(tmp_path: Path) -> None:
    # K = 2. Top 2: an unannotated sentence, then a secondary claim -> P@K = 1/2.
    # Top 4 holds one of the two core claims -> R@2K = 1/2; the other core claim is ranked 5th.
    claims = [(2, "thesis", "endorsed"), (4, "evaluation", "endorsed"), (7, "thesis", "endorsed")]
    claims += [(6, "thesis", "endorsed"), (8, "prescription", "endorsed")]
    result = score(tmp_path, make_record(claims=claims))["claims"]
    assert (result["k"], result["precision_at_k"], result["core_recall_at_2k"]) == (2, 0.5, 0.5)


def test_ranks_not_list_order_decide_the_top(tmp_path: Path) -> None:
    record = make_record()
    record["claims"].reverse()  # same ranks, listed backwards
    assert score(tmp_path, record)["claims"]["precision_at_k"] == 1.0


def test_fewer_than_k_system_claims_still_divide_by_k(tmp_path: Path) -> None:
    result = score(tmp_path, make_record(claims=[(7, "thesis", "endorsed")]))["claims"]
    assert (result["precision_at_k"], result["core_recall_at_2k"]) == (0.5, 0.5)


def test_stance_and_kind_accuracy_on_matched_claims(tmp_path: Path) -> None:
    claims = [
        (7, "evaluation", "endorsed"),  # kind wrong
        (8, "prescription", "endorsed"),
        (4, "evaluation", "rejected"),  # stance wrong
        (5, "thesis", "endorsed"),  # stance wrong
        (2, "thesis", "endorsed"),  # matches no gold claim: not in the accuracies
    ]
    result = score(tmp_path, make_record(claims=claims))["claims"]
    assert result["matched"] == 4
    assert (result["kind_accuracy"], result["stance_accuracy"]) == (0.75, 0.5)


def test_a_gold_claim_is_matched_once(tmp_path: Path) -> None:
    # two system claims on one gold claim: the second one is unmatched and does not count
    claims = [(7, "thesis", "endorsed"), (7, "definition", "rejected")]
    result = score(tmp_path, make_record(claims=claims))["claims"]
    assert (result["matched"], result["kind_accuracy"], result["stance_accuracy"]) == (1, 1.0, 1.0)


def test_rejected_recall_needs_the_rejected_stance_anywhere_in_the_list(tmp_path: Path) -> None:
    endorsed = [*CLAIMS[:3], (5, "thesis", "endorsed")]
    assert score(tmp_path, make_record(claims=endorsed))["claims"]["rejected_recall"] == 0.0
    low_ranked = [*CLAIMS[:3], (2, "thesis", "endorsed"), (6, "thesis", "endorsed"), (5, "thesis", "rejected")]
    assert score(tmp_path, make_record(claims=low_ranked))["claims"]["rejected_recall"] == 1.0


# --------------------------------------------------------------------------- evaluate() plumbing


def test_micro_average_sums_counts_over_articles(tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    write_gold(gold_dir / "a", GOLD | {"id": "a"}, name="a")
    write_gold(gold_dir / "b", GOLD | {"id": "b"}, name="b")
    records = {"a": make_record(record_id="a"), "b": make_record(labels={}, record_id="b")}
    result = evaluate([gold_dir], analyze=lambda _text, id: records[id])
    assert result["articles"] == 2
    assert result["per_article"]["a"]["headings"]["f1"] == 1.0
    assert result["per_article"]["b"]["headings"]["f1"] == 0.0
    assert (result["headings"]["tp"], result["headings"]["fn"], result["headings"]["r"]) == (1, 1, 0.5)


def test_jsonl_predictions(tmp_path: Path) -> None:
    gold_path = write_gold(tmp_path / "gold")
    jsonl = tmp_path / "pred.jsonl"
    other = {"id": "other", "error": {"type": "input_error", "message": "x"}}
    jsonl.write_text(json.dumps(other) + "\n" + json.dumps(make_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    assert evaluate([gold_path], jsonl)["acts"]["micro"]["f1"] == 1.0


def test_a_record_named_after_the_text_file_is_found(tmp_path: Path) -> None:
    # `jinmyaku analyze toy.txt` names its record "toy", while the gold id may differ
    gold_path = write_gold(tmp_path / "gold", GOLD | {"id": "ldcc_toy"})
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "toy.json").write_text(json.dumps(make_record(), ensure_ascii=False), encoding="utf-8")
    result = evaluate([gold_path], pred)
    assert list(result["per_article"]) == ["ldcc_toy"]
    assert result["acts"]["micro"]["f1"] == 1.0


def test_an_error_record_scores_as_an_empty_prediction(tmp_path: Path) -> None:
    result = score(tmp_path, {"id": "toy", "error": {"type": "timeout", "message": "slow"}})
    assert result["segmentation"]["f1"] == 0.0 and result["claims"]["precision_at_k"] == 0.0


def test_missing_prediction_and_foreign_text_are_input_errors(tmp_path: Path) -> None:
    gold_path = write_gold(tmp_path / "gold")
    (tmp_path / "pred").mkdir()
    with pytest.raises(InputError, match=r"toy\.json"):
        evaluate([gold_path], tmp_path / "pred")
    record = make_record()
    record["text"] = TEXT + "追記"
    with pytest.raises(InputError, match="differs from the gold text"):
        evaluate([gold_path], analyze=lambda _text, id: record)


def test_analyze_receives_the_gold_text_and_id(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []

    def fake(text: str, id: str) -> dict[str, Any]:
        seen.append((text, id))
        return make_record()

    evaluate([write_gold(tmp_path / "gold")], analyze=fake)
    assert seen == [(TEXT, "toy")]


def test_format_report_is_a_table(tmp_path: Path) -> None:
    report = format_report(score(tmp_path, make_record()))
    assert "segmentation" in report and "precision_at_k" in report and "toy" in report


def test_format_report_gives_the_per_article_spread() -> None:
    def article(acts_f1: float, recall: float | None) -> dict[str, Any]:
        claims = None if recall is None else {"precision_at_k": 1.0, "core_recall_at_2k": recall}
        return {"segmentation": {"f1": 1.0}, "acts": {"micro": {"f1": acts_f1}}, "patterns": None, "claims": claims}

    result = {"per_article": {"a": article(0.5, 0.25), "b": article(0.9, None), "c": article(0.7, 0.75)}}
    rows = {line.split()[0]: line.split()[1:] for line in _spread_rows(list(result["per_article"].values()))}
    # columns: seg, acts, patterns (not annotated anywhere), P@K, R@2K (article b has no claims)
    assert rows["min"] == ["1.00", "0.50", "-", "1.00", "0.25"]
    assert rows["median"] == ["1.00", "0.70", "-", "1.00", "0.50"]
    assert rows["max"] == ["1.00", "0.90", "-", "1.00", "0.75"]


# --------------------------------------------------------------------------- bad gold files


def bad(gold_change: dict[str, Any]) -> dict[str, Any]:
    gold = copy.deepcopy(GOLD)
    gold.update(gold_change)
    return gold


@pytest.mark.parametrize(
    ("gold", "reason"),
    [
        (bad({"schema": "jinmyaku-gold/0"}), "schema"),
        (bad({"headings": ["存在しない見出し"]}), "does not occur"),
        (bad({"headings": ["与えましょう。"]}), "occurs 2 times"),
        (bad({"headings": [{"text": "与えましょう。", "nth": 3}]}), "nth=3"),
        (bad({"headings": [{"text": "与えましょう。", "nth": 0}]}), "nth"),
        (bad({"acts": {"irony": []}}), "unknown act"),
        (bad({"patterns": [{"type": "reversal", "roles": {"setup": ["ぜんぜん違います。"]}}]}), "reversal"),
        (bad({"claims": [{"quote": "ぜんぜん違います。", "kind": "opinion", "stance": "endorsed"}]}), "kind"),
        (bad({"sentences": ["■人脈の話", "はい、大切です。"]}), r"sentences\[1\]"),
    ],
)
def test_bad_gold_raises_with_the_file_name(tmp_path: Path, gold: dict[str, Any], reason: str) -> None:
    path = write_gold(tmp_path, gold)
    with pytest.raises(GoldFormatError, match=reason) as info:
        load_gold(path)
    assert str(path) in str(info.value)


def test_missing_text_file_and_bad_json(tmp_path: Path) -> None:
    path = write_gold(tmp_path)
    path.write_text(json.dumps(GOLD | {"text_file": "nowhere.txt"}), encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"nowhere\.txt"):
        load_gold(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"toy\.json"):
        evaluate([tmp_path])


def test_duplicate_gold_ids_are_refused(tmp_path: Path) -> None:
    write_gold(tmp_path / "a")
    write_gold(tmp_path / "b")
    with pytest.raises(GoldFormatError, match="also the id"):
        evaluate([tmp_path], analyze=lambda _text, id: make_record())
