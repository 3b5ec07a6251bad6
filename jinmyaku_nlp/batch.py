"""Batch analysis: normalising items, one record per item, worker processes in input order."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from jinmyaku_nlp.errors import BatchRowError, InputError, error_type
from jinmyaku_nlp.record import Analysis, ErrorRecord


class Task:
    """One article to analyse: its id, its content (text, bytes or a path) and where it came from."""

    __slots__ = ("content", "error", "id", "source")

    def __init__(
        self, id: str, content: Any, source: str | None = None, error: ErrorRecord | None = None
    ) -> None:
        self.id = id
        self.content = content
        self.source = source
        self.error = error


def to_task(item: Any, n: int) -> Task:
    """Normalise one ``analyze_many`` item; malformed items become a Task carrying an error."""
    default_id = f"doc{n}"
    if isinstance(item, Task):
        return item
    if isinstance(item, str | bytes):
        return Task(default_id, item)
    if isinstance(item, Path):
        return Task(item.stem, item, str(item))
    if isinstance(item, tuple) and len(item) == 2:
        ident, text = item
        return _checked(str(ident) if ident is not None else default_id, text, None)
    if isinstance(item, Mapping):
        ident = item.get("id", default_id)
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            ident = default_id
        if "text" not in item:
            return Task(
                str(ident),
                None,
                item.get("source"),
                _error(str(ident), BatchRowError("the item has no 'text' field")),
            )
        return _checked(str(ident), item["text"], item.get("source"))
    return Task(
        default_id,
        None,
        None,
        _error(
            default_id,
            InputError(
                f"an item must be str, bytes, Path, (id, text) or a mapping, not {type(item).__name__}"
            ),
        ),
    )


def _checked(ident: str, text: Any, source: str | None) -> Task:
    if not isinstance(text, str | bytes):
        return Task(
            ident,
            None,
            source,
            _error(ident, BatchRowError(f"'text' must be a string, not {type(text).__name__}")),
        )
    return Task(ident, text, source)


def _error(ident: str, exc: BaseException, source: str | None = None) -> ErrorRecord:
    return ErrorRecord(ident, error_type(exc), str(exc) or type(exc).__name__, source)


def analyze_task(task: Task) -> Analysis | ErrorRecord:
    """Analyse one task in this process; any failure becomes the task's error record."""
    from jinmyaku_nlp.api import analyze

    if task.error is not None:
        return task.error
    try:
        return analyze(task.content, id=task.id, source=task.source)
    except RecursionError as exc:
        return _error(task.id, exc, task.source)
    except Exception as exc:  # one bad article must not stop the batch: it becomes its record
        return _error(task.id, exc, task.source)


def _worker_init() -> None:
    from jinmyaku_nlp.api import default_nlp

    default_nlp()


def run_many(
    items: Iterable[Any],
    *,
    n_process: int = 1,
    batch_size: int = 16,
    timeout: float | None = None,
) -> Iterator[Analysis | ErrorRecord]:
    tasks = (to_task(item, n) for n, item in enumerate(items))
    if n_process <= 1:
        for task in tasks:
            yield analyze_task(task)
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(n_process, initializer=_worker_init) as pool:
        yield from pool.imap(analyze_task, tasks, chunksize=max(1, batch_size))
