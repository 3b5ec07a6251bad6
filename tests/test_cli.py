"""The ``jinmyaku analyze`` command: formats, --jobs, --resume, exit codes, stdin."""

from __future__ import annotations

import io as stdio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jinmyaku_nlp.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, main

BODY = "確かに人脈は大切です。でも、それだけでは足りません。\nあなたはどう思いますか?\n自分を磨きましょう。"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for k in range(20):
        sub = root / f"g{k % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"art{k:02d}.txt").write_text(f"第{k}回。{BODY}{'なぜでしょうか?' * (k % 3)}", encoding="utf-8")
    return root


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jobs_two_writes_the_bytes_of_jobs_one(corpus: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["analyze", str(corpus), "-o", str(one), "--quiet"]) == EXIT_OK
    assert main(["analyze", str(corpus), "-o", str(two), "--jobs", "2", "--batch-size", "3", "--quiet"]) == EXIT_OK
    assert two.read_bytes() == one.read_bytes()
    ids = [r["id"] for r in _lines(one)]
    assert ids == [f"art{k:02d}" for g in range(3) for k in range(20) if k % 3 == g]  # g0, g1, g2


def test_resume_after_a_torn_last_line(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["analyze", str(corpus), "-o", str(out), "--quiet"]) == EXIT_OK
    full = out.read_bytes()
    lines = full.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:7]) + lines[7][:40])  # killed while writing line 8
    assert main(["analyze", str(corpus), "-o", str(out), "--resume", "--quiet"]) == EXIT_OK
    assert out.read_bytes() == full


def test_resume_after_sigkill_of_the_whole_cli(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    big = tmp_path / "in.jsonl"
    rows = [{"id": f"r{k:03d}", "text": f"{k}番目。{BODY * 3}"} for k in range(150)]
    big.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cmd = [sys.executable, "-m", "jinmyaku_nlp", "analyze", str(big), "-o", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 5):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = out.read_bytes().count(b"\n")
    assert 5 <= done_before < 150
    assert main(["analyze", str(big), "-o", str(out), "--resume", "--quiet"]) == EXIT_OK
    ids = [r["id"] for r in _lines(out)]
    assert ids == [r["id"] for r in rows]  # each exactly once, input order kept across the runs


def test_exit_codes_and_error_records(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": 1}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["analyze", str(good), "-o", str(out), "--quiet"]) == EXIT_OK
    assert main(["analyze", str(good), str(bad), "-o", str(out), "--quiet"]) == EXIT_SOME_FAILED
    records = _lines(out)
    assert [r["id"] for r in records] == ["good", "x"]
    assert records[1]["error"]["type"] == "bad_row" and records[1]["error"]["message"]
    assert main(["analyze", str(tmp_path / "missing.txt"), "--quiet"]) == EXIT_USAGE
    assert main(["analyze", str(good), "--format", "json"]) == EXIT_USAGE  # a folder format needs -o
    assert main(["analyze", str(good), "--resume"]) == EXIT_USAGE  # resume needs an output file
    assert main(["analyze", str(good), "--jobs", "0"]) == EXIT_USAGE
    assert main(["analyze", "--bogus"]) == EXIT_USAGE


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    data = '{"id": "s1", "text": "はい。"}\n{"id": "s2", "text": "いいえ。"}\n'.encode()
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(data)))
    assert main(["analyze", "-"]) == EXIT_OK
    captured = capsysbinary.readouterr()
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == ["s1", "s2"]
    assert b"2 articles, 0 errors" in captured.err  # the summary line (stderr is not a TTY: no bar)


def test_json_folder_and_its_resume(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "json"
    assert main(["analyze", str(corpus), "--format", "json", "-o", str(out), "--quiet"]) == EXIT_OK
    files = sorted(out.glob("*.json"))
    assert len(files) == 20
    record = json.loads(files[0].read_text(encoding="utf-8"))
    assert record["id"] == "art00" and record["schema"] == "jinmyaku/1"
    files[0].unlink()
    stamp = files[1].stat().st_mtime_ns
    assert main(["analyze", str(corpus), "--format", "json", "-o", str(out), "--resume", "--quiet"]) == EXIT_OK
    assert files[0].exists() and files[1].stat().st_mtime_ns == stamp  # only the missing one redone


def test_parquet_tables_have_the_documented_columns(corpus: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from jinmyaku_nlp.export import COLUMNS

    out = tmp_path / "pq"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert main(["analyze", str(corpus), str(bad), "--format", "parquet", "-o", str(out), "--quiet"]) == 1
    for table in ("articles", "sentences", "patterns", "claims"):
        t = pq.read_table(out / table)
        assert t.column_names == list(COLUMNS[table])
    articles = pq.read_table(out / "articles").to_pylist()
    assert len(articles) == 21 and articles[-1]["error_type"] == "bad_row"
    n_sentences = pq.read_table(out / "sentences").num_rows
    # resume on a finished run adds nothing; an orphan part (killed before its ledger line) is dropped
    (out / "sentences" / "part-000099.parquet").write_bytes(b"torn")
    assert main(["analyze", str(corpus), str(bad), "--format", "parquet", "-o", str(out), "--resume", "--quiet"]) == 0
    assert pq.read_table(out / "sentences").num_rows == n_sentences
    assert pq.read_table(out / "articles").num_rows == 21


def test_parquet_empty_batch_still_typed(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "e", "text": null}\n', encoding="utf-8")
    out = tmp_path / "pq"
    assert main(["analyze", str(bad), "--format", "parquet", "-o", str(out), "--quiet"]) == EXIT_SOME_FAILED
    t = pq.read_table(out / "claims")
    assert t.num_rows == 0 and str(t.schema.field("rank").type) == "int64"


def test_html_reports_and_index(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    assert main(["analyze", str(corpus), "--format", "html", "-o", str(out), "--quiet"]) == EXIT_OK
    assert len(list(out.glob("art*.html"))) == 20
    assert (out / "index.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_report_from_jsonl_records(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "out.jsonl"
    assert main(["analyze", str(corpus), "-o", str(records), "--quiet"]) == EXIT_OK
    capsys.readouterr()
    assert main(["report", str(records), "-o", str(tmp_path / "report")]) == EXIT_OK
    printed = capsys.readouterr().out
    assert printed.startswith("20 articles (0 errors)")
    assert "patterns: question_answer" in printed
    assert len(list((tmp_path / "report").glob("art*.html"))) == 20
    assert (tmp_path / "report" / "index.html").is_file()


def test_report_rejects_a_broken_record_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "bad.jsonl"
    records.write_text('{"id": "a", "error": {"type": "x", "message": "y"}}\n{"torn": \n', encoding="utf-8")
    assert main(["report", str(records), "-o", str(tmp_path / "r")]) == EXIT_USAGE
    assert f"{records}:2: not a JSON record" in capsys.readouterr().err


def test_dask_option_needs_no_timeout(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["analyze", str(corpus), "--dask", "local", "--timeout", "5", "-o", str(tmp_path / "o.jsonl")])
    assert code == EXIT_USAGE
    assert "--timeout is not available with --dask" in capsys.readouterr().err


def test_recycled_workers_write_the_bytes_of_jobs_one(corpus: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["analyze", str(corpus), "-o", str(one), "--quiet"]) == EXIT_OK
    args = ["analyze", str(corpus), "-o", str(two), "--quiet", "--jobs", "2", "--batch-size", "2"]
    assert main([*args, "--max-tasks-per-worker", "4"]) == EXIT_OK
    assert two.read_bytes() == one.read_bytes()
    assert main([*args, "--max-tasks-per-worker", "-1"]) == EXIT_USAGE
