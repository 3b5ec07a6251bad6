"""Measure the headline dev-gold figures now and (with --write) record them as the regression floor.

    .venv/bin/python tools/record_eval_floor.py [--write]

The floor is each figure minus MARGIN, rounded down to 3 decimals; tests/test_corpus_eval.py fails
when a later change drops a figure below it. Raise the floor after an accuracy improvement.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import jinmyaku_nlp  # noqa: E402
from jinmyaku_nlp.evaluate import evaluate  # noqa: E402
from test_corpus_eval import HEADLINES, headline  # noqa: E402

MARGIN = 0.01
SEED_GOLD = ROOT.parent / "shared" / "gold" / "seed-jinmyaku-article.json"


def main() -> None:
    nlp = jinmyaku_nlp.load()

    def analyze(text: str, id: str) -> jinmyaku_nlp.Analysis:
        return jinmyaku_nlp.analyze(text, id=id, nlp=nlp)

    golds = {"corpus": ROOT / "corpus" / "gold"}
    if SEED_GOLD.exists():
        golds["seed-jinmyaku-article"] = SEED_GOLD
    floor_file = ROOT / "tests" / "data" / "eval_floor.json"
    out = json.loads(floor_file.read_text(encoding="utf-8"))
    for key, gold in golds.items():
        result = evaluate([gold], analyze=analyze)
        values = {name: headline(result, name) for name in sorted(HEADLINES)}
        print(key, json.dumps(values))
        out[key] = {n: max(0.0, math.floor((v - MARGIN) * 1000) / 1000) for n, v in values.items()}
    if "--write" in sys.argv:
        floor_file.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {floor_file}")


if __name__ == "__main__":
    main()
