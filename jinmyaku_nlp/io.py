"""Batch inputs and outputs: reading ``jinmyaku analyze PATH...`` as a stream of tasks, and writing
files so that a crash never leaves a corrupt one.

Reading (:func:`read_tasks`), in argument order, one task per article, lazily (nothing is
materialised, so a million-row JSONL costs no more memory than ten rows):

- a ``.txt``/``.html``/``.htm`` (or any other) file: one article, id = file name without
  extension; the worker reads and decodes the bytes (SPEC §2), so the parent never holds texts;
- a folder: its ``.txt``/``.html``/``.htm`` files, recursively, in a deterministic order (each
  folder's files sorted by name, then its sub-folders sorted by name);
- ``.jsonl``: one article per line, fields ``id`` and ``text``;
- ``.csv``: a header row with columns ``id`` and ``text`` (``csv`` module; fields of any size);
- ``-``: standard input. If its first non-blank character is ``{`` it is JSONL, otherwise the
  whole of standard input is ONE article (raw text or HTML in any supported encoding) with
  id ``stdin``.

A row without an ``id`` gets ``<file stem>:<line>`` (JSONL) or ``<file stem>:<row>`` (CSV). A
malformed row (not JSON, not an object, ``text`` missing or not a string, a broken CSV quote, a
line that is not UTF-8) becomes a task that carries its error record; the batch goes on.

Duplicate ids: the first article keeps its id; every later article with the same id yields an
error record of type ``duplicate_id`` whose id is ``<id>#<k>`` (its k-th occurrence), so ids in
the output stay unique (one ``<id>.json`` file each, and ``--resume`` can key on them).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from jinmyaku_nlp.batch import Task, to_task
from jinmyaku_nlp.errors import BatchRowError, InputError, error_type
from jinmyaku_nlp.record import ErrorRecord

#: file suffixes a folder contributes
FOLDER_SUFFIXES = (".txt", ".html", ".htm")
STDIN = "-"
STDIN_ID = "stdin"
#: error type of a later article whose id was already used
DUPLICATE_ID = "duplicate_id"
_CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


# --------------------------------------------------------------------------- reading


def check_paths(paths: Sequence[str]) -> None:
    """Fail before any work when an argument is neither ``-``, a file nor a folder (usage error)."""
    if not paths:
        raise InputError("give at least one PATH (a file, a folder, a .jsonl, a .csv or - for stdin)")
    if sum(1 for p in paths if p == STDIN) > 1:
        raise InputError("standard input (-) can be given only once")
    for p in paths:
        if p != STDIN and not os.path.exists(p):
            raise InputError(f"{p}: no such file or folder")


def read_tasks(paths: Sequence[str], *, stdin: IO[bytes] | None = None) -> Iterator[Task]:
    """One :class:`~jinmyaku_nlp.batch.Task` per input article, in order, ids made unique."""
    return unique_ids(_raw_tasks(paths, stdin))


def _raw_tasks(paths: Sequence[str], stdin: IO[bytes] | None) -> Iterator[Task]:
    for raw in paths:
        if raw == STDIN:
            yield from _stdin_tasks(stdin if stdin is not None else sys.stdin.buffer)
            continue
        path = Path(raw)
        if path.is_dir():
            for file in walk_folder(path):
                yield Task(file.stem, file, str(file))
        else:
            yield from _file_tasks(path)


def _file_tasks(path: Path) -> Iterator[Task]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        with path.open("rb") as f:
            yield from jsonl_tasks(f, str(path), path.stem)
    elif suffix == ".csv":
        with path.open("rb") as f:
            yield from csv_tasks(f, str(path), path.stem)
    else:
        yield Task(path.stem, path, str(path))


def walk_folder(folder: Path) -> Iterator[Path]:
    """Article files under ``folder``: this folder's files by name, then each sub-folder in name
    order. Streams (one directory listing in memory at a time)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"cannot list the folder {folder}: {exc.strerror or exc}") from exc
    subdirs = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            subdirs.append(entry.path)
        elif entry.is_file() and os.path.splitext(entry.name)[1].lower() in FOLDER_SUFFIXES:
            yield Path(entry.path)
    for sub in subdirs:
        yield from walk_folder(Path(sub))


def _stdin_tasks(stream: IO[bytes]) -> Iterator[Task]:
    first = b""
    while True:  # peek past leading blank lines only, so a raw article is read whole below
        line = stream.readline()
        first += line
        if not line or line.strip():
            break
    if first.lstrip().startswith((b"{", b"\xef\xbb\xbf{")):
        yield from jsonl_tasks(_chain_lines(first, stream), STDIN_ID, STDIN_ID)
    else:
        yield Task(STDIN_ID, first + stream.read(), STDIN_ID)


def _chain_lines(first: bytes, rest: IO[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def jsonl_tasks(lines: Iterable[bytes], source: str, stem: str) -> Iterator[Task]:
    """Tasks for JSONL lines (bytes: each line is decoded on its own, so one bad line costs one
    record). Blank lines are not articles."""
    for lineno, raw in enumerate(lines, 1):
        line = raw[3:] if lineno == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        fallback = f"{stem}:{lineno}"
        try:
            row = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield bad_row(fallback, where, f"line {lineno} is not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        except ValueError as exc:
            yield bad_row(fallback, where, f"line {lineno} is not JSON ({getattr(exc, 'msg', exc)})")
            continue
        if not isinstance(row, dict):
            yield bad_row(fallback, where, f"line {lineno} is a JSON {type(row).__name__}, not an object")
            continue
        yield _row_task(row, fallback, where)


def csv_tasks(stream: IO[bytes], source: str, stem: str) -> Iterator[Task]:
    """Tasks for a CSV with a header row naming ``id`` and ``text``."""
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    # Undecodable bytes survive as lone surrogates and turn their row into an error record.
    text_lines = (line.decode("utf-8", "surrogateescape") for line in stream)
    reader = csv.reader(_strip_bom(text_lines), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{source}: the CSV header row cannot be read ({exc})") from exc
    if "text" not in header:
        raise InputError(f"{source}: a CSV input needs a header row with columns id and text, got {header}")
    id_col = header.index("id") if "id" in header else None
    text_col = header.index("text")
    row_no = 0
    while True:
        row_no += 1
        where = f"{source}:row {row_no}"
        fallback = f"{stem}:{row_no}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield bad_row(fallback, where, f"row {row_no} is not valid CSV ({exc}); check its quotes")
            continue
        yield _csv_row_task(row, id_col, text_col, fallback, where)


def _csv_row_task(row: list[str], id_col: int | None, text_col: int, fallback: str, where: str) -> Task:
    if any(_has_surrogate(v) for v in row):
        return bad_row(fallback, where, "the row is not UTF-8; convert the file to UTF-8")
    ident = row[id_col] if id_col is not None and id_col < len(row) and row[id_col] else fallback
    if text_col >= len(row):
        return bad_row(ident, where, f"the row has {len(row)} fields, no 'text' column")
    return Task(ident, row[text_col], where)


def _row_task(row: dict[str, Any], fallback: str, where: str) -> Task:
    ident = row.get("id")
    if ident is None or ident == "":
        row = {**row, "id": fallback}
    elif not isinstance(ident, str | int) or isinstance(ident, bool):
        return bad_row(fallback, where, f"'id' must be a string or an integer, not {type(ident).__name__}")
    task = to_task({**row, "source": row.get("source", where)}, 0)
    return task


def bad_row(ident: str, where: str, message: str) -> Task:
    """A task carrying the error record of a malformed input row."""
    err = BatchRowError(f"{where}: {message}")
    return Task(ident, None, where, ErrorRecord(ident, error_type(err), str(err), where))


def unique_ids(tasks: Iterable[Task]) -> Iterator[Task]:
    """Apply the duplicate-id rule: later uses of an id become ``duplicate_id`` error records with
    id ``<id>#<k>``. Keeps every id seen (the one state that grows with the corpus)."""
    seen: dict[str, int] = {}
    for task in tasks:
        k = seen.get(task.id, 0) + 1
        seen[task.id] = k
        if k == 1:
            yield task
            continue
        new_id = f"{task.id}#{k}"
        while new_id in seen:  # an input already used this spelling: count on
            k += 1
            new_id = f"{task.id}#{k}"
        seen[new_id] = 1
        message = (
            f"the id {task.id!r} is already used by an earlier article; this one "
            f"({task.source or 'unnamed'}) was not analysed: give every article a unique id"
        )
        yield Task(new_id, None, task.source, ErrorRecord(new_id, DUPLICATE_ID, message, task.source))


def count_articles(paths: Sequence[str]) -> int | None:
    """The number of input articles when it is cheap to know (files, folders, JSONL lines), else
    ``None`` (stdin, CSV: a CSV field may span lines). Only for a progress total."""
    total = 0
    for raw in paths:
        if raw == STDIN:
            return None
        path = Path(raw)
        if path.is_dir():
            total += sum(1 for _ in walk_folder(path))
        elif path.suffix.lower() == ".csv":
            return None
        elif path.suffix.lower() == ".jsonl":
            total += _count_jsonl_rows(path)
        else:
            total += 1
    return total


def _count_jsonl_rows(path: Path) -> int:
    n = 0
    with path.open("rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def _strip_bom(lines: Iterator[str]) -> Iterator[str]:
    first = next(lines, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from lines


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --------------------------------------------------------------------------- writing


def safe_name(ident: str) -> str:
    """A file name stem for an article id: path separators and characters that no file system
    accepts become ``_``; a leading dot is kept visible (``_.x``)."""
    name = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in ident).strip()
    if not name or name.startswith("."):
        name = "_" + name
    return name[:200]


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``: readers (and a
    later ``--resume``) see the old file or the complete new one, never a torn one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_temporaries(folder: Path) -> None:
    """Delete ``.<name>.tmp-<pid>`` files a killed run left behind."""
    if not folder.is_dir():
        return
    for entry in os.scandir(folder):
        if entry.name.startswith(".") and ".tmp-" in entry.name and entry.is_file():
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def complete_jsonl_ids(path: Path) -> set[str]:
    """Ids of the complete records in a JSONL output, after cutting off a torn last line (a run
    killed mid-write): that article is then analysed again."""
    done: set[str] = set()
    if not path.exists():
        return done
    good_end = 0
    with path.open("rb") as f:
        for line in f:
            ident = _record_id(line)
            if ident is None:
                break  # a torn line can only be the last one: we flush whole lines
            done.add(ident)
            good_end += len(line)
    if good_end != path.stat().st_size:
        with path.open("r+b") as f:
            f.truncate(good_end)
    return done


def _record_id(line: bytes) -> str | None:
    if not line.endswith(b"\n"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return None
    return record["id"]


# --------------------------------------------------------------------------- output sinks
#
# A sink is split in two: ``encode`` runs in the process that made the record (a worker), so the
# heavy part of formatting (JSON text, Parquet rows, HTML reports) is parallel; ``write`` runs
# in the parent, in input order. Each sink knows which ids a previous run already finished.


def encode_json(record: Any) -> str:
    """A record as its one-line JSON text (the bytes of every format that stores JSON)."""
    return record.to_json()


def encode_json_line(record: Any) -> bytes:
    """A record as one line of a JSONL file: its JSON text in UTF-8 and a line break. Made where the
    record is (a worker), so the parent writes the bytes as they come instead of decoding them into
    a ``str`` to unpickle it and encoding it back for every article."""
    return encode_json(record).encode("utf-8") + b"\n"


class JsonlSink:
    """``--format jsonl``: one record per line to a file (flushed per record) or stdout.

    Resume: the complete lines of the file are done; a torn last line is cut off and redone.
    """

    encode = staticmethod(encode_json_line)

    def __init__(self, out: str | None, resume: bool) -> None:
        self.path = Path(out) if out else None
        self.done: set[str] = set()
        if self.path is None:
            if resume:
                raise InputError("--resume needs the output file: give it with -o OUT.jsonl")
            self.stream: IO[bytes] = sys.stdout.buffer
            return
        if self.path.is_dir():
            raise InputError(f"{self.path} is a folder; --format jsonl writes one file: give -o FILE.jsonl")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume:
            self.done = complete_jsonl_ids(self.path)
        self.stream = self.path.open("ab" if resume else "wb")

    def is_done(self, ident: str) -> bool:
        return ident in self.done

    def write(self, ident: str, data: bytes) -> None:
        self.stream.write(data)
        self.stream.flush()

    def close(self, complete: bool) -> None:
        if self.path is not None:
            self.stream.close()


class JsonDirSink:
    """``--format json``: ``OUT/<id>.json`` per article (error records too), written atomically.

    Resume: an existing ``<id>.json`` is done (it is complete: files only appear by rename).
    """

    encode = staticmethod(encode_json)

    def __init__(self, out: str, resume: bool) -> None:
        self.folder = Path(out)
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_temporaries(self.folder)
        self.done = {p.stem for p in self.folder.glob("*.json")} if resume else set()

    def is_done(self, ident: str) -> bool:
        return safe_name(ident) in self.done

    def write(self, ident: str, data: str) -> None:
        write_atomic(self.folder / f"{safe_name(ident)}.json", data + "\n")

    def close(self, complete: bool) -> None:
        return None


#: records of an html run (needed for index.html and for --resume)
HTML_RECORDS = "records.jsonl"
HTML_INDEX = "index.html"


def encode_html(folder: str, record: Any) -> bytes:
    """In the worker: write ``OUT/<id>.html`` atomically (analyses only), return the JSONL line."""
    from jinmyaku_nlp.record import Analysis
    from jinmyaku_nlp.report import report_filename, write_article

    if isinstance(record, Analysis):
        final = Path(folder) / report_filename(record.id)
        tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
        try:
            write_article(record, tmp)
            os.replace(tmp, final)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return encode_json_line(record)


class HtmlSink:
    """``--format html``: ``OUT/<id>.html`` per analysed article (written by the worker, atomically,
    before its record is logged), ``OUT/records.jsonl`` with every record (error records too), and
    ``OUT/index.html`` built from that log at the end.

    Resume: the records in ``records.jsonl`` are done (as for jsonl)."""

    def __init__(self, out: str, resume: bool) -> None:
        import functools

        self.folder = Path(out)
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_temporaries(self.folder)
        self.log = JsonlSink(str(self.folder / HTML_RECORDS), resume)
        self.encode = functools.partial(encode_html, str(self.folder))

    def is_done(self, ident: str) -> bool:
        return self.log.is_done(ident)

    def write(self, ident: str, data: bytes) -> None:
        self.log.write(ident, data)

    def close(self, complete: bool) -> None:
        from jinmyaku_nlp.report import write_corpus

        self.log.close(complete)
        index = self.folder / HTML_INDEX
        tmp = index.with_name(f".{index.name}.tmp-{os.getpid()}")
        try:
            write_corpus(read_records([self.folder / HTML_RECORDS]), tmp)
            os.replace(tmp, index)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


def read_records(paths: Sequence[Path]) -> Iterator[dict[str, Any]]:
    """Analysis/error records back from ``jinmyaku analyze`` output: .jsonl files (one record a
    line) or folders of ``<id>.json`` files. A line that is not a JSON object is an InputError
    naming the file and line (a torn last line of an interrupted run included: resume it first)."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.glob("*.json")):
                yield _parse_record(file.read_bytes(), file, None)
            continue
        try:
            f = path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        with f:
            for lineno, line in enumerate(f, 1):
                if line.strip():
                    yield _parse_record(line, path, lineno)


def _parse_record(data: bytes, path: Path, lineno: int | None) -> dict[str, Any]:
    where = f"{path}:{lineno}" if lineno is not None else str(path)
    try:
        record = json.loads(data)
    except ValueError as exc:
        raise InputError(f"{where}: not a JSON record ({exc})") from exc
    if not isinstance(record, dict) or "id" not in record:
        raise InputError(f"{where}: not an analysis or error record (a JSON object with an 'id')")
    return record


#: the Parquet tables of ``--format parquet`` (export.py row builders and columns)
PARQUET_TABLES = ("articles", "sentences", "patterns", "claims")
PARQUET_LEDGER = "_done.jsonl"
_INT_COLUMNS = {"i", "start", "end", "section", "sentence", "rank", "chars", "n_sentences", "n_patterns", "n_claims"}
_FLOAT_COLUMNS = {"score", "confidence"}
_BOOL_COLUMNS = {"heading", "boilerplate", "quoted"}


def arrow_schema(table: str) -> Any:
    """The explicit pyarrow schema of a table (so an empty part still has typed columns)."""
    import pyarrow as pa

    from jinmyaku_nlp.export import COLUMNS

    def kind(col: str) -> Any:
        if col in _INT_COLUMNS:
            return pa.int64()
        if col in _FLOAT_COLUMNS:
            return pa.float64()
        if col in _BOOL_COLUMNS or col.startswith("act_"):
            return pa.bool_()
        return pa.string()

    return pa.schema([(col, kind(col)) for col in COLUMNS[table]])


def encode_rows(record: Any) -> dict[str, list[dict[str, Any]]]:
    """In the worker: the record's rows for every Parquet table."""
    from jinmyaku_nlp.export import ROW_BUILDERS

    d = record.to_dict()
    return {table: list(ROW_BUILDERS[table]([d])) for table in PARQUET_TABLES}


class ParquetSink:
    """``--format parquet``: a Parquet dataset per table, ``OUT/<table>/part-<n>.parquet``
    (read one with ``pandas.read_parquet("OUT/sentences")`` or ``pyarrow.parquet.read_table``).

    Rows are buffered for ``part_articles`` articles, then each table's part file is written
    (temporary file + ``os.replace``) and one line ``{"part": n, "ids": [...]}`` is appended to
    ``OUT/_done.jsonl``. The ledger line is the commit: on ``--resume`` the ids it lists are done,
    and part files it does not list (a run killed between the two steps) are deleted, so no row
    is ever duplicated or lost. A killed run loses at most the articles of one unwritten part.
    """

    encode = staticmethod(encode_rows)

    def __init__(self, out: str, resume: bool, part_articles: int = 1000) -> None:
        self.folder = Path(out)
        self.part_articles = part_articles
        self.ledger_path = self.folder / PARQUET_LEDGER
        for table in PARQUET_TABLES:
            (self.folder / table).mkdir(parents=True, exist_ok=True)
            remove_temporaries(self.folder / table)
        self.done: set[str] = set()
        committed: set[int] = set()
        if resume:
            committed = self._read_ledger()
        else:
            self.ledger_path.unlink(missing_ok=True)
        self._remove_parts(keep=committed)
        self.next_part = max(committed, default=-1) + 1
        self.ledger = self.ledger_path.open("ab")
        self.ids: list[str] = []
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in PARQUET_TABLES}

    def _read_ledger(self) -> set[int]:
        parts: set[int] = set()
        if not self.ledger_path.exists():
            return parts
        good_end = 0
        with self.ledger_path.open("rb") as f:
            for line in f:
                try:
                    entry = json.loads(line) if line.endswith(b"\n") else None
                except ValueError:
                    entry = None
                if not isinstance(entry, dict):
                    break
                parts.add(int(entry["part"]))
                self.done.update(entry["ids"])
                good_end += len(line)
        with self.ledger_path.open("r+b") as f:
            f.truncate(good_end)
        return parts

    def _remove_parts(self, keep: set[int]) -> None:
        for table in PARQUET_TABLES:
            for part in (self.folder / table).glob("part-*.parquet"):
                number = part.stem.removeprefix("part-")
                if not number.isdigit() or int(number) not in keep:
                    part.unlink()

    def is_done(self, ident: str) -> bool:
        return ident in self.done

    def write(self, ident: str, data: dict[str, list[dict[str, Any]]]) -> None:
        self.ids.append(ident)
        for table, rows in data.items():
            self.rows[table].extend(rows)
        if len(self.ids) >= self.part_articles:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as part files, then commit them in the ledger."""
        if not self.ids:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        n = self.next_part
        for table in PARQUET_TABLES:
            schema = arrow_schema(table)
            final = self.folder / table / f"part-{n:06d}.parquet"
            tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
            with pq.ParquetWriter(tmp, schema) as writer:
                writer.write_table(pa.Table.from_pylist(self.rows[table], schema=schema))
            os.replace(tmp, final)
        self.ledger.write((json.dumps({"part": n, "ids": self.ids}, ensure_ascii=False) + "\n").encode("utf-8"))
        self.ledger.flush()
        os.fsync(self.ledger.fileno())
        self.next_part += 1
        self.ids = []
        self.rows = {t: [] for t in PARQUET_TABLES}

    def close(self, complete: bool) -> None:
        self.flush()  # what finished before an interruption is kept
        self.ledger.close()


Sink = JsonlSink | JsonDirSink | HtmlSink | ParquetSink


def open_sink(fmt: str, out: str | None, resume: bool) -> Sink:
    """The sink of an output format (``jsonl``, ``json``, ``parquet``, ``html``)."""
    if fmt == "jsonl":
        return JsonlSink(out, resume)
    if out is None:
        raise InputError(f"--format {fmt} writes a folder: give it with -o OUT")
    if Path(out).is_file():
        raise InputError(f"{out} is a file; --format {fmt} writes a folder")
    if fmt == "json":
        return JsonDirSink(out, resume)
    if fmt == "html":
        return HtmlSink(out, resume)
    if fmt == "parquet":
        return ParquetSink(out, resume)
    raise InputError(f"unknown format {fmt!r}; use jsonl, json, parquet or html")
