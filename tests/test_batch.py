"""Batch analysis: input order, worker processes, crashes, timeouts, long documents.

Worker pools cost ~1-2 s each to start (spawn + pipeline load), so each pool here checks several
things at once.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest

import jinmyaku_nlp
from jinmyaku_nlp.batch import Record, Task, analyze_task, run_tasks, to_task
from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.record import Analysis, ErrorRecord

CRASH = "【CRASH-MARKER】"
SLOW = "【SLOW-MARKER】"

ARTICLES = [
    (
        f"a{k:02d}",
        f"第{k}回です。確かに人脈は大切です。でも、それだけでは足りません。\n"
        f"あなたはどう思いますか?\nつまり。\n自分を磨くことが先なんです。{'まずは始めましょう。' * (k % 4)}",
    )
    for k in range(20)
]


def crashing_analyze(task: Task) -> Analysis | ErrorRecord:
    """An analyser for the fault tests (module level, so spawned workers can unpickle it)."""
    if isinstance(task.content, str) and CRASH in task.content:
        os._exit(3)  # a native crash: no exception, no cleanup
    if isinstance(task.content, str) and SLOW in task.content:
        time.sleep(60)
    return analyze_task(task)


def pid_and_json(record: Record) -> tuple[int, str]:
    """An encoder that tells which process made the record (module level, so workers can unpickle it)."""
    return os.getpid(), record.to_json()


def test_one_process_keeps_order_and_ids() -> None:
    records = list(jinmyaku_nlp.analyze_many(ARTICLES[:5]))
    assert [r.id for r in records] == [i for i, _ in ARTICLES[:5]]
    assert all(isinstance(r, Analysis) for r in records)


def test_two_processes_same_bytes_same_order() -> None:
    single = [r.to_json() for r in jinmyaku_nlp.analyze_many(ARTICLES)]
    double = [r.to_json() for r in jinmyaku_nlp.analyze_many(ARTICLES, n_process=2, batch_size=3)]
    assert double == single


def test_recycled_workers_lose_repeat_or_reorder_nothing() -> None:
    single = [r.to_json() for r in jinmyaku_nlp.analyze_many(ARTICLES)]
    tasks = (to_task(item, n) for n, item in enumerate(ARTICLES))
    results = list(run_tasks(tasks, encode=pid_and_json, jobs=2, batch_size=2, max_tasks_per_worker=5))
    assert [r.seq for r in results] == list(range(len(ARTICLES)))
    assert [r.id for r in results] == [i for i, _ in ARTICLES]
    assert [r.data[1] for r in results] == single  # no error record: a retired worker is no crash
    per_pid = Counter(r.data[0] for r in results)
    assert os.getpid() not in per_pid
    assert max(per_pid.values()) <= 5
    assert len(per_pid) >= -(-len(ARTICLES) // 5)  # 20 articles at 5 per worker: at least 4 workers


def test_max_tasks_per_worker_must_not_be_negative() -> None:
    with pytest.raises(InputError, match="max_tasks_per_worker"):
        next(run_tasks([Task("a", "はい。")], jobs=2, max_tasks_per_worker=-1))


def test_bad_items_become_error_records_in_place() -> None:
    items = ["今日は晴れです。", {"id": "m"}, ("t", 5), 3.5, {"id": "ok", "text": "はい。"}]
    records = list(jinmyaku_nlp.analyze_many(items))
    assert [r.ok for r in records] == [True, False, False, False, True]
    assert [r.id for r in records] == ["doc0", "m", "t", "doc3", "ok"]
    assert {r.type for r in records if isinstance(r, ErrorRecord)} == {"bad_row", "input_error"}


def test_crashed_worker_and_timeout_cost_one_record_each() -> None:
    items = list(ARTICLES[:8])
    items[2] = ("crash", f"これは{CRASH}です。")
    items[5] = ("slow", f"これは{SLOW}です。")
    tasks = (to_task(item, n) for n, item in enumerate(items))
    # a tiny recycling quota too: retired workers must not be mistaken for crashed ones
    results = list(
        run_tasks(tasks, jobs=2, batch_size=2, timeout=5.0, analyze=crashing_analyze, max_tasks_per_worker=3)
    )
    assert [r.id for r in results] == [i for i, _ in items]
    by_id = {r.id: r.data for r in results}
    assert isinstance(by_id["crash"], ErrorRecord) and by_id["crash"].type == "worker_crashed"
    assert "exit code 3" in by_id["crash"].message
    assert isinstance(by_id["slow"], ErrorRecord) and by_id["slow"].type == "timeout"
    rest = [r for r in results if r.id not in ("crash", "slow")]
    assert all(r.ok for r in rest) and len(rest) == 6
    # the surviving articles are the records a single process makes
    single = {r.id: r.to_json() for r in jinmyaku_nlp.analyze_many([i for i in items if i[0] in by_id])}
    assert all(r.data.to_json() == single[r.id] for r in rest)


def test_window_bounds_read_ahead() -> None:
    pulled = []

    def source():
        for k in range(200):
            pulled.append(k)
            yield Task(f"d{k}", "短い。")

    it = run_tasks(source(), jobs=1)
    next(it)
    assert len(pulled) == 1  # the in-process path reads one item at a time


@pytest.mark.slow  # ~5-15 s: the cost is the per-sentence stages, hence long sentences here
def test_long_document_offsets_index_the_full_text() -> None:
    clause = "人脈を広げることは大切だと多くの人が考えていますが、"
    unit = f"確かに{clause * 12}それだけでは足りません。\nあなたはどう思いますか?\n"
    text = unit * (1_600_000 // len(unit) + 1)
    assert len(text) > 1_600_000
    a = jinmyaku_nlp.analyze(text, id="long")
    assert a.text == text
    assert a.sentences[-1].end == len(text.rstrip("\n"))
    for s in a.sentences[:: max(1, len(a.sentences) // 500)] + a.sentences[-3:]:
        assert text[s.start : s.end] == s.text
    assert all(text[c.start : c.end] == c.text for c in a.claims)


@pytest.mark.parametrize("text", ["", "   \n\t", "\x00\x00", "a\ud800b"])
def test_awkward_texts_yield_one_record(text: str) -> None:
    (record,) = list(jinmyaku_nlp.analyze_many([("x", text)]))
    assert record.id == "x"
    if isinstance(record, Analysis):
        assert record.text == text
    else:
        assert record.message
