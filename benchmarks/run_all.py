"""Speed and memory figures of jinmyaku_nlp on the livedoor corpus, each next to bare fugashi
measured in the same run on the same texts (the machine's speed cancels out of the ratios).

    .venv/bin/python benchmarks/run_all.py [--corpus DIR] [--quick]

Prints a table and writes benchmarks/results/latest.json. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.anon: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            for child in _children(self.pid):
                hwm, anon = _status_kb(child)
                if hwm:
                    self.peaks[child] = max(self.peaks.get(child, 0), hwm)
                    self.anon[child] = max(self.anon.get(child, 0), anon)
            time.sleep(0.1)

    def stop(self) -> list[tuple[float, float]]:
        """(peak RSS MB, peak anonymous MB) per worker (the resource tracker is left out)."""
        self._stop.set()
        self._thread.join()
        return sorted((self.peaks[p] / 1024, self.anon[p] / 1024) for p in self.peaks if self.peaks[p] > 50_000)


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


def cli_run(inputs: list[str], jobs: int, out: Path) -> tuple[float, list[tuple[float, float]]]:
    """Wall time of ``jinmyaku analyze`` end to end (interpreter start included) and the peak RSS
    (MB) of each worker process it started."""
    cmd = [PY, "-m", "jinmyaku_nlp", "analyze", *inputs, "-o", str(out), "--jobs", str(jobs), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO)
    rss = PeakRSS(proc.pid)
    code = proc.wait()
    seconds = time.perf_counter() - start
    peaks = rss.stop()
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


#: a bare fugashi worker: tags the listed files with feature access, then prints its VmHWM and RssAnon (kB)
_FUGASHI_WORKER = """
import sys, fugashi
tagger = fugashi.Tagger()
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    for word in tagger(open(path, encoding="utf-8").read()):
        f = word.feature
        _ = (f.lemma, f.pos1, f.cType, f.cForm)
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(int(status["VmHWM"].split()[0]), int(status["RssAnon"].split()[0]))
"""


def fugashi_rss(files: list[Path], tmpdir: Path) -> tuple[float, float]:
    """(peak RSS MB, anonymous RSS MB) of a bare fugashi + unidic-lite process after tagging
    ``files``: the floor the memory-mapped dictionary sets for any worker that tags them."""
    listing = tmpdir / f"fugashi-{len(files)}.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    hwm, anon = subprocess.check_output([PY, "-c", _FUGASHI_WORKER, str(listing)], text=True).split()
    return int(hwm) / 1024, int(anon) / 1024


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--quick", action="store_true", help="smaller samples (a smoke run)")
    args = parser.parse_args()
    files = article_files(args.corpus)
    if not files:
        raise SystemExit(f"no livedoor articles under {args.corpus}")
    n_sample = 300 if args.quick else 1200
    sample = files[:: max(1, len(files) // n_sample)][:n_sample]
    texts = read(sample)
    chars = sum(map(len, texts))
    figures: dict[str, Any] = {}

    fug, pipe = paired_seconds(texts)
    figures["throughput_ratio"] = {
        "value": fug / pipe,
        "bar": ">= 0.30",
        "detail": f"pipeline {chars / pipe / 1e3:.0f}k chars/s vs fugashi {chars / fug / 1e3:.0f}k chars/s "
        f"({len(texts)} articles, {chars:,} chars)",
    }

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        folder = link_folder(sample, tmpdir / "sample")
        t1, _ = cli_run([folder], 1, tmpdir / "s1.jsonl")
        t2, _ = cli_run([folder], 2, tmpdir / "s2.jsonl")
        same = (tmpdir / "s1.jsonl").read_bytes() == (tmpdir / "s2.jsonl").read_bytes()
        figures["jobs2_speedup"] = {
            "value": t1 / t2,
            "bar": ">= 1.8",
            "detail": f"--jobs 1 {t1:.1f} s, --jobs 2 {t2:.1f} s on {len(sample)} articles; "
            f"identical output: {same}; fugashi alone {fug:.1f} s",
        }
        n_small = 300 if args.quick else 1000
        small = link_folder(files[:n_small], tmpdir / "small")
        _, rss_small = cli_run([small], 2, tmpdir / "small.jsonl")
        whole = files if not args.quick else files[:1500]
        folder_all = link_folder(whole, tmpdir / "all")
        t_all, rss_all = cli_run([folder_all], 2, tmpdir / "all.jsonl")
        all_chars = sum(len(t) for t in read(whole))
        fug_all = fug * all_chars / chars
        records, failed = count_records(tmpdir / "all.jsonl")
        floor_small = fugashi_rss(files[:n_small], tmpdir)
        floor_all = fugashi_rss(whole, tmpdir)
        figures["corpus_errors"] = {
            "value": failed,
            "bar": "== 0",
            "detail": f"{records} records for {len(whole)} input articles; error records: {failed}",
        }
        figures["corpus_jobs2_seconds"] = {
            "value": t_all,
            "bar": "<= 60",
            "detail": f"{len(whole)} articles, {all_chars:,} chars, {all_chars / t_all / 1e3:.0f}k chars/s; "
            f"ratio to one-process fugashi (est. {fug_all:.1f} s): {fug_all / t_all:.2f}",
        }
        figures["worker_peak_rss_mb"] = {
            "value": max((r for r, _ in rss_all), default=0.0),
            "bar": "<= 300 and flat",
            "detail": f"peak RSS (anonymous) per worker: {n_small} articles: "
            f"{', '.join(f'{r:.0f} ({a:.0f})' for r, a in rss_small)} MB; {len(whole)} articles: "
            f"{', '.join(f'{r:.0f} ({a:.0f})' for r, a in rss_all)} MB; bare fugashi + unidic-lite process after "
            f"tagging the same articles (the dictionary's floor): {floor_small[0]:.0f} ({floor_small[1]:.0f}) MB, "
            f"{floor_all[0]:.0f} ({floor_all[1]:.0f}) MB",
        }
        figures["fugashi_worker_rss_mb"] = {
            "value": floor_all[0],
            "bar": "(reference)",
            "detail": f"peak RSS (anonymous) of a bare fugashi + unidic-lite process after tagging {n_small} articles: "
            f"{floor_small[0]:.0f} ({floor_small[1]:.0f}) MB; {len(whole)} articles: "
            f"{floor_all[0]:.0f} ({floor_all[1]:.0f}) MB",
        }

    ratio, big_s, big_n = long_document_ratio(read(files[:3000]))
    figures["long_document_cost_ratio"] = {
        "value": ratio,
        "bar": "<= 1.5",
        "detail": f"{big_n:,}-char article in {big_s:.1f} s",
    }
    figures["import_first_analyze_seconds"] = {"value": import_seconds(), "bar": "<= 2", "detail": "best of 3"}

    result = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "figures": figures,
    }
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("| figure | measured | bar | detail |\n|---|---|---|---|")
    for name, f in figures.items():
        print(f"| {name} | {f['value']:.2f} | {f['bar']} | {f['detail']} |")
    print(f"\nload average {os.getloadavg()}; written to {out}")


if __name__ == "__main__":
    main()
