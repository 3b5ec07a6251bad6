"""Batch analysis: one record per item, in input order, in this process or in worker processes.

The worker pool is our own (not ``multiprocessing.Pool``) because it must know which article a
worker was on when it died or overran ``timeout``: each worker gets small batches of tasks over
its own pipe and answers article by article, so

- a worker that dies (``os._exit``, SIGKILL, a native crash) costs the article at the head of
  its queue a ``worker_crashed`` record; its other articles go back to the queue and the worker
  is replaced;
- an article that runs longer than ``timeout`` gets a ``timeout`` record; its worker is killed
  and replaced;
- at most ``window`` items are read ahead of the oldest unfinished one, so memory stays flat
  however long the input; results are reordered to input order before they are yielded;
- a worker that has been sent ``max_tasks_per_worker`` articles gets no more; once it has answered
  them all it is told to exit and a fresh worker takes its place, so whatever a long-lived process
  accumulates (allocator fragmentation, caches) cannot grow its RSS without bound.

Every article runs through :func:`analyze_task`, whichever path it takes, so a record made by a
worker is byte-identical to the one made in-process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from jinmyaku_nlp.errors import (
    AnalysisTimeout,
    BatchRowError,
    InputError,
    JinmyakuError,
    WorkerCrashed,
    error_type,
)
from jinmyaku_nlp.record import Analysis, ErrorRecord

Record = Analysis | ErrorRecord
#: turns a record into what the consumer needs, in the process that made it (must pickle)
Encoder = Callable[[Record], Any]
#: a worker that dies this many times in a row before it is ready means the pipeline cannot load
_MAX_START_FAILURES = 3
#: articles a worker analyses before it is recycled: the pipeline load (~1-2 s) is amortised over
#: minutes of work, and the worker's memory is returned to the system long before it can matter
MAX_TASKS_PER_WORKER = 2000


class Task:
    """One article to analyse: its id, its content (text, bytes or a path) and where it came from."""

    __slots__ = ("content", "error", "id", "source")

    def __init__(self, id: str, content: Any, source: str | None = None, error: ErrorRecord | None = None) -> None:
        self.id = id
        self.content = content
        self.source = source
        self.error = error

    def __reduce__(self) -> tuple[Any, ...]:
        return (Task, (self.id, self.content, self.source, self.error))


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
                _error(str(ident), BatchRowError("the item has no 'text' field"), item.get("source")),
            )
        return _checked(str(ident), item["text"], item.get("source"))
    return Task(
        default_id,
        None,
        None,
        _error(
            default_id,
            InputError(f"an item must be str, bytes, Path, (id, text) or a mapping, not {type(item).__name__}"),
        ),
    )


def _checked(ident: str, text: Any, source: str | None) -> Task:
    if not isinstance(text, str | bytes):
        return Task(
            ident,
            None,
            source,
            _error(ident, BatchRowError(f"'text' must be a string, not {type(text).__name__}"), source),
        )
    return Task(ident, text, source)


def _error(ident: str, exc: BaseException, source: str | None = None) -> ErrorRecord:
    return ErrorRecord(ident, error_type(exc), str(exc) or type(exc).__name__, source)


def load_pipeline() -> None:
    """Import spaCy and build the default pipeline now, with the cyclic garbage collector paused.

    The import and the build make ~85k objects that all live as long as the process; the ~240
    collections they would trigger only walk them (about 0.1 s of CPU, 10-15 % of a process's
    start-up). Called where a process is about to analyse: a worker, and the first task in-process.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        from jinmyaku_nlp.api import default_nlp

        default_nlp()
    finally:
        if enabled:
            gc.enable()


def analyze_task(task: Task) -> Record:
    """Analyse one task in this process; any failure becomes the task's error record."""
    from jinmyaku_nlp.api import analyze

    if task.error is not None:
        return task.error
    try:
        return analyze(task.content, id=task.id, source=task.source)
    except RecursionError as exc:
        return _error(task.id, exc, task.source)
    except MemoryError as exc:
        return _error(task.id, exc, task.source)
    except Exception as exc:  # one bad article must not stop the batch: it becomes its record
        return _error(task.id, exc, task.source)


#: makes the record of one task (default :func:`analyze_task`)
Analyzer = Callable[[Task], Record]


def task_chars(task: Task, record: Record) -> int:
    """Characters analysed for throughput figures (0 for an error record)."""
    return len(record.text) if isinstance(record, Analysis) else 0


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class Result:
    """One finished article: its position in the input, id, whether it was analysed, the number of
    characters analysed and the encoder's output."""

    seq: int
    id: str
    ok: bool
    chars: int
    data: Any


def keep_record(record: Record) -> Record:
    """The default encoder: the record itself."""
    return record


def _finish(seq: int, task: Task, record: Record, encode: Encoder) -> Result:
    return Result(seq, task.id, isinstance(record, Analysis), task_chars(task, record), encode(record))


def complete(seq: int, task: Task, encode: Encoder, analyze: Analyzer = analyze_task) -> Result:
    """Analyse and encode one task; an encoder failure (a report that cannot be written...)
    becomes the task's error record too."""
    record = analyze(task)
    try:
        return _finish(seq, task, record, encode)
    except Exception as exc:
        return _finish(seq, task, _error(task.id, exc, task.source), encode)


# --------------------------------------------------------------------------- running


def run_tasks(
    tasks: Iterable[Task],
    *,
    encode: Encoder = keep_record,
    jobs: int = 1,
    batch_size: int = 16,
    timeout: float | None = None,
    window: int | None = None,
    analyze: Analyzer = analyze_task,
    max_tasks_per_worker: int = MAX_TASKS_PER_WORKER,
) -> Iterator[Result]:
    """Analyse ``tasks`` and yield one :class:`Result` per task, in input order.

    ``jobs == 1`` without ``timeout`` runs in this process; otherwise ``jobs`` worker processes
    (a timeout needs a process to kill, so ``timeout`` with ``jobs=1`` uses one worker).
    ``encode`` runs where the record is made (a worker), so heavy formatting is parallel too.
    ``analyze`` (default :func:`analyze_task`) makes a task's record; with workers it must be a
    picklable module-level function. Each worker is replaced by a fresh one after
    ``max_tasks_per_worker`` articles (0: never).
    """
    if jobs < 1:
        raise InputError(f"jobs must be at least 1, not {jobs}")
    if timeout is not None and timeout <= 0:
        raise InputError(f"timeout must be a positive number of seconds, not {timeout}")
    if max_tasks_per_worker < 0:
        raise InputError(f"max_tasks_per_worker must be 0 (never recycle) or more, not {max_tasks_per_worker}")
    if jobs == 1 and timeout is None:
        for seq, task in enumerate(tasks):
            if seq == 0 and analyze is analyze_task:
                with contextlib.suppress(Exception):  # a pipeline that cannot load fails each task as before
                    load_pipeline()
            yield complete(seq, task, encode, analyze)
        return
    pool = _Pool(jobs, encode, max(1, batch_size), timeout, analyze, max_tasks_per_worker)
    try:
        yield from pool.run(tasks, window or max(64, jobs * max(1, batch_size) * 4))
    finally:
        pool.close()


def run_many(
    items: Iterable[Any],
    *,
    n_process: int = 1,
    batch_size: int = 16,
    timeout: float | None = None,
) -> Iterator[Record]:
    """``analyze_many``: records in input order (see :func:`run_tasks`)."""
    tasks = (to_task(item, n) for n, item in enumerate(items))
    for result in run_tasks(tasks, jobs=n_process, batch_size=batch_size, timeout=timeout):
        yield result.data


# --------------------------------------------------------------------------- the worker side


def _worker_main(conn: Connection, encode: Encoder, analyze: Analyzer) -> None:
    """A worker: load the pipeline once, then answer each task of each batch, in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    load_pipeline()
    # The pipeline, its vocabulary and the modules live as long as this process: freezing them
    # keeps every later full collection from walking them again (this process is ours alone).
    gc.freeze()
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    # A reader thread drains the pipe at all times: the parent may be sending the next batch
    # while this process sends a large result, and neither side may block the other.
    threading.Thread(target=_drain, args=(conn, inbox), daemon=True).start()
    conn.send(("ready", os.getpid()))
    while True:
        batch = inbox.get()
        if batch is None:
            break
        for seq, task in batch:
            conn.send(complete(seq, task, encode, analyze))
    # Everything this process made has been sent: skip the interpreter's teardown of spaCy, its
    # modules and the pipeline (50-80 ms, which the parent's close() waits for at the end of a run).
    conn.close()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed or None: nothing left to lose
            stream.flush()
    os._exit(0)


def _drain(conn: Connection, inbox: queue.SimpleQueue[Any]) -> None:
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            msg = None
        inbox.put(msg)
        if msg is None:
            return


# --------------------------------------------------------------------------- the parent side


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    #: (seq, task) sent and not answered yet, in the order the worker runs them
    queue: deque[tuple[int, Task]] = field(default_factory=deque)
    ready: bool = False
    #: when the task at the head of ``queue`` started (None: not started or not ready)
    head_since: float | None = None
    #: tasks sent to this worker over its life (for recycling)
    sent: int = 0


class _Pool:
    def __init__(
        self,
        jobs: int,
        encode: Encoder,
        batch_size: int,
        timeout: float | None,
        analyze: Analyzer,
        max_tasks_per_worker: int = MAX_TASKS_PER_WORKER,
    ) -> None:
        self.analyze = analyze
        self.ctx = mp.get_context("spawn")  # fork would copy a half-built parent; spawn is clean
        self.encode = encode
        self.batch_size = batch_size
        self.timeout = timeout
        self.max_tasks = max_tasks_per_worker
        self.start_failures = 0
        #: recycled workers told to exit, reaped without blocking (they are no longer in ``workers``,
        #: so their exit is never mistaken for a crash)
        self.retired: list[Any] = []
        self.workers = [self._spawn() for _ in range(jobs)]

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child_conn, self.encode, self.analyze), daemon=True)
        proc.start()
        child_conn.close()
        return _Worker(proc, parent_conn)

    def run(self, tasks: Iterable[Task], window: int) -> Iterator[Result]:
        source = iter(tasks)
        exhausted = False
        pending: deque[tuple[int, Task]] = deque()  # read, not yet sent to a worker
        done: dict[int, Result] = {}
        next_seq = 0  # next sequence number to read
        next_out = 0  # next sequence number to yield
        while True:
            while not exhausted and next_seq - next_out < window:
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                pending.append((next_seq, task))
                next_seq += 1
            if pending or not exhausted:  # a replacement with nothing left to do would only delay close()
                self._recycle()
            self._dispatch(pending, exhausted)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if exhausted and next_out == next_seq:
                return
            self._collect(pending, done)

    def _quota(self, w: _Worker) -> int:
        """How many more tasks ``w`` may be sent before it is recycled."""
        return self.max_tasks - w.sent if self.max_tasks else self.batch_size

    def _dispatch(self, pending: deque[tuple[int, Task]], tail: bool = False) -> None:
        # Two batches per worker keep it busy while the parent handles the answers of the first.
        # Once the whole input is read (``tail``), the last articles go one at a time to whichever
        # worker is down to one article, so the workers finish together: with up to two batches
        # queued, one worker used to go on alone for ~0.1-0.2 s while the other sat idle.
        depth, most = (2, 1) if tail else (2 * self.batch_size, self.batch_size)
        for w in self.workers:
            while pending and len(w.queue) < depth and self._quota(w) > 0:
                size = min(most, len(pending), self._quota(w))
                batch = [pending.popleft() for _ in range(size)]
                w.queue.extend(batch)
                w.sent += size
                w.conn.send(batch)
                if w.ready and w.head_since is None:
                    w.head_since = time.monotonic()

    def _recycle(self) -> None:
        """Replace each worker that has used its quota and answered everything it was sent.

        Only an idle worker is retired, so no task is in flight or queued in its inbox: nothing
        goes back to ``pending`` and no record is made. The replacement loads its pipeline while
        the other workers go on.
        """
        self.retired = [p for p in self.retired if p.is_alive()]  # reap those that have exited
        for i, w in enumerate(self.workers):
            if self.max_tasks and w.sent >= self.max_tasks and not w.queue:
                with contextlib.suppress(OSError, ValueError):
                    w.conn.send(None)  # the worker's loop returns and the process exits
                with contextlib.suppress(OSError):
                    w.conn.close()
                self.retired.append(w.proc)
                self.workers[i] = self._spawn()

    def _collect(self, pending: deque[tuple[int, Task]], done: dict[int, Result]) -> None:
        """Wait for answers, deaths or the next deadline; handle whatever happened."""
        busy = [w for w in self.workers if w.queue or not w.ready]
        waitables: list[Any] = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
        for ready in wait(waitables, timeout=self._next_deadline()):
            worker = self._owner(ready)
            if worker is None:
                continue
            if ready is worker.conn:
                self._receive(worker, pending, done, drain=False)
            elif not worker.proc.is_alive():
                self._receive(worker, pending, done)  # answers sent before dying still count
                self._replace(worker, pending, done, WorkerCrashed, self._crash_message(worker))
        self._enforce_timeout(pending, done)

    def _owner(self, waitable: Any) -> _Worker | None:
        for w in self.workers:
            if waitable is w.conn or waitable == w.proc.sentinel:
                return w
        return None

    def _receive(
        self, w: _Worker, pending: deque[tuple[int, Task]], done: dict[int, Result], drain: bool = True
    ) -> None:
        """Take what ``w`` has sent: everything (``drain``), or the one message ``wait`` saw ready
        (each ``poll`` builds a selector; the next ``wait`` finds any message still queued)."""
        with contextlib.suppress(EOFError, OSError):
            while not drain or w.conn.poll():
                msg = w.conn.recv()
                now = time.monotonic()
                if isinstance(msg, tuple) and msg and msg[0] == "ready":
                    w.ready = True
                    self.start_failures = 0
                else:
                    seq, _ = w.queue.popleft()
                    done[seq] = msg
                w.head_since = now if w.queue else None
                if not drain:
                    return

    def _next_deadline(self) -> float | None:
        if self.timeout is None:
            return None
        starts = [w.head_since for w in self.workers if w.head_since is not None]
        if not starts:
            return None
        return max(0.0, min(starts) + self.timeout - time.monotonic()) + 0.01

    def _enforce_timeout(self, pending: deque[tuple[int, Task]], done: dict[int, Result]) -> None:
        if self.timeout is None:
            return
        now = time.monotonic()
        for w in list(self.workers):
            if w.head_since is not None and now - w.head_since > self.timeout:
                self._receive(w, pending, done)  # it may have just finished
                if w.head_since is None or time.monotonic() - w.head_since <= self.timeout:
                    continue
                message = f"the article took longer than {self.timeout:g} s (--timeout); its worker was stopped"
                self._replace(w, pending, done, AnalysisTimeout, message)

    def _crash_message(self, w: _Worker) -> str:
        code = w.proc.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return f"the worker process died while analysing this article ({how}); the rest of the batch went on"

    def _replace(
        self,
        w: _Worker,
        pending: deque[tuple[int, Task]],
        done: dict[int, Result],
        kind: type[JinmyakuError],
        message: str,
    ) -> None:
        """Kill ``w`` if needed, give its head task an error record, requeue the rest, respawn."""
        _stop(w)
        if not w.ready:  # it died before loading the pipeline: no article is to blame
            self.start_failures += 1
            if self.start_failures >= _MAX_START_FAILURES:
                raise JinmyakuError(
                    "the worker processes die before they are ready (the pipeline fails to load in "
                    "a fresh process); run with --jobs 1 to see the error"
                )
        elif w.queue:
            seq, task = w.queue.popleft()
            done[seq] = _finish(seq, task, _error(task.id, kind(message), task.source), self.encode)
        pending.extendleft(reversed(w.queue))
        w.queue.clear()
        self.workers[self.workers.index(w)] = self._spawn()

    def close(self) -> None:
        for w in self.workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        deadline = time.monotonic() + 2.0
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            _stop(w)
        for proc in self.retired:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        self.retired.clear()


def _stop(w: _Worker) -> None:
    if w.proc.is_alive():
        w.proc.kill()
    w.proc.join(5)
    with contextlib.suppress(OSError):
        w.conn.close()


# --------------------------------------------------------------------------- the CLI job


@dataclass(slots=True)
class Summary:
    """What :func:`run_job` did in this run."""

    articles: int = 0  # records written by this run
    errors: int = 0  # of which error records
    skipped: int = 0  # already done by an earlier run (--resume)
    chars: int = 0  # characters analysed
    seconds: float = 0.0

    def line(self) -> str:
        """The one-line summary the CLI prints on stderr."""
        rate = self.chars / self.seconds if self.seconds > 0 else 0.0
        resumed = f", {self.skipped} already done" if self.skipped else ""
        return (
            f"jinmyaku: {self.articles} articles, {self.errors} errors{resumed}; "
            f"{self.chars:,} chars in {self.seconds:.1f} s ({rate:,.0f} chars/s)"
        )


def run_job(
    paths: list[str],
    *,
    out: str | None,
    fmt: str = "jsonl",
    jobs: int = 1,
    resume: bool = False,
    timeout: float | None = None,
    quiet: bool = False,
    batch_size: int = 16,
    progress: bool | None = None,
    max_tasks_per_worker: int = MAX_TASKS_PER_WORKER,
) -> Summary:
    """``jinmyaku analyze``: read ``paths``, analyse, stream the records to ``out`` in ``fmt``.

    Raises :class:`~jinmyaku_nlp.errors.InputError` (a usage error) before any work for a missing
    path or an output that does not fit the format. ``progress`` (default: stderr is a TTY and
    not ``quiet``) shows a tqdm bar on stderr. On KeyboardInterrupt what is finished is kept, so
    ``resume=True`` completes the run. Workers are recycled after ``max_tasks_per_worker``
    articles (0: never) so their memory stays flat however long the run.
    """
    from jinmyaku_nlp import io

    io.check_paths(paths)
    if batch_size < 1:
        raise InputError(f"--batch-size must be at least 1, not {batch_size}")
    sink = io.open_sink(fmt, out, resume)
    summary = Summary()
    show = progress if progress is not None else (not quiet and _stderr_is_tty())
    bar = _progress_bar(io.count_articles(paths) if show else None, show)
    started = time.perf_counter()

    def todo() -> Iterator[Task]:
        for task in io.read_tasks(paths):
            if sink.is_done(task.id):
                summary.skipped += 1
                bar.update(1)
                continue
            yield task

    finished = False
    try:
        results = run_tasks(
            todo(),
            encode=sink.encode,
            jobs=jobs,
            batch_size=batch_size,
            timeout=timeout,
            max_tasks_per_worker=max_tasks_per_worker,
        )
        for result in results:
            sink.write(result.id, result.data)
            summary.articles += 1
            summary.errors += not result.ok
            summary.chars += result.chars
            bar.update(1)
            if show:
                bar.set_postfix_str(f"{summary.chars / max(1e-9, time.perf_counter() - started):,.0f} chars/s")
        finished = True
    finally:
        sink.close(finished)
        bar.close()
        summary.seconds = time.perf_counter() - started
    return summary


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


class _NoBar:
    """What ``tqdm(disable=True)`` does, without importing tqdm (~50 ms, before the workers start)."""

    def update(self, n: int = 1) -> None:
        return None

    def set_postfix_str(self, s: str) -> None:
        return None

    def close(self) -> None:
        return None


def _progress_bar(total: int | None, show: bool) -> Any:
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit=" articles", dynamic_ncols=True)
