"""The ``jinmyaku`` command: a thin shell over the library (SPEC §7).

Exit codes: 0 every article analysed; 1 some articles failed (their error records are in the
output); 2 usage error (bad arguments, unreadable gold, nothing to read).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from jinmyaku_nlp.errors import JinmyakuError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130

ANALYZE_HELP = """\
Analyse articles; every input article yields exactly one record (an analysis or an error record).

PATH: a .txt/.html file (id = file name without extension); a folder (its .txt/.html/.htm files,
recursively: each folder's files by name, then its sub-folders); a .jsonl (fields id, text); a
.csv (header row with columns id and text); or - for standard input: JSONL when its first
non-blank character is {, otherwise the whole of stdin is ONE article with id "stdin".
A row without id gets <file stem>:<line or row>. Malformed rows become error records.
Duplicate ids: the first keeps its id; a later one yields a duplicate_id error record with id
<id>#<k> (its k-th occurrence).

Output: jsonl (default; -o FILE or stdout, flushed per record); json (OUT/<id>.json per article,
written atomically); parquet (datasets OUT/articles|sentences|patterns|claims/part-<n>.parquet,
committed part by part in OUT/_done.jsonl); html (OUT/<id>.html per article, OUT/index.html,
OUT/records.jsonl).

--resume continues an interrupted run into the same output, whatever moment it was killed at:
jsonl: complete lines are done (a torn last line is cut and redone); json: existing <id>.json
files are done; html: records.jsonl; parquet: the ledger. No article is repeated or lost.

Exit codes: 0 all articles analysed; 1 some articles failed (their error records are in the
output); 2 usage error; 130 interrupted (run again with --resume).
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jinmyaku",
        description="How a Japanese text argues: speech acts, rhetorical patterns and core claims.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser(
        "analyze",
        help="analyse articles (files, folders, .jsonl, .csv, or - for stdin)",
        description=ANALYZE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("-o", "--out", help="output file (jsonl) or folder (json, html, parquet); default stdout for jsonl")
    a.add_argument("--format", choices=["jsonl", "json", "parquet", "html"], default="jsonl")
    a.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    a.add_argument("--resume", action="store_true", help="continue an interrupted run into the same output")
    a.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-article time limit: a longer article becomes a timeout error record (uses worker processes)",
    )
    a.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    a.add_argument("--batch-size", type=int, default=16, metavar="N", help="articles sent to a worker at a time")
    a.add_argument(
        "--max-tasks-per-worker",
        type=int,
        default=None,
        metavar="N",
        help="replace a worker process after N articles so memory stays flat on long runs (default 2000; 0 = never)",
    )
    a.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="analyse on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' for a "
        "LocalCluster of --jobs processes (needs: pip install 'jinmyaku-nlp[dask]'; see docs/dask.md)",
    )

    e = sub.add_parser("evaluate", help="score predictions against gold annotations (SPEC §6)")
    e.add_argument("gold", nargs="+", metavar="GOLD", help="gold .json files or folders")
    e.add_argument("--pred", metavar="DIR", help="predictions (<id>.json folder or .jsonl); default: analyse")
    e.add_argument("--table", action="store_true", help="print a readable table instead of JSON")

    r = sub.add_parser("report", help="HTML reports from analysis records (.jsonl files or <id>.json folders)")
    r.add_argument("records", nargs="+", metavar="RECORDS", help="jsonl files of records, or folders of <id>.json")
    r.add_argument("-o", "--out", required=True, help="output folder: <id>.html per article and index.html")

    s = sub.add_parser("show", help="show one article in the terminal")
    s.add_argument("file", metavar="FILE", help="a .txt/.html article or a .json analysis record")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "report":
            return _report(args)
        return _show(args)
    except JinmyakuError as exc:
        print(f"jinmyaku: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("jinmyaku: interrupted; run again with --resume to continue", file=sys.stderr)
        return EXIT_INTERRUPTED


def _analyze(args: argparse.Namespace) -> int:
    from jinmyaku_nlp.batch import MAX_TASKS_PER_WORKER, run_job

    if args.jobs < 1:
        print("jinmyaku: error: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.format != "jsonl" and not args.out:
        print(f"jinmyaku: error: --format {args.format} writes a folder: give it with -o OUT", file=sys.stderr)
        return EXIT_USAGE
    if args.timeout is not None and args.timeout <= 0:
        print("jinmyaku: error: --timeout must be a positive number of seconds", file=sys.stderr)
        return EXIT_USAGE
    if args.dask:
        return _analyze_dask(args)
    summary = run_job(
        args.paths,
        out=args.out,
        fmt=args.format,
        jobs=args.jobs,
        resume=args.resume,
        timeout=args.timeout,
        quiet=args.quiet,
        batch_size=args.batch_size,
        max_tasks_per_worker=(MAX_TASKS_PER_WORKER if args.max_tasks_per_worker is None else args.max_tasks_per_worker),
    )
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return EXIT_SOME_FAILED if summary.errors else EXIT_OK


def _analyze_dask(args: argparse.Namespace) -> int:
    if args.timeout is not None:
        print("jinmyaku: error: --timeout is not available with --dask", file=sys.stderr)
        return EXIT_USAGE
    try:
        from jinmyaku_nlp.dask import run_job as run_dask_job
    except ImportError as exc:  # the optional extra is missing: the message says what to install
        print(f"jinmyaku: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    summary = run_dask_job(
        args.paths, scheduler=args.dask, out=args.out, fmt=args.format, resume=args.resume, n_workers=args.jobs
    )
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return EXIT_SOME_FAILED if summary.errors else EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from jinmyaku_nlp.evaluate import evaluate, format_report

    result = evaluate([Path(g) for g in args.gold], Path(args.pred) if args.pred else None)
    if args.table:
        print(format_report(result))
    else:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from jinmyaku_nlp.io import read_records
    from jinmyaku_nlp.report import write_reports

    summary = write_reports(read_records([Path(p) for p in args.records]), args.out)
    print(summary.overview)
    print(f"report: {summary.index}")
    return EXIT_SOME_FAILED if summary.errors else EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from jinmyaku_nlp.api import analyze
    from jinmyaku_nlp.record import Analysis, record_from_dict
    from jinmyaku_nlp.show import format_analysis

    path = Path(args.file)
    if path.suffix.lower() == ".json":
        try:
            record = record_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            print(f"jinmyaku: error: cannot read the record {path}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if not isinstance(record, Analysis):
            print(f"{record.id}: error {record.type}: {record.message}")
            return EXIT_SOME_FAILED
    else:
        record = analyze(path)
    print(format_analysis(record, color=sys.stdout.isatty()))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
