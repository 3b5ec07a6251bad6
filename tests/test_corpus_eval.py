"""The real analyser scored on the bundled gold (corpus/gold) must not fall below the recorded floors.

Two sets are scored apart: the gold the rules were tuned on ("corpus") and the gold annotated blind
after the rules were written ("blind", listed in corpus/gold/BLIND.txt), which shows how the rules
generalise and is never used for tuning.

The floors in tests/data/eval_floor.json are measured figures minus a small margin; raise them when
the rules improve (a drop below a floor is a regression to explain, not a number to lower quietly).
A floor is re-recorded when its gold set changes: on 2026-11-25 the tuned set grew from 20 to 23
articles and the blind set from 3 to 6, and both were measured afresh on the new sets (no rule was
chosen by its effect on the blind texts; corpus/gold/README.md says what was seen of them).
On 2026-12-06 the tuned set grew from 23 to 29 articles (six new texts, scored lower than the old
ones before any tuning on them) and the tuned floor was re-recorded.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import jinmyaku_nlp
from jinmyaku_nlp.evaluate import evaluate

REPO = Path(__file__).resolve().parents[1]
CORPUS_GOLD = REPO / "corpus" / "gold"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_GOLD = SHARED / "gold" / "seed-jinmyaku-article.json"
BLIND = {
    line.strip()
    for line in (CORPUS_GOLD / "BLIND.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}
TUNED_FILES = sorted(p for p in CORPUS_GOLD.glob("*.json") if p.name not in BLIND)
BLIND_FILES = sorted(CORPUS_GOLD / name for name in BLIND)
FLOORS: dict[str, dict[str, float]] = json.loads(
    (Path(__file__).parent / "data" / "eval_floor.json").read_text(encoding="utf-8")
)

#: the headline figures guarded by a floor: name -> path into the evaluate() result
HEADLINES: dict[str, tuple[str, ...]] = {
    "segmentation_f1": ("segmentation", "f1"),
    "headings_f1": ("headings", "f1"),
    "boilerplate_f1": ("boilerplate", "f1"),
    "acts_micro_f1": ("acts", "micro", "f1"),
    "patterns_micro_f1": ("patterns", "micro", "f1"),
    "claims_precision_at_k": ("claims", "precision_at_k"),
    "claims_core_recall_at_2k": ("claims", "core_recall_at_2k"),
    "claims_stance_accuracy": ("claims", "stance_accuracy"),
    "claims_kind_accuracy": ("claims", "kind_accuracy"),
    "claims_rejected_recall": ("claims", "rejected_recall"),
}


def headline(result: dict[str, Any], name: str) -> float:
    value: Any = result
    for key in HEADLINES[name]:
        value = value[key]
    return float(value)


@pytest.fixture(scope="module")
def analyze() -> Callable[..., jinmyaku_nlp.Analysis]:
    """``analyze`` bound to one pipeline, built once for the module."""
    return functools.partial(jinmyaku_nlp.analyze, nlp=jinmyaku_nlp.load())


@pytest.fixture(scope="module")
def corpus_result(analyze: Callable[..., jinmyaku_nlp.Analysis]) -> dict[str, Any]:
    return evaluate(TUNED_FILES, analyze=analyze)


@pytest.fixture(scope="module")
def blind_result(analyze: Callable[..., jinmyaku_nlp.Analysis]) -> dict[str, Any]:
    return evaluate(BLIND_FILES, analyze=analyze)


def test_corpus_gold_is_complete(analyze: Callable[..., jinmyaku_nlp.Analysis]) -> None:
    # every bundled gold file loads and is scored (a text missing from corpus/ would raise)
    assert BLIND_FILES and all(p.is_file() for p in BLIND_FILES)
    result = evaluate([CORPUS_GOLD], analyze=analyze)
    assert result["articles"] == len(list(CORPUS_GOLD.glob("*.json")))
    assert set(result["per_article"]) == {
        json.loads(p.read_text(encoding="utf-8"))["id"] for p in CORPUS_GOLD.glob("*.json")
    }


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_corpus_figure_stays_above_floor(corpus_result: dict[str, Any], name: str) -> None:
    value = headline(corpus_result, name)
    assert value >= FLOORS["corpus"][name], f"{name} = {value} fell below the floor {FLOORS['corpus'][name]}"


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_blind_figure_stays_above_floor(blind_result: dict[str, Any], name: str) -> None:
    value = headline(blind_result, name)
    assert value >= FLOORS["blind"][name], f"{name} = {value} fell below the blind floor {FLOORS['blind'][name]}"


@pytest.mark.shared
def test_seed_article_stays_above_floor(analyze: Callable[..., jinmyaku_nlp.Analysis]) -> None:
    if not SEED_GOLD.is_file():
        pytest.skip(f"{SEED_GOLD} not found: the seed article lives in ../shared, absent from a fresh clone")
    result = evaluate([SEED_GOLD], analyze=analyze)
    low = {
        name: headline(result, name)
        for name in HEADLINES
        if headline(result, name) < FLOORS["seed-jinmyaku-article"][name]
    }
    assert not low, f"below the seed floors {FLOORS['seed-jinmyaku-article']}: {low}"


@pytest.mark.shared
def test_corpus_copies_match_the_shared_originals() -> None:
    """corpus/ holds the shared texts byte for byte and the shared gold with only text_file changed."""
    if not (SHARED / "gold").is_dir():
        pytest.skip(f"{SHARED / 'gold'} not found: ../shared is absent from a fresh clone")
    for path in sorted(CORPUS_GOLD.glob("*.json")):
        ours = json.loads(path.read_text(encoding="utf-8"))
        ours_text = (path.parent / ours["text_file"]).read_bytes()
        shared_gold = SHARED / "gold" / path.name
        if shared_gold.is_file():  # a copy of the shared dev gold: only text_file differs
            theirs = json.loads(shared_gold.read_text(encoding="utf-8"))
            assert {**ours, "text_file": None} == {**theirs, "text_file": None}, path.name
            assert ours_text == (SHARED / "gold" / theirs["text_file"]).read_bytes(), path.name
        else:  # gold annotated here (blind or added): its text is an unmodified livedoor file
            text = path.parent / ours["text_file"]
            assert ours_text == (SHARED / "corpora" / "livedoor" / text.parent.name / text.name).read_bytes()
