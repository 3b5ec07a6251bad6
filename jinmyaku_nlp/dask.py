"""The same analysis on a Dask cluster (SPEC §8): bags of records, exploded DataFrames, Parquet.

Every partition runs the local batch path, item by item: :func:`jinmyaku_nlp.batch.to_task` then
:func:`jinmyaku_nlp.batch.analyze_task` (through ``batch.complete``), so a record made on a cluster
is the record a local ``analyze_many`` run makes for the same item — including the ``doc{n}`` id of
a bare text, because each partition is told its global offset. The spaCy pipeline is built once per
worker process and kept in a module-level cache; tasks carry only the items, never the pipeline.
:func:`run_job` is ``jinmyaku analyze --dask``: the CLI's readers and sinks (:mod:`jinmyaku_nlp.io`)
around the same partitions.

Lost workers: Dask re-runs the tasks of a worker that died. A partition's output is a pure function
of its items and its offset, so a re-run yields the same records; results are taken from the bag
(one result per partition key) and Parquet files are named by partition number and replaced
atomically, so a retried partition can neither lose nor duplicate an article.

Needs the optional extra: ``pip install 'jinmyaku-nlp[dask]'``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from dask.base import tokenize
    from dask.delayed import Delayed, delayed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "jinmyaku_nlp.dask needs Dask: install the optional extra with `pip install 'jinmyaku-nlp[dask]'`"
    ) from exc

from jinmyaku_nlp.batch import Encoder, Record, Result, Summary, complete, to_task
from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.export import COLUMNS, ROW_BUILDERS

__all__ = [
    "DEFAULT_PARTITION_SIZE",
    "PARQUET_LEVELS",
    "analyze_bag",
    "analyze_dataframe",
    "frame_meta",
    "parquet_writes",
    "pipeline_loaded",
    "records_from_dataframe",
    "records_to_frame",
    "run_job",
    "to_parquet",
]

#: tables written by :func:`to_parquet` for a bag of records; ``articles`` keeps the error records
PARQUET_LEVELS: tuple[str, ...] = ("sentences", "patterns", "claims", "articles")
#: articles per partition when :func:`run_job` builds the bag: a lost worker costs at most this much
DEFAULT_PARTITION_SIZE = 64

_INT_COLUMNS = {"i", "start", "end", "section", "sentence", "rank", "count", "chars", "n_sentences"}
_INT_COLUMNS |= {"n_patterns", "n_claims"}
_FLOAT_COLUMNS = {"score", "confidence"}
_BOOL_COLUMNS = {"heading", "boilerplate", "quoted"}


# --------------------------------------------------------------------------- worker side

#: processes whose pipeline is built (the pipeline itself is jinmyaku_nlp.api's per-process default)
_PIPELINE_PIDS: set[int] = set()
# One pipeline per process is shared by the worker's threads; MeCab taggers are not documented as
# thread-safe and the work is GIL-bound anyway, so threads of one worker take turns.
_PIPELINE_LOCK = threading.Lock()


def _ensure_pipeline() -> None:
    """Build this process's pipeline once. Keyed by pid: a forked child builds its own."""
    from jinmyaku_nlp.api import default_nlp

    pid = os.getpid()
    if pid in _PIPELINE_PIDS:
        return
    try:
        default_nlp()
    except Exception:  # a pipeline that cannot be built fails each item as its error record
        return  # (analyze_task retries the load per item and records why), exactly as a local run does
    _PIPELINE_PIDS.add(pid)


def pipeline_loaded() -> bool:
    """Whether this process has built its pipeline (run on workers with ``client.run``)."""
    return os.getpid() in _PIPELINE_PIDS


def _results(items: Iterable[Any], offset: int, encode: Encoder) -> list[Result]:
    """One :class:`~jinmyaku_nlp.batch.Result` per item of a partition starting at item ``offset``."""
    with _PIPELINE_LOCK:
        _ensure_pipeline()
        return [complete(offset + k, to_task(item, offset + k), encode) for k, item in enumerate(items)]


def _record_dict(record: Record) -> dict[str, Any]:
    return record.to_dict()


def _analyze_partition(items: Iterable[Any], offset: int) -> list[dict[str, Any]]:
    """§5 dicts for one partition whose first item is item number ``offset`` of the whole bag."""
    return [r.data for r in _results(items, offset, _record_dict)]


def _as_list(partition: Iterable[Any]) -> list[Any]:
    # a partition may be a lazy iterator: counting it must not consume what the analysis reads
    return partition if isinstance(partition, list) else list(partition)


def _offsets(sizes: Sequence[int]) -> list[int]:
    out, total = [], 0
    for n in sizes:
        out.append(total)
        total += n
    return out


# --------------------------------------------------------------------------- bags


def analyze_bag(bag: db.Bag) -> db.Bag:
    """A bag of SPEC §5 record dicts, one per item of ``bag``, in the same order.

    Items are what :func:`jinmyaku_nlp.analyze_many` takes: texts (``str``/``bytes``), ``Path``
    objects (read by the worker: the file must be visible there), ``(id, text)`` pairs or mappings
    with ``id``/``text``. A bare text gets the id ``doc{n}`` with ``n`` its position in the whole
    bag, as in a local run. An item that cannot be analysed becomes its error record.

    Lazy: partition sizes are counted as part of the graph, so nothing runs before ``compute``.
    """
    return _per_partition(bag, _analyze_partition)


def _per_partition(bag: db.Bag, func: Any, *args: Any) -> db.Bag:
    """``func(items, offset, *args)`` on every partition, ``offset`` being the global position of
    the partition's first item (counted inside the graph: lazy, deterministic keys)."""
    token = tokenize(bag.name, func, *args)
    parts = [
        delayed(_as_list, pure=True)(p, dask_key_name=f"jinmyaku-items-{token}-{i}")
        for i, p in enumerate(bag.to_delayed())
    ]
    sizes = [delayed(len, pure=True)(p, dask_key_name=f"jinmyaku-size-{token}-{i}") for i, p in enumerate(parts)]
    offsets = delayed(_offsets, pure=True)(sizes, dask_key_name=f"jinmyaku-offsets-{token}")
    out = [
        delayed(func, pure=True)(p, offsets[i], *args, dask_key_name=f"jinmyaku-{func.__name__}-{token}-{i}")
        for i, p in enumerate(parts)
    ]
    return db.from_delayed(out)


# --------------------------------------------------------------------------- DataFrames


def _column_dtype(column: str) -> str:
    """The pandas dtype of an exported column; nullable so error rows and empty parts agree."""
    if column in _INT_COLUMNS:
        return "Int64"
    if column in _FLOAT_COLUMNS:
        return "Float64"
    if column in _BOOL_COLUMNS or column.startswith("act_"):
        return "boolean"
    return "string"


def frame_meta(level: str) -> pd.DataFrame:
    """An empty DataFrame with the columns (``export.COLUMNS[level]``) and dtypes of ``level``."""
    _check_level(level)
    return pd.DataFrame({c: pd.Series(dtype=_column_dtype(c)) for c in COLUMNS[level]})


def _check_level(level: str) -> None:
    if level not in COLUMNS:
        raise InputError(f"level must be one of {[*COLUMNS, 'records']}, not {level!r}")


def _rows_frame(records: Iterable[Mapping[str, Any]], level: str) -> pd.DataFrame:
    rows = list(ROW_BUILDERS[level](records))
    frame = pd.DataFrame(rows, columns=list(COLUMNS[level]))
    return frame.astype({c: _column_dtype(c) for c in frame.columns})


def _frame_items(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of an ``id``/``text`` frame as ``analyze_many`` mappings (a missing text stays missing)."""
    items = []
    for ident, text in zip(frame["id"], frame["text"], strict=True):
        item: dict[str, Any] = {}
        if not _is_missing(ident):
            item["id"] = ident.item() if hasattr(ident, "item") else ident  # numpy scalar -> int/str
        if not _is_missing(text):
            item["text"] = text
        items.append(item)
    return items


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def records_from_dataframe(ddf: dd.DataFrame) -> db.Bag:
    """A bag of §5 record dicts for a Dask DataFrame with columns ``id`` and ``text``."""
    missing = {"id", "text"} - set(ddf.columns)
    if missing:
        raise InputError(f"the DataFrame needs columns 'id' and 'text'; missing: {sorted(missing)}")
    token = tokenize(ddf)
    items = [
        delayed(_frame_items, pure=True)(p, dask_key_name=f"jinmyaku-rows-{token}-{i}")
        for i, p in enumerate(ddf[["id", "text"]].to_delayed())
    ]
    return analyze_bag(db.from_delayed(items))


def analyze_dataframe(ddf: dd.DataFrame, level: str = "sentences") -> dd.DataFrame | db.Bag:
    """Analyse a Dask DataFrame with columns ``id`` and ``text``.

    ``level`` is a table of :mod:`jinmyaku_nlp.export` — ``sentences``, ``patterns``, ``claims``,
    ``articles`` or ``key_terms`` — and the result is a Dask DataFrame with ``export.COLUMNS[level]``;
    or ``"records"`` for the bag of §5 record dicts. Tables of the same input share their analysis
    when computed together (``dask.compute(sents, claims)`` analyses each article once).
    """
    records = records_from_dataframe(ddf)
    if level == "records":
        return records
    return records_to_frame(records, level)


def records_to_frame(records: db.Bag, level: str) -> dd.DataFrame:
    """The ``level`` table (see :func:`analyze_dataframe`) of a bag of record dicts."""
    _check_level(level)
    token = tokenize(records.name, level)
    parts = [
        delayed(_rows_frame, pure=True)(p, level, dask_key_name=f"jinmyaku-{level}-{token}-{i}")
        for i, p in enumerate(records.to_delayed())
    ]
    return dd.from_delayed(parts, meta=frame_meta(level), verify_meta=False)


# --------------------------------------------------------------------------- Parquet


def _write_table(frame: pd.DataFrame, folder: Path, index: int) -> None:
    """Write one partition file; a retry of the partition replaces it whole under the same name."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from jinmyaku_nlp.io import PARQUET_TABLES, arrow_schema

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"part-{index:06d}.parquet"
    # dot-prefixed, so Parquet readers skip it if a worker dies between write and rename
    tmp = folder / f".{target.name}.tmp-{os.getpid()}"
    # the CLI's column types, so tables written here and by `jinmyaku analyze` concatenate
    schema = arrow_schema(folder.name) if folder.name in PARQUET_TABLES else None
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), tmp)
    os.replace(tmp, target)


def _write_records(records: list[dict[str, Any]], root: str, index: int, levels: tuple[str, ...]) -> list[int]:
    """Write one partition's tables; returns [articles, errors]."""
    for level in levels:
        _write_table(_rows_frame(records, level), Path(root) / level, index)
    return [len(records), sum(1 for r in records if "error" in r)]


def _write_frame(frame: pd.DataFrame, folder: str, index: int) -> list[int]:
    _write_table(frame, Path(folder), index)
    return [len(frame)]


def _sum_counts(counts: Sequence[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*counts, strict=True)] if counts else []


def parquet_writes(
    data: db.Bag | dd.DataFrame,
    path: str | Path,
    *,
    levels: Sequence[str] = PARQUET_LEVELS,
    overwrite: bool = False,
) -> Delayed:
    """The lazy write of :func:`to_parquet`; computes to its counts as a list (see there)."""
    root = Path(path)
    if isinstance(data, dd.DataFrame):
        level = _table_level(data)
        if level is None:
            return parquet_writes(records_from_dataframe(data), root, levels=levels, overwrite=overwrite)
        _prepare_folders(root, (level,), overwrite)
        token = tokenize(data, str(root))
        writes = [
            delayed(_write_frame, pure=True)(p, str(root / level), i, dask_key_name=f"jinmyaku-pq-{token}-{i}")
            for i, p in enumerate(data.to_delayed())
        ]
    else:
        levels = tuple(levels)
        for level in levels:
            _check_level(level)
        _prepare_folders(root, levels, overwrite)
        token = tokenize(data.name, str(root), levels)
        writes = [
            delayed(_write_records, pure=True)(p, str(root), i, levels, dask_key_name=f"jinmyaku-pq-{token}-{i}")
            for i, p in enumerate(data.to_delayed())
        ]
    return delayed(_sum_counts, pure=True)(writes, dask_key_name=f"jinmyaku-pq-{token}")


def _table_level(ddf: dd.DataFrame) -> str | None:
    """The export level whose exact columns ``ddf`` has, or None for an ``id``/``text`` input frame."""
    columns = list(ddf.columns)
    return next((level for level, cols in COLUMNS.items() if list(cols) == columns), None)


def _prepare_folders(root: Path, levels: tuple[str, ...], overwrite: bool) -> None:
    # stale part files of an earlier, larger run would silently join the new tables
    for level in levels:
        folder = root / level
        stale = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        if stale and not overwrite:
            raise InputError(f"{folder} already holds Parquet files; remove it or pass overwrite=True")
        for f in stale:
            f.unlink()


def _remove_temporaries(root: Path) -> None:
    from jinmyaku_nlp.io import remove_temporaries

    for folder in root.iterdir() if root.is_dir() else ():
        remove_temporaries(folder)


def to_parquet(
    data: db.Bag | dd.DataFrame,
    path: str | Path,
    *,
    levels: Sequence[str] = PARQUET_LEVELS,
    overwrite: bool = False,
) -> dict[str, int]:
    """Write partitioned Parquet, one folder per table under ``path``, and return counts.

    ``data`` is a bag of record dicts (from :func:`analyze_bag`) or a Dask DataFrame with columns
    ``id``/``text`` (analysed here): each table of ``levels`` is written from one analysis of each
    partition, and the result is ``{"articles": n, "errors": k}``. Or ``data`` is one table from
    :func:`analyze_dataframe` (recognised by its columns): it goes to ``path/<level>/`` and the
    result is ``{level: rows}``. Files are ``part-00000.parquet``..., one per partition, written by
    the workers (``path`` must be reachable from every one) and replaced atomically, so a retried
    partition rewrites its own file. Existing Parquet files are an error unless ``overwrite=True``.
    """
    (counts,) = dask.compute(parquet_writes(data, path, levels=levels, overwrite=overwrite))
    _remove_temporaries(Path(path))
    return _count_names(data, counts)


def _count_names(data: db.Bag | dd.DataFrame, counts: list[int]) -> dict[str, int]:
    level = _table_level(data) if isinstance(data, dd.DataFrame) else None
    if level is not None:
        return {level: counts[0] if counts else 0}
    articles, errors = counts if counts else (0, 0)
    return {"articles": articles, "errors": errors}


# --------------------------------------------------------------------------- CLI job


def run_job(
    paths: Sequence[str],
    *,
    scheduler: str,
    out: str | None = None,
    fmt: str = "jsonl",
    resume: bool = False,
    n_workers: int = 2,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> Summary:
    """``jinmyaku analyze PATH... --dask SCHEDULER``: the local CLI job with the analysis on Dask.

    Inputs are read by :func:`jinmyaku_nlp.io.read_tasks` and output goes through the same
    :mod:`jinmyaku_nlp.io` sinks as a local run (``jsonl``, ``json``, ``parquet``, ``html``, and
    ``resume``), so the output has the bytes of a local ``--jobs 1`` run. Each sink's ``encode``
    (JSON text, Parquet rows, the HTML report file) runs on the workers; the client writes in
    input order as partitions finish. ``scheduler`` is an address (``tcp://host:8786``) or
    ``"local"`` for a LocalCluster of ``n_workers`` single-threaded processes, closed at the end.
    Files named in ``paths`` are read by the workers, and html reports are written by them: those
    paths must be valid on every worker. Raises :class:`InputError` for a usage error.
    """
    from jinmyaku_nlp import io

    io.check_paths(list(paths))
    if partition_size < 1:
        raise InputError(f"the partition size must be at least 1, not {partition_size}")
    if n_workers < 1:
        raise InputError(f"a local cluster needs at least 1 worker, not {n_workers}")
    sink = io.open_sink(fmt, out, resume)
    summary = Summary()
    started = time.perf_counter()
    finished = False
    try:
        tasks = []  # held on the client: paths for files, texts for .jsonl/.csv rows
        for task in io.read_tasks(list(paths)):
            if sink.is_done(task.id):
                summary.skipped += 1
            else:
                tasks.append(task)
        if tasks:
            with _connect(scheduler, n_workers) as client:
                bag = db.from_sequence(tasks, partition_size=partition_size)
                results = _per_partition(bag, _results, sink.encode)
                _write_in_order(client, results, sink, summary)
        finished = True
    finally:
        sink.close(finished)
        summary.seconds = time.perf_counter() - started
    return summary


def _write_in_order(client: Any, results: db.Bag, sink: Any, summary: Summary) -> None:
    """Write partitions in input order as they finish, releasing each one once written."""
    futures = client.compute(results.to_delayed())
    for future in futures:
        for result in future.result():
            sink.write(result.id, result.data)
            summary.articles += 1
            summary.errors += not result.ok
            summary.chars += result.chars
        future.release()


@contextmanager
def _connect(scheduler: str, n_workers: int) -> Iterator[Any]:
    """A distributed Client on ``scheduler``; for ``"local"`` a LocalCluster started and closed here."""
    from distributed import Client, LocalCluster

    if scheduler != "local":
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    # ":0": the scheduler always serves HTTP, and a fixed port clashes with any other cluster
    with (
        LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        yield client
