"""The seed article (../shared/seed): the reversals and the definition the project started from."""

from __future__ import annotations

from pathlib import Path

import pytest

import jinmyaku_nlp
from jinmyaku_nlp.record import Analysis

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "jinmyaku-article.txt"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not beside this checkout"),
]


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return jinmyaku_nlp.analyze(SEED, id="seed")


def index_of(a: Analysis, fragment: str, *, whole: bool = False) -> int:
    (hit,) = [s.i for s in a.sentences if (s.text == fragment if whole else fragment in s.text)]
    return hit


def reversals(a: Analysis, setup_kind: str) -> list:
    return [p for p in a.patterns if p.type == "reversal" and p.attrs.get("setup") == setup_kind]


def test_belief_reversal_is_found(seed: Analysis) -> None:
    belief = index_of(seed, "人脈を拡げるためには異業種交流会が一番だ。")
    denial = index_of(seed, "ぜんぜん違います", whole=True)
    found = [p for p in reversals(seed, "belief") if belief in p.roles["setup"] and denial in p.roles["reversal"]]
    assert found, [(p.roles, p.attrs) for p in seed.patterns if p.type == "reversal"]
    assert any(c.text and c.rule for c in found[0].cues)


def test_belief_is_a_rejected_claim(seed: Analysis) -> None:
    belief = index_of(seed, "人脈を拡げるためには異業種交流会が一番だ。")
    assert any(c.sentence == belief and c.stance == "rejected" for c in seed.claims)


def test_question_then_reversal_is_found(seed: Analysis) -> None:
    question = index_of(seed, "「何をしに」「何の目的」があって行くのですか")
    strange = index_of(seed, "なんだかおかしくないですか")
    found = [p for p in reversals(seed, "question") if question in p.roles["setup"] and strange in p.roles["reversal"]]
    assert found, [(p.roles, p.attrs) for p in seed.patterns if p.type == "reversal"]


def test_quality_network_definition(seed: Analysis) -> None:
    k = index_of(seed, "私が考える「良質な人脈」の定義は")
    assert "definition" in seed.sentences[k].acts
    cue = next(c for c in seed.sentences[k].cues if c.label == "definition")
    assert seed.text[cue.start : cue.end] == cue.text


def test_offsets_index_the_original_text(seed: Analysis) -> None:
    assert seed.text == SEED.read_text(encoding="utf-8")
    for s in seed.sentences:
        assert seed.text[s.start : s.end] == s.text
