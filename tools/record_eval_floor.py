"""Measure the headline dev-gold figures now and (with --write) record them as the regression floor.

    .venv/bin/python tools/record_eval_floor.py [--write] [--blind]

The floor is each figure minus MARGIN, rounded down to 3 decimals; tests/test_corpus_eval.py fails
when a later change drops a figure below it. Raise the floor after an accuracy improvement.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_corpus_eval import BLIND_FILES, HEADLINES, TUNED_FILES, headline  # noqa: E402

import jinmyaku_nlp  # noqa: E402
from jinmyaku_nlp.evaluate import evaluate  # noqa: E402

MARGIN = 0.01
SEED_GOLD = ROOT.parent / "shared" / "gold" / "seed-jinmyaku-article.json"


def main() -> None:
    nlp = jinmyaku_nlp.load()

    def analyze(text: str, id: str) -> jinmyaku_nlp.Analysis:
        return jinmyaku_nlp.analyze(text, id=id, nlp=nlp)

    # The blind floor is recorded once, from the first measurement: pass --blind only then.
    golds: dict[str, Any] = {"corpus": TUNED_FILES}
    if "--blind" in sys.argv:
        golds["blind"] = BLIND_FILES
    if SEED_GOLD.exists():
        golds["seed-jinmyaku-article"] = [SEED_GOLD]
    floor_file = ROOT / "tests" / "data" / "eval_floor.json"
    out = json.loads(floor_file.read_text(encoding="utf-8"))
    for key, gold in golds.items():
        result = evaluate(gold, analyze=analyze)
        values = {name: headline(result, name) for name in sorted(HEADLINES)}
        print(key, json.dumps(values))
        out[key] = {n: max(0.0, math.floor((v - MARGIN) * 1000) / 1000) for n, v in values.items()}
    if "--write" in sys.argv:
        floor_file.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {floor_file}")


if __name__ == "__main__":
    main()
