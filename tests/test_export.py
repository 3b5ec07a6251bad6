"""The record and its exporters: schema, determinism, DataFrames, documented columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jinmyaku_nlp
from jinmyaku_nlp.export import COLUMNS, LEVELS
from jinmyaku_nlp.record import SCHEMA, Analysis, ErrorRecord, record_from_dict

TEXT = "人脈は大切だとよく言われます。\n\nでも、それは違います。\n\nつまり、自分を磨くべきです。\nあなたはどうですか?"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return jinmyaku_nlp.analyze(TEXT, id="t1")


def test_record_has_spec_fields(analysis: Analysis) -> None:
    d = analysis.to_dict()
    assert d["schema"] == SCHEMA == "jinmyaku/1"
    assert list(d)[:9] == ["schema", "id", "source", "text", "sentences", "patterns", "claims", "key_terms", "sections"]
    s = d["sentences"][0]
    for key in ("i", "start", "end", "text", "heading", "boilerplate", "section", "acts", "features"):
        assert key in s
    for key in ("mood", "polarity", "modality", "addressee", "connective"):
        assert key in s["features"]
    for c in d["claims"]:
        for key in (
            "id",
            "rank",
            "score",
            "sentence",
            "start",
            "end",
            "text",
            "kind",
            "stance",
            "topic",
            "predicate",
            "polarity",
            "evidence",
        ):
            assert key in c
        assert c["kind"] in ("thesis", "definition", "prescription", "evaluation")
        assert c["stance"] in ("endorsed", "rejected")


def test_offsets_index_the_text(analysis: Analysis) -> None:
    t = analysis.text
    for s in analysis.sentences:
        assert t[s.start : s.end] == s.text
        for cue in s.cues:
            assert t[cue.start : cue.end] == cue.text
    for p in analysis.patterns:
        for cue in p.cues:
            assert t[cue.start : cue.end] == cue.text
    for c in analysis.claims:
        assert t[c.start : c.end] == c.text


def test_json_is_deterministic_and_round_trips(analysis: Analysis) -> None:
    again = jinmyaku_nlp.analyze(TEXT, id="t1")
    assert analysis.to_json() == again.to_json()
    assert analysis.to_json().encode("utf-8") == again.to_json().encode("utf-8")
    rebuilt = record_from_dict(json.loads(analysis.to_json()))
    assert isinstance(rebuilt, Analysis)
    assert rebuilt.to_json() == analysis.to_json()


def test_error_record_shape() -> None:
    err = ErrorRecord("bad", "decode_error", "not text")
    assert err.to_dict() == {"id": "bad", "error": {"type": "decode_error", "message": "not text"}}
    assert isinstance(record_from_dict(err.to_dict()), ErrorRecord)


@pytest.mark.parametrize("level", LEVELS)
def test_dataframe_columns_are_the_documented_ones(analysis: Analysis, level: str) -> None:
    df = jinmyaku_nlp.to_dataframe([analysis, ErrorRecord("bad", "decode_error", "x")], level=level)
    assert list(df.columns) == list(COLUMNS[level])
    doc = DOCS.read_text(encoding="utf-8")
    for col in COLUMNS[level]:
        assert f"`{col}`" in doc, f"docs/schema.md does not document {level}.{col}"


def test_dataframe_rows(analysis: Analysis) -> None:
    sents = jinmyaku_nlp.to_dataframe(analysis, level="sentences")
    assert len(sents) == len(analysis.sentences)
    assert sents["text"].tolist() == [s.text for s in analysis.sentences]
    articles = jinmyaku_nlp.to_dataframe([analysis, ErrorRecord("bad", "decode_error", "x")], level="articles")
    assert articles["id"].tolist() == ["t1", "bad"]
    assert articles["error_type"].tolist()[1] == "decode_error"
    roles = jinmyaku_nlp.to_dataframe([analysis], level="patterns")
    assert len(roles) == sum(len(v) for p in analysis.patterns for v in p.roles.values())


def test_unknown_level_is_rejected(analysis: Analysis) -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        jinmyaku_nlp.to_dataframe(analysis, level="words")
