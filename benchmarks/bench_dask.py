"""Throughput of the Dask path against a plain multi-process run on the livedoor corpus.

    .venv/bin/python benchmarks/bench_dask.py [--corpus ../shared/corpora/livedoor] [--limit N]

Both runs analyse the same article files (``<category>/<category>-<number>.txt``; the LICENSE and
README files are not articles) with the same number of processes and receive every record in the
calling process: ``jinmyaku_nlp.analyze_many(paths, n_process=W)`` against ``analyze_bag`` on a
LocalCluster of W single-threaded worker processes. Prints one JSON object; docs/dask.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import dask.bag as db
from distributed import Client, LocalCluster

import jinmyaku_nlp
from jinmyaku_nlp.dask import DEFAULT_PARTITION_SIZE, analyze_bag

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "livedoor"


def article_paths(corpus: Path, limit: int | None) -> list[Path]:
    paths = sorted(p for p in corpus.glob("*/*.txt") if p.stem.rsplit("-", 1)[-1].isdigit())
    return paths[:limit] if limit else paths


def bench_local(paths: list[Path], workers: int) -> dict[str, Any]:
    started = time.perf_counter()
    errors = sum(not r.ok for r in jinmyaku_nlp.analyze_many(paths, n_process=workers))
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "articles_per_s": round(len(paths) / seconds, 1), "errors": errors}


def bench_dask(paths: list[Path], workers: int, partition_size: int) -> dict[str, Any]:
    started = time.perf_counter()
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        startup = time.perf_counter() - started
        begun = time.perf_counter()
        bag = analyze_bag(db.from_sequence(paths, partition_size=partition_size))
        records = errors = 0
        for future in client.compute(bag.to_delayed()):  # stream partitions back, as run_job does
            part = future.result()
            records += len(part)
            errors += sum("error" in r for r in part)
            future.release()
        seconds = time.perf_counter() - begun
    return {
        "cluster_start_s": round(startup, 2),
        "seconds": round(seconds, 2),
        "articles_per_s": round(records / seconds, 1),
        "seconds_with_cluster_start": round(seconds + startup, 2),
        "records": records,
        "errors": errors,
        "partitions": bag.npartitions,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION_SIZE)
    ap.add_argument("--skip-local", action="store_true")
    ap.add_argument("--dask-first", action="store_true", help="run the Dask measurement before the local one")
    args = ap.parse_args()
    paths = article_paths(args.corpus, args.limit)
    result: dict[str, Any] = {
        "articles": len(paths),
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    # the 1-minute load average around each run: other processes on the machine skew a comparison
    runs = [("analyze_many_n_process", lambda: bench_local(paths, args.workers))] if not args.skip_local else []
    runs.append(("dask_local_cluster", lambda: bench_dask(paths, args.workers, args.partition_size)))
    for name, run in reversed(runs) if args.dask_first else runs:
        load_before = os.getloadavg()[0]
        result[name] = run() | {"load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
