"""Fuzz ``jinmyaku_nlp.analyze`` and check the SPEC §5/§9 invariants on every input.

Two engines share one oracle (:func:`check_one`):

* ``mutate`` (default): a seeded mutation fuzzer over real livedoor lines and hostile fragments
  (brackets, controls, CR, NUL, emoji, HTML, cue words), as ``str`` and as bytes in every supported
  encoding (truncated, bit-flipped). Deterministic for a seed; ``--jobs N`` runs N processes.
* ``atheris``: coverage-guided libFuzzer (``pip install atheris``), for long unattended runs.

A finding is any exception other than ``InputError``/``DecodeError``, an invariant violation
(offsets, coverage, role/claim indices; see tests/test_hostile.py), a non-deterministic
``to_json``, or an input slower than ``--slow`` seconds. Each finding is shrunk to a minimal
reproducer and written to ``--out`` as JSON lines. See docs/fuzzing.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the invariant checker lives beside the tests that use it

from test_hostile import invariant_violations  # noqa: E402

import jinmyaku_nlp  # noqa: E402
from jinmyaku_nlp.errors import InputError  # noqa: E402

SHARED = ROOT.parent / "shared"
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp932", "euc_jp")
FRAGMENTS = [
    *"「」『』（）()《》【】〈〉［］“”‘’＜＞",
    *"。．！？!?、，,…‥・〜ー～♪☆★ｗw",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    " ",
    "\u3000",
    "\t",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u200d",
    "\ufe0f",
    "\u3099",
    "\u0301",
    "\U000e0100",
    "👨‍👩‍👧‍👦",
    "🇯🇵",
    "👍🏽",
    "𠮷",
    "\ue000",
    "<p>",
    "</p>",
    "<br>",
    "<script>x</script>",
    "<div>",
    "&amp;",
    "確かに",
    "でも",
    "しかし",
    "つまり",
    "つまり。",
    "でも…。",
    "なぜなら",
    "からです。",
    "ではなく",
    "一方",
    "でしょうか？",
    "ですか?",
    "ましょう。",
    "てください。",
    "とは",
    "誰でも",
    "だから",
    "ぜんぜん違います",
    "本当によく聞きますよね。",
    "最後に",
    "いかがでしたか？",
    "与える側",
    "求めてる側",
]
FALLBACK_SEEDS = [
    "「人脈を拡げるためには異業種交流会が一番だ」本当によく聞きますよね。",
    "でも、ぜんぜん違います。なぜなら、そこには大きな勘違いがあるからです。",
    "確かに出会いは増えるでしょう。しかし、良質な人脈は量ではなく質で決まります。",
    "では、どうすれば良いのでしょうか？つまり、与える側に回ることです。",
]


# --- the oracle ---------------------------------------------------------------------------------


def check_one(item: str | bytes, nlp: Any, *, determinism: bool = False) -> str | None:
    """None when ``item`` analyses completely or fails with a typed InputError; else a finding."""
    return classify(item, nlp, determinism=determinism)[1]


def classify(item: str | bytes, nlp: Any, *, determinism: bool = False) -> tuple[str, str | None]:
    """``(outcome, finding)``: outcome is "analysed", "input_error" or "finding"."""
    try:
        a = jinmyaku_nlp.analyze(item, id="fuzz", nlp=nlp)
    except InputError as exc:
        return ("input_error", None) if str(exc) else ("finding", "InputError with an empty message")
    except Exception as exc:
        return "finding", f"{type(exc).__name__}: {exc} @ {_where(exc)}"
    problems = invariant_violations(a)
    if problems:
        return "finding", "invariant: " + problems[0]
    if determinism and jinmyaku_nlp.analyze(item, id="fuzz", nlp=nlp).to_json() != a.to_json():
        return "finding", "non-deterministic to_json"
    return "analysed", None


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "jinmyaku_nlp" in f.filename] or frames
    last = own[-1]
    return f"{Path(last.filename).name}:{last.lineno} {last.name}"


def _same_kind(a: str | None, b: str | None) -> bool:
    """Findings match for shrinking when they fail the same way in the same place."""
    if a is None or b is None:
        return False
    return a.split(":", 1)[0] == b.split(":", 1)[0] and a.rsplit("@", 1)[-1] == b.rsplit("@", 1)[-1]


def shrink(item: str | bytes, finding: str, fails: Callable[[str | bytes], str | None]) -> str | bytes:
    """Delta-debugging: drop ever smaller chunks while the input still fails the same way."""
    chunk = max(1, len(item) // 2)
    while chunk >= 1:
        i, changed = 0, False
        while i < len(item):
            candidate = item[:i] + item[i + chunk :]
            if _same_kind(fails(candidate), finding):
                item, changed = candidate, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return item


# --- inputs -------------------------------------------------------------------------------------


def seed_texts(limit: int = 400) -> list[str]:
    """Real lines from the livedoor corpus (when ../shared is present) plus built-in seeds."""
    texts = list(FALLBACK_SEEDS)
    corpus = SHARED / "corpora" / "livedoor"
    if corpus.is_dir():
        for path in sorted(corpus.glob("*/*-*.txt"))[::17][:limit]:
            body = path.read_text(encoding="utf-8").split("\n", 3)[-1]
            texts += [line for line in body.splitlines() if line.strip()][:4]
    return texts


def mutate(rng: random.Random, seeds: list[str]) -> str | bytes:
    text = rng.choice(seeds)
    if len(text) > 200:
        start = rng.randrange(len(text) - 100)
        text = text[start : start + rng.randrange(20, 200)]
    for _ in range(rng.randrange(1, 8)):
        text = _mutate_text(rng, text, seeds)
    if rng.random() < 0.3:
        return _to_bytes(rng, text)
    return text


def _mutate_text(rng: random.Random, text: str, seeds: list[str]) -> str:
    pos = rng.randrange(len(text) + 1)
    op = rng.randrange(7)
    if op == 0:  # insert a hostile fragment, sometimes many times
        return text[:pos] + rng.choice(FRAGMENTS) * rng.choice((1, 1, 2, 3, 50)) + text[pos:]
    if op == 1 and text:  # delete a range
        return text[:pos] + text[pos + rng.randrange(1, 10) :]
    if op == 2 and text:  # duplicate a range
        end = min(len(text), pos + rng.randrange(1, 20))
        return text[:end] + text[pos:end] * rng.randrange(1, 4) + text[end:]
    if op == 3:  # a random code point (any plane, no surrogates)
        cp = rng.choice((rng.randrange(0x20, 0x3000), rng.randrange(0x3000, 0xA000), rng.randrange(0x10000, 0x30000)))
        return text[:pos] + chr(cp if not 0xD800 <= cp <= 0xDFFF else 0x3042) + text[pos:]
    if op == 4:  # splice another seed in
        other = rng.choice(seeds)
        return text[:pos] + other[: rng.randrange(len(other) + 1)] + text[pos:]
    if op == 5:  # wrap in HTML
        return rng.choice(("<p>{}</p>", "<html><body>{}</body></html>", "<div><b>{}</div>")).format(text)
    return text[:pos] + rng.choice(("\r", "\n", "\r\n", "\x00")) + text[pos:]


def _to_bytes(rng: random.Random, text: str) -> bytes:
    data = text.encode(rng.choice(ENCODINGS), errors="replace")
    roll = rng.random()
    if roll < 0.2 and data:  # truncate (a split multi-byte character)
        data = data[: rng.randrange(len(data))]
    elif roll < 0.4 and data:  # flip a byte
        i = rng.randrange(len(data))
        data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    elif roll < 0.45:
        data = rng.randbytes(rng.randrange(1, 64))
    return data


# --- engines ------------------------------------------------------------------------------------


def _worker(args: tuple[int, int, float, int]) -> dict[str, Any]:
    seed, count, slow, det_every = args
    nlp = jinmyaku_nlp.load()
    rng = random.Random(seed)
    seeds = seed_texts()
    findings: dict[str, dict[str, Any]] = {}
    outcomes = {"analysed": 0, "input_error": 0, "finding": 0}
    slowest = 0.0
    for k in range(count):
        item = mutate(rng, seeds)
        t0 = time.perf_counter()
        outcome, finding = classify(item, nlp, determinism=det_every > 0 and k % det_every == 0)
        took = time.perf_counter() - t0
        outcomes[outcome] += 1
        slowest = max(slowest, took)
        if finding is None and took > slow:
            finding = f"slow: {took:.1f}s for {len(item)} characters/bytes"
        if finding is None:
            continue
        key = finding.split(":", 1)[0] + finding.rsplit("@", 1)[-1]
        if key in findings:
            findings[key]["count"] += 1
            continue
        small = item if finding.startswith("slow") else shrink(item, finding, lambda x: check_one(x, nlp))
        findings[key] = {"finding": finding, "count": 1, "input": _as_json(item), "minimal": _as_json(small)}
    return {"inputs": count, "outcomes": outcomes, "slowest": slowest, "findings": list(findings.values())}


def _as_json(item: str | bytes) -> dict[str, str]:
    if isinstance(item, bytes):
        return {"bytes_hex": item.hex()}
    return {"str": item}


def run_mutation(total: int, jobs: int, seed: int, slow: float, det_every: int) -> dict[str, Any]:
    per = [total // jobs + (1 if k < total % jobs else 0) for k in range(jobs)]
    args = [(seed * 1000 + k, n, slow, det_every) for k, n in enumerate(per)]
    t0 = time.perf_counter()
    if jobs == 1:
        results = [_worker(args[0])]
    else:
        with mp.get_context("spawn").Pool(jobs) as pool:
            results = pool.map(_worker, args)
    merged: dict[str, dict[str, Any]] = {}
    for r in results:
        for f in r["findings"]:
            key = f["finding"].split(":", 1)[0] + f["finding"].rsplit("@", 1)[-1]
            if key in merged:
                merged[key]["count"] += f["count"]
            else:
                merged[key] = f
    return {
        "inputs": sum(r["inputs"] for r in results),
        "outcomes": {k: sum(r["outcomes"][k] for r in results) for k in results[0]["outcomes"]},
        "seconds": round(time.perf_counter() - t0, 1),
        "slowest_input_seconds": round(max(r["slowest"] for r in results), 3),
        "findings": list(merged.values()),
    }


def run_atheris(argv: list[str]) -> None:  # pragma: no cover - needs atheris and runs forever
    import atheris

    nlp = jinmyaku_nlp.load()

    def one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        item: str | bytes = fdp.ConsumeUnicodeNoSurrogates(4096) if fdp.ConsumeBool() else fdp.ConsumeBytes(4096)
        finding = check_one(item, nlp)
        if finding is not None:
            raise RuntimeError(f"{finding}\ninput: {item!r}")

    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def _iter_findings(report: dict[str, Any]) -> Iterator[str]:
    for f in report["findings"]:
        yield f"- [{f['count']}x] {f['finding']}\n  minimal: {json.dumps(f['minimal'], ensure_ascii=False)}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engine", choices=("mutate", "atheris"), default="mutate")
    p.add_argument("-n", "--inputs", type=int, default=10_000, help="inputs in total (mutate)")
    p.add_argument("--jobs", type=int, default=1, help="processes (mutate)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--slow", type=float, default=5.0, help="seconds after which one input is a finding")
    p.add_argument("--determinism-every", type=int, default=50, help="re-analyse every Nth input; 0 = never")
    p.add_argument("--out", type=Path, help="write the report as JSON here")
    args, rest = p.parse_known_args(argv)
    if args.engine == "atheris":
        run_atheris([sys.argv[0], *rest])
        return 0
    report = run_mutation(args.inputs, args.jobs, args.seed, args.slow, args.determinism_every)
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"{report['inputs']} inputs in {report['seconds']} s with {args.jobs} process(es); "
        f"slowest input {report['slowest_input_seconds']} s; outcomes {report['outcomes']}; "
        f"{len(report['findings'])} distinct finding(s)"
    )
    for line in _iter_findings(report):
        print(line)
    return 1 if report["findings"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
