"""Speed and memory figures of jinmyaku_nlp on the livedoor corpus, each next to bare fugashi
measured in the same run on the same texts (the machine's speed cancels out of the ratios).

    .venv/bin/python benchmarks/run_all.py [--corpus DIR] [--quick] [--only PART]... [--repeat N]

Prints a table and writes benchmarks/results/latest.json. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "livedoor"
PY = sys.executable


def article_files(corpus: Path) -> list[Path]:
    """The 7,337 article files (``<category>-<number>.txt``; LICENSE/README are not articles)."""
    return sorted(p for p in corpus.glob("*/*.txt") if p.stem.rsplit("-", 1)[-1].isdigit())


def read(files: list[Path]) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in files]


def fugashi_seconds(texts: list[str], tagger: Any = None) -> float:
    """Bare fugashi + unidic-lite with feature access (lemma, pos1, cType, cForm), warm."""
    import fugashi

    if tagger is None:
        tagger = fugashi.Tagger()
        for text in texts[:50]:
            tagger(text)
    start = time.perf_counter()
    for text in texts:
        for word in tagger(text):
            f = word.feature
            _ = (f.lemma, f.pos1, f.cType, f.cForm)
    return time.perf_counter() - start


def paired_seconds(texts: list[str], slices: int = 12) -> tuple[float, float]:
    """(fugashi, pipeline) seconds on ``texts``, measured in alternating slices so both see the
    same machine load (this machine is shared; sequential runs drift apart)."""
    import fugashi

    tagger = fugashi.Tagger()
    fugashi_seconds(texts[:50], tagger)
    pipeline_seconds(texts[:50], warm=0)
    fug = pipe = 0.0
    step = max(1, len(texts) // slices)
    for k in range(0, len(texts), step):
        part = texts[k : k + step]
        fug += fugashi_seconds(part, tagger)
        pipe += pipeline_seconds(part, warm=0)
    return fug, pipe


def pipeline_seconds(texts: list[str], warm: int = 50) -> float:
    import jinmyaku_nlp

    for text in texts[:warm]:
        jinmyaku_nlp.analyze(text)
    start = time.perf_counter()
    for text in texts:
        jinmyaku_nlp.analyze(text).to_json()
    return time.perf_counter() - start


class PeakRSS:
    """Polls /proc for the peak RSS (VmHWM) and the peak anonymous (private heap) RSS of a
    process's worker children. RSS also counts the pages of unidic-lite's memory-mapped
    dictionary (sys.dic 188 MB + matrix.bin 72 MB) a worker has touched: file-backed and shared
    by all workers; RssAnon is the memory a worker really owns."""

    def __init__(self, pid: int, pss_workers: int = 0) -> None:
        self.pid = pid
        #: poll Pss too, counted only while this many workers are alive (0: no Pss)
        self.pss_workers = pss_workers
        self.peaks: dict[int, int] = {}
        self.anon: dict[int, int] = {}
        self.pss: dict[int, list[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            workers = []
            for child in _children(self.pid):
                hwm, anon = _status_kb(child)
                if hwm:
                    self.peaks[child] = max(self.peaks.get(child, 0), hwm)
                    self.anon[child] = max(self.anon.get(child, 0), anon)
                    if hwm > 50_000:
                        workers.append(child)
            if self.pss_workers and len(workers) >= self.pss_workers:
                for child in workers:
                    self.pss.setdefault(child, []).append(_pss_kb(child))
            time.sleep(0.1)

    def stop(self) -> list[tuple[float, float]]:
        """(peak RSS MB, peak anonymous MB) per worker (the resource tracker is left out)."""
        self._stop.set()
        self._thread.join()
        return sorted((self.peaks[p] / 1024, self.anon[p] / 1024) for p in self.peaks if self.peaks[p] > 50_000)

    def pss_mb(self) -> list[float]:
        """Median proportional set size (MB) per worker over the polls that found all the workers
        alive: the pages they share (the dictionary) are split between them. A peak would catch
        the moments one worker maps them alone (a replacement still loading, the end of a run)."""
        return sorted(statistics.median(self.pss[p]) / 1024 for p in self.pss if self.peaks.get(p, 0) > 50_000)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _status_kb(pid: int) -> tuple[int, int]:
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "RssAnon"):
                fields[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return fields.get("VmHWM", 0), fields.get("RssAnon", 0)


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cli_run(
    inputs: list[str], jobs: int, out: Path, rss: list[float] | None = None
) -> tuple[float, list[tuple[float, float]]]:
    """Wall time of ``jinmyaku analyze`` end to end (interpreter start included) and the peak RSS
    (MB) of each worker process it started; with ``rss`` (a list), each worker's median Pss is
    appended to it too (smaps_rollup is polled only then: the timed runs are not disturbed)."""
    cmd = [PY, "-m", "jinmyaku_nlp", "analyze", *inputs, "-o", str(out), "--jobs", str(jobs), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO)
    poll = PeakRSS(proc.pid, pss_workers=jobs if rss is not None else 0)
    code = proc.wait()
    seconds = time.perf_counter() - start
    peaks = poll.stop()
    if rss is not None:
        rss.extend(poll.pss_mb())
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return seconds, peaks


def count_records(path: Path) -> tuple[int, int]:
    """(records, error records) in a jsonl output."""
    records = failed = 0
    with path.open("rb") as f:
        for line in f:
            records += 1
            failed += b'"error":{' in line[:400] and json.loads(line).get("error") is not None
    return records, failed


#: floor processes: each handles the listed files, then prints its VmHWM, RssAnon and Pss (kB).
#: "fugashi": bare fugashi + unidic-lite with feature access; "tokenizer": the same texts made into
#: spaCy Docs by our tokenizer alone (spaCy imported, no components), under the vocabulary policy
#: of ``analyze`` (a memory zone per article once the kept vocabulary is full)
_FLOOR_WORKER = """
import sys
kind, listing = sys.argv[1], sys.argv[2]
if kind == "fugashi":
    import fugashi
    tagger = fugashi.Tagger()
    def run(text):
        for word in tagger(text):
            f = word.feature
            _ = (f.lemma, f.pos1, f.cType, f.cForm)
else:
    from jinmyaku_nlp.api import _memory_zone
    from jinmyaku_nlp.pipeline import blank
    nlp = blank()
    def run(text):
        with _memory_zone(nlp, text):
            nlp.make_doc(text)
for path in open(listing, encoding="utf-8").read().splitlines():
    run(open(path, encoding="utf-8").read())
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
rollup = dict(line.split(":", 1) for line in open("/proc/self/smaps_rollup") if line.startswith("Pss:"))
print(int(status["VmHWM"].split()[0]), int(status["RssAnon"].split()[0]), int(rollup["Pss"].split()[0]))
"""


def floor_rss(kind: str, files: list[Path], tmpdir: Path) -> tuple[float, float, float]:
    """(peak RSS MB, anonymous RSS MB, Pss MB) of a floor process (``kind``: "fugashi" or
    "tokenizer", see :data:`_FLOOR_WORKER`) after ``files``: what the memory-mapped dictionary, and
    spaCy Docs of fugashi tokens, cost any worker that handles them."""
    listing = tmpdir / f"floor-{len(files)}.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    out = subprocess.check_output([PY, "-c", _FLOOR_WORKER, kind, str(listing)], cwd=REPO, text=True)
    hwm, anon, pss = out.split()
    return int(hwm) / 1024, int(anon) / 1024, int(pss) / 1024


def fugashi_rss(files: list[Path], tmpdir: Path) -> tuple[float, float]:
    """(peak RSS MB, anonymous RSS MB) of a bare fugashi + unidic-lite process after tagging
    ``files``: the floor the memory-mapped dictionary sets for any worker that tags them."""
    hwm, anon, _ = floor_rss("fugashi", files, tmpdir)
    return hwm, anon


def link_folder(files: list[Path], folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        (folder / f.name).symlink_to(f)
    return str(folder)


def import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); import jinmyaku_nlp; "
        "jinmyaku_nlp.analyze('確かに大切です。でも、それだけでは足りません。'); "
        "print(time.perf_counter() - t)"
    )
    runs = [float(subprocess.check_output([PY, "-c", code], cwd=REPO, text=True)) for _ in range(3)]
    return min(runs)


def long_document_ratio(texts: list[str], target: int = 1_600_000) -> tuple[float, float, float]:
    """Per-character cost of one 1.6M-character article over that of ~2k-character articles."""
    import jinmyaku_nlp

    small = [t for t in texts if 1500 <= len(t) <= 2500][:300]
    small_s = pipeline_seconds(small)
    small_cost = small_s / sum(map(len, small))
    parts, size = [], 0
    for t in texts:
        parts.append(t)
        size += len(t) + 1
        if size >= target:
            break
    big = "\n".join(parts)
    start = time.perf_counter()
    jinmyaku_nlp.analyze(big).to_json()
    big_s = time.perf_counter() - start
    return (big_s / len(big)) / small_cost, big_s, len(big)


#: the parts of a run, in order; ``--only`` picks some of them
SECTIONS = ("throughput", "jobs2", "corpus", "long", "import")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--quick", action="store_true", help="smaller samples (a smoke run)")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this part (repeatable; default: all); the figures go to results/only-<parts>.json",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="measure the --jobs 2 speedup N times (all runs reported)"
    )
    args = parser.parse_args()
    only = set(args.only or SECTIONS)
    files = article_files(args.corpus)
    if not files:
        raise SystemExit(f"no livedoor articles under {args.corpus}")
    n_sample = 300 if args.quick else 1200
    sample = files[:: max(1, len(files) // n_sample)][:n_sample]
    texts = read(sample)
    chars = sum(map(len, texts))
    figures: dict[str, Any] = {}
    fug: float | None = None

    with tempfile.TemporaryDirectory() as tmp:
        # First, while this process has not mapped the dictionary itself (the throughput part's two
        # taggers would take a share of every worker's and floor process's Pss).
        if "corpus" in only:
            corpus_figures(args, files, Path(tmp), figures)

    if "throughput" in only:
        fug, pipe = paired_seconds(texts)
        figures["throughput_ratio"] = {
            "value": fug / pipe,
            "bar": ">= 0.30",
            "detail": f"pipeline {chars / pipe / 1e3:.0f}k chars/s vs fugashi {chars / fug / 1e3:.0f}k chars/s "
            f"({len(texts)} articles, {chars:,} chars)",
        }

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        if "jobs2" in only:
            folder = link_folder(sample, tmpdir / "sample")
            runs = []
            for _ in range(max(1, args.repeat)):
                load = os.getloadavg()[0]
                t1, _ = cli_run([folder], 1, tmpdir / "s1.jsonl")
                t2, _ = cli_run([folder], 2, tmpdir / "s2.jsonl")
                same = (tmpdir / "s1.jsonl").read_bytes() == (tmpdir / "s2.jsonl").read_bytes()
                runs.append((t1, t2, same, load))
            speedups = [t1 / t2 for t1, t2, _, _ in runs]
            alone = f"; fugashi alone {fug:.1f} s" if fug is not None else ""
            figures["jobs2_speedup"] = {
                "value": min(speedups),
                "bar": ">= 1.8",
                "detail": f"{len(sample)} articles; "
                + "; ".join(
                    f"--jobs 1 {t1:.1f} s, --jobs 2 {t2:.1f} s: {t1 / t2:.2f} (identical output: {same}, "
                    f"load {load:.2f})"
                    for t1, t2, same, load in runs
                )
                + (f"; the lowest of {len(runs)} runs" if len(runs) > 1 else "")
                + alone,
            }

    if "long" in only:
        ratio, big_s, big_n = long_document_ratio(read(files[:3000]))
        figures["long_document_cost_ratio"] = {
            "value": ratio,
            "bar": "<= 1.5",
            "detail": f"{big_n:,}-char article in {big_s:.1f} s",
        }
    if "import" in only:
        figures["import_first_analyze_seconds"] = {"value": import_seconds(), "bar": "<= 2", "detail": "best of 3"}

    if fug is not None and "corpus_jobs2_seconds" in figures:
        corpus = figures["corpus_jobs2_seconds"]
        fug_all = fug * corpus["chars"] / chars
        corpus["detail"] += f"; ratio to one-process fugashi (est. {fug_all:.1f} s): {fug_all / corpus['value']:.2f}"
    order = ["throughput_ratio", "jobs2_speedup", "corpus_errors", "corpus_jobs2_seconds", "worker_peak_rss_mb"]
    figures = {key: figures[key] for key in sorted(figures, key=lambda k: order.index(k) if k in order else 99)}
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "figures": figures,
    }
    name = "latest.json" if only == set(SECTIONS) else f"only-{'-'.join(x for x in SECTIONS if x in only)}.json"
    out = HERE / "results" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("| figure | measured | bar | detail |\n|---|---|---|---|")
    for key, f in figures.items():
        print(f"| {key} | {f['value']:.2f} | {f['bar']} | {f['detail']} |")
    print(f"\nload average {os.getloadavg()}; written to {out}")


def corpus_figures(args: argparse.Namespace, files: list[Path], tmpdir: Path, figures: dict[str, Any]) -> None:
    """The whole corpus with ``--jobs 2`` (time, errors, worker memory) and the memory floors."""
    n_small = 300 if args.quick else 1000
    small = link_folder(files[:n_small], tmpdir / "small")
    pss_small: list[float] = []
    _, rss_small = cli_run([small], 2, tmpdir / "small.jsonl", pss_small)
    whole = files if not args.quick else files[:1500]
    folder_all = link_folder(whole, tmpdir / "all")
    pss_all: list[float] = []
    t_all, rss_all = cli_run([folder_all], 2, tmpdir / "all.jsonl", pss_all)
    all_chars = sum(len(t) for t in read(whole))
    records, failed = count_records(tmpdir / "all.jsonl")
    floor_small = floor_rss("fugashi", files[:n_small], tmpdir)
    floor_all = floor_rss("fugashi", whole, tmpdir)
    tok_small = floor_rss("tokenizer", files[:n_small], tmpdir)
    tok_all = floor_rss("tokenizer", whole, tmpdir)
    figures["corpus_errors"] = {
        "value": failed,
        "bar": "== 0",
        "detail": f"{records} records for {len(whole)} input articles; error records: {failed}",
    }
    figures["corpus_jobs2_seconds"] = {
        "value": t_all,
        "bar": "<= 60",
        "chars": all_chars,
        "detail": f"{len(whole)} articles, {all_chars:,} chars, {all_chars / t_all / 1e3:.0f}k chars/s",
    }

    def floors(a: tuple[float, float, float], b: tuple[float, float, float]) -> str:
        return f"{a[0]:.0f} ({a[1]:.0f}) MB, Pss {a[2]:.0f} MB; {b[0]:.0f} ({b[1]:.0f}) MB, Pss {b[2]:.0f} MB"

    figures["worker_peak_rss_mb"] = {
        "value": max((r for r, _ in rss_all), default=0.0),
        "bar": "<= 300 and flat",
        "detail": f"peak RSS (anonymous) per worker: {n_small} articles: "
        f"{', '.join(f'{r:.0f} ({a:.0f})' for r, a in rss_small)} MB, median Pss {', '.join(f'{p:.0f}' for p in pss_small)} "
        f"MB; {len(whole)} articles: {', '.join(f'{r:.0f} ({a:.0f})' for r, a in rss_all)} MB, median Pss "
        f"{', '.join(f'{p:.0f}' for p in pss_all)} MB; one process after the same articles (the floors): "
        f"bare fugashi + unidic-lite {floors(floor_small, floor_all)}; spaCy Docs from our tokenizer alone "
        f"{floors(tok_small, tok_all)}",
    }
    figures["fugashi_worker_rss_mb"] = {
        "value": floor_all[0],
        "bar": "(reference)",
        "detail": f"peak RSS (anonymous) of a bare fugashi + unidic-lite process after tagging {n_small} articles: "
        f"{floors(floor_small, floor_all)}",
    }
    figures["tokenizer_floor_rss_mb"] = {
        "value": tok_all[0],
        "bar": "(reference)",
        "detail": f"peak RSS (anonymous) of one process that only makes spaCy Docs with our tokenizer (spaCy "
        f"imported, no components) after {n_small} articles: {floors(tok_small, tok_all)}",
    }


if __name__ == "__main__":
    main()
