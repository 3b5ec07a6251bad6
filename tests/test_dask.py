"""The Dask path (SPEC §8) on a LocalCluster of two worker processes: same records as a local run,
pipeline once per worker, exploded DataFrames, Parquet, the CLI job, and a worker lost mid-run."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

# ImportError too: dask.dataframe without its own dependencies fails with a plain ImportError
_NO_EXTRA = "the optional extra is not installed: pip install 'jinmyaku-nlp[dask]'"
pytest.importorskip("dask.dataframe", reason=_NO_EXTRA, exc_type=ImportError)
distributed = pytest.importorskip("distributed", reason=_NO_EXTRA, exc_type=ImportError)

import dask  # noqa: E402
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

import jinmyaku_nlp  # noqa: E402
import jinmyaku_nlp.dask  # noqa: E402
from jinmyaku_nlp.dask import (  # noqa: E402
    analyze_bag,
    analyze_dataframe,
    pipeline_loaded,
    run_job,
    to_parquet,
)
from jinmyaku_nlp.errors import InputError  # noqa: E402

TIMEOUT = 180  # seconds for one cluster computation: a hang fails the test instead of the suite

TEXTS = [
    "人脈は大切だとよく言われます。でも、それは違います。",
    "なぜ続かないのでしょうか？答えは簡単です。目標が大きすぎるのです。",
    "確かに努力は大切です。しかし、それだけでは足りません。",
    "つまり。行動するしかないのです。",
    "今日からやめておきましょう。",
    "成功者は誰でも朝が早いです。",
    "「良質な人脈」とは、与え合える関係のことです。",
    "いかがでしたか？最後にまとめます。",
    "お金ではなく時間を大切にしてください。",
    "だから、まず小さく始めることが大事なのです。",
]


def _items() -> list[Any]:
    """20 items of every accepted shape, one of them bad (a mapping without text)."""
    items: list[Any] = list(TEXTS[:6])  # bare texts: ids doc0..doc5 by global position
    items += [(f"pair{k}", t) for k, t in enumerate(TEXTS[6:])]
    items += [{"id": f"map{k}", "text": t} for k, t in enumerate(TEXTS[:5])]
    items.append({"id": "no-text"})  # the bad item: an error record, not an exception
    items.append({"id": 17, "text": TEXTS[5]})  # int id
    items.append("日本語の文章です。".encode())  # bytes: decoded as in a local run
    items.append(TEXTS[7])  # a bare text late in the bag: doc18
    items.append({"text": TEXTS[8]})  # a mapping without id: doc19
    return items


def _local_json(items: list[Any]) -> list[str]:
    return [r.to_json() for r in jinmyaku_nlp.analyze_many(items)]


def _dumps(records: list[dict[str, Any]]) -> list[str]:
    return [jinmyaku_nlp.record.dumps(r) for r in records]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as c:
        yield c


def _compute(client: Any, collection: Any) -> Any:
    client.wait_for_workers(2, timeout=TIMEOUT)
    return client.compute(collection).result(timeout=TIMEOUT)


def test_bag_records_equal_local_run(client: Any) -> None:
    items = _items()
    got = _compute(client, analyze_bag(db.from_sequence(items, npartitions=4)))
    assert _dumps(got) == _local_json(items)
    assert [r["id"] for r in got][:6] == [f"doc{k}" for k in range(6)]
    assert got[18]["id"] == "doc18" and got[19]["id"] == "doc19"
    bad = [r for r in got if "error" in r]
    assert [(r["id"], r["error"]["type"]) for r in bad] == [("no-text", "bad_row")]


def test_tables_computed_together_share_the_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    bag = db.from_sequence(_items(), npartitions=3)
    assert analyze_bag(bag).name == analyze_bag(bag).name  # deterministic keys
    calls: list[int] = []
    original = jinmyaku_nlp.dask._analyze_partition

    def counting(items: list[Any], offset: int) -> list[dict[str, Any]]:
        calls.append(offset)
        return original(items, offset)

    monkeypatch.setattr(jinmyaku_nlp.dask, "_analyze_partition", counting)
    ddf = dd.from_pandas(pd.DataFrame({"id": ["x", "y", "z"], "text": TEXTS[:3]}), npartitions=3)
    tables = analyze_dataframe(ddf, "sentences"), analyze_dataframe(ddf, "claims")
    dask.compute(*tables, scheduler="sync")
    assert sorted(calls) == [0, 1, 2]  # one analysis per partition for both tables


def _pipeline_id() -> int | None:
    """Identity of this process's pipeline object (run on the workers)."""
    import jinmyaku_nlp.api

    return None if jinmyaku_nlp.api._DEFAULT_NLP is None else id(jinmyaku_nlp.api._DEFAULT_NLP)


def test_pipeline_built_once_per_worker_process(client: Any) -> None:
    items = [f"{t}{k}回目です。" for k in range(4) for t in TEXTS]
    _compute(client, analyze_bag(db.from_sequence(items, npartitions=8)))
    first = client.run(_pipeline_id)
    assert client.run(pipeline_loaded) == {w: p is not None for w, p in first.items()}
    assert any(first.values())
    _compute(client, analyze_bag(db.from_sequence(items[::-1], npartitions=8)))
    second = client.run(_pipeline_id)
    # the object that served the first run serves the second: built once, never rebuilt or shipped
    assert all(second[w] == p for w, p in first.items() if p is not None)


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with missing values as None and numbers as Python numbers, for dtype-free comparison."""
    return json.loads(frame.reset_index(drop=True).astype(object).to_json(orient="records", force_ascii=False))


def test_dataframe_levels_equal_local_export(client: Any) -> None:
    ids = [f"a{k}" for k in range(len(TEXTS))] + ["missing-text", None]
    texts = [*TEXTS, None, TEXTS[0]]
    ddf = dd.from_pandas(pd.DataFrame({"id": ids, "text": texts}), npartitions=3)
    items = [{k: v for k, v in (("id", i), ("text", t)) if v is not None} for i, t in zip(ids, texts, strict=True)]
    local = list(jinmyaku_nlp.analyze_many(items))
    records = _compute(client, analyze_dataframe(ddf, level="records"))
    assert _dumps(records) == [r.to_json() for r in local]
    assert records[-1]["id"] == "doc11"  # a missing id takes the global position, as locally
    for level in ("sentences", "patterns", "claims"):
        got = _compute(client, analyze_dataframe(ddf, level=level))
        assert len(got) > 0, level
        assert _plain(got) == _plain(jinmyaku_nlp.to_dataframe(local, level=level)), level
    with pytest.raises(InputError, match="level must be one of"):
        analyze_dataframe(ddf, level="words")
    with pytest.raises(InputError, match="columns 'id' and 'text'"):
        analyze_dataframe(ddf.rename(columns={"text": "body"}))


def test_to_parquet_one_folder_per_table(client: Any, tmp_path: Path) -> None:
    items = _items()
    records = analyze_bag(db.from_sequence(items, npartitions=3))
    counts = to_parquet(records, tmp_path / "out")
    assert counts == {"articles": 20, "errors": 1}
    local = list(jinmyaku_nlp.analyze_many(items))
    for level in ("sentences", "patterns", "claims", "articles"):
        files = sorted(p.name for p in (tmp_path / "out" / level).iterdir())
        assert files == ["part-000000.parquet", "part-000001.parquet", "part-000002.parquet"], level
        got = pd.read_parquet(tmp_path / "out" / level)
        assert _plain(got) == _plain(jinmyaku_nlp.to_dataframe(local, level=level)), level
    with pytest.raises(InputError, match="overwrite=True"):
        to_parquet(records, tmp_path / "out")
    sentences = analyze_dataframe(dd.from_pandas(pd.DataFrame({"id": ["s"], "text": [TEXTS[0]]}), npartitions=1))
    assert to_parquet(sentences, tmp_path / "one") == {"sentences": 2}
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["sentences"]


def _write_inputs(folder: Path) -> list[str]:
    (folder / "articles" / "sub").mkdir(parents=True)
    for k, text in enumerate(TEXTS[:4]):
        (folder / "articles" / ("sub" if k % 2 else "") / f"a{k}.txt").write_text(text, encoding="utf-8")
    (folder / "articles" / "notes.md").write_text("not an article", encoding="utf-8")
    rows = [json.dumps({"id": "j0", "text": TEXTS[4]}, ensure_ascii=False), "{broken", json.dumps({"text": TEXTS[5]})]
    (folder / "rows.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "rows.csv").write_text(f"id,text\nc0,{TEXTS[6]}\nc1,{TEXTS[7]}\n", encoding="utf-8")
    return [str(folder / "articles"), str(folder / "rows.jsonl"), str(folder / "rows.csv")]


def _local_job(paths: list[str], out: Path, fmt: str) -> Any:
    from jinmyaku_nlp.batch import run_job as run_local_job

    return run_local_job(paths, out=str(out), fmt=fmt, jobs=1, quiet=True)


def test_run_job_output_equals_local_jobs_1(client: Any, tmp_path: Path) -> None:
    paths = _write_inputs(tmp_path / "in")
    address = client.scheduler.address
    local = _local_job(paths, tmp_path / "local.jsonl", "jsonl")
    summary = run_job(paths, scheduler=address, out=str(tmp_path / "dask.jsonl"), partition_size=3)
    assert (summary.articles, summary.errors, summary.chars) == (local.articles, local.errors, local.chars)
    assert (summary.articles, summary.errors) == (9, 1)  # the broken JSONL line
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()

    _local_job(paths, tmp_path / "local-json", "json")
    run_job(paths, scheduler=address, out=str(tmp_path / "dask-json"), fmt="json", partition_size=2)
    local_files = {p.name: p.read_bytes() for p in (tmp_path / "local-json").iterdir()}
    assert {p.name: p.read_bytes() for p in (tmp_path / "dask-json").iterdir()} == local_files

    _local_job(paths, tmp_path / "local-pq", "parquet")
    run_job(paths, scheduler=address, out=str(tmp_path / "dask-pq"), fmt="parquet", partition_size=4)
    for table in ("articles", "sentences", "patterns", "claims"):
        got, want = (pd.read_parquet(tmp_path / d / table) for d in ("dask-pq", "local-pq"))
        assert got.equals(want), table


def test_run_job_resumes(client: Any, tmp_path: Path) -> None:
    paths = _write_inputs(tmp_path / "in")
    _local_job(paths, tmp_path / "local.jsonl", "jsonl")
    full = (tmp_path / "local.jsonl").read_bytes()
    torn = b"".join(full.splitlines(keepends=True)[:4]) + full.splitlines(keepends=True)[4][:20]
    (tmp_path / "dask.jsonl").write_bytes(torn)  # a run killed in the middle of line 5
    summary = run_job(paths, scheduler=client.scheduler.address, out=str(tmp_path / "dask.jsonl"), resume=True)
    assert (summary.skipped, summary.articles) == (4, 5)
    assert (tmp_path / "dask.jsonl").read_bytes() == full


def test_run_job_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        run_job([str(tmp_path / "nowhere.txt")], scheduler="local")
    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    with pytest.raises(InputError, match="writes a folder"):
        run_job([str(tmp_path / "a.txt")], scheduler="local", fmt="parquet")


def test_run_job_starts_a_local_cluster(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_job([str(tmp_path / "a.txt")], scheduler="local", n_workers=1, out=str(out))
    assert (summary.articles, summary.errors) == (1, 0)
    assert out.read_text(encoding="utf-8").splitlines() == _local_json([tmp_path / "a.txt"])


class CrashOnce(Mapping[str, Any]):
    """An item whose first read on a worker kills that worker process (as an OOM kill would)."""

    def __init__(self, id: str, text: str, marker: str) -> None:
        self.data = {"id": id, "text": text}
        self.marker = marker
        self.client_pid = os.getpid()  # an attribute, not a module global: workers re-import this module

    def __getitem__(self, key: str) -> Any:
        if key == "text" and os.getpid() != self.client_pid:
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass  # the retry, on a fresh or the other worker: behave
            else:
                os._exit(1)
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __dask_tokenize__(self) -> tuple[str, ...]:
        return ("CrashOnce", self.data["id"], self.marker)


def test_lost_worker_neither_loses_nor_duplicates(client: Any, tmp_path: Path) -> None:
    # Distributed pickles CrashOnce by reference: the workers, spawned with this process's sys.path,
    # import this test module to unpickle it
    marker = tmp_path / "crashed"
    items: list[Any] = [f"{t}（{k}）" for k in range(2) for t in TEXTS]
    items[13] = CrashOnce("victim", TEXTS[3], str(marker))
    plain = [dict(i) if isinstance(i, CrashOnce) else i for i in items]
    client.wait_for_workers(2, timeout=TIMEOUT)
    before = set(client.run(os.getpid).values())
    records = analyze_bag(db.from_sequence(items, npartitions=5))
    got = _compute(client, records)
    assert marker.exists()  # the worker really died on the first attempt
    client.wait_for_workers(2, timeout=TIMEOUT)
    assert set(client.run(os.getpid).values()) != before  # and the nanny replaced it
    ids = [r["id"] for r in got]
    assert len(ids) == len(set(ids)) == len(items)
    assert _dumps(got) == _local_json(plain)

    marker.unlink()  # once more, while Parquet files are written: a retried partition rewrites its file
    counts = to_parquet(records, tmp_path / "pq")
    assert marker.exists()
    assert counts == {"articles": len(items), "errors": 0}
    ids = list(pd.read_parquet(tmp_path / "pq" / "articles")["id"])
    assert sorted(ids) == sorted(set(ids)) == sorted(r["id"] for r in got)
    assert not list((tmp_path / "pq").glob("*/.*.tmp-*"))
