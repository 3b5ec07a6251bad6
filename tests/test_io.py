"""Batch inputs: files, folders, JSONL, CSV, stdin; malformed rows; duplicate ids; safe writes."""

from __future__ import annotations

import io as stdio
from pathlib import Path

import pytest

from jinmyaku_nlp.batch import analyze_task
from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.io import (
    complete_jsonl_ids,
    count_articles,
    read_tasks,
    safe_name,
    write_atomic,
)


def _ids(tasks) -> list[str]:
    return [t.id for t in tasks]


def test_folder_is_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("ぜ", encoding="utf-8")
    (tmp_path / "a.html").write_text("<p>あ</p>", encoding="utf-8")
    (tmp_path / "c.htm").write_text("<p>し</p>", encoding="utf-8")
    (tmp_path / "notes.md").write_text("no", encoding="utf-8")
    (tmp_path / "0.txt").write_text("ぜろ", encoding="utf-8")
    tasks = list(read_tasks([str(tmp_path)]))
    assert _ids(tasks) == ["0", "a", "c", "z"]
    assert isinstance(tasks[0].content, Path)  # the worker reads the file, not the parent
    assert count_articles([str(tmp_path)]) == 4


def test_jsonl_rows_and_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "\xe3\x81\x82"}\n'
        b"\n"
        b"{not json\n"
        b'{"id": "b"}\n'
        b'{"id": "c", "text": ["x"]}\n'
        b'"just a string"\n'
        b'{"id": "d", "text": "\x82\xa0"}\n'  # CP932 bytes in a UTF-8 file
        b'{"text": "no id"}\n'
    )
    tasks = list(read_tasks([str(path)]))
    assert _ids(tasks) == ["a", "in:3", "b", "c", "in:6", "in:7", "in:8"]
    records = [analyze_task(t) for t in tasks]
    assert [r.ok for r in records] == [True, False, False, False, False, False, True]
    messages = [r.message for r in records if not r.ok]
    assert "not JSON" in messages[0] and "no 'text'" in messages[1] and "must be a string" in messages[2]
    assert "not an object" in messages[3] and "not UTF-8" in messages[4]
    assert count_articles([str(path)]) == 7


def test_csv_rows_big_fields_and_broken_quote(tmp_path: Path) -> None:
    big = "長" * 300_000  # beyond the csv module's default field limit
    path = tmp_path / "in.csv"
    path.write_text(f'id,text\nx,"改行\nを含む"\ny,{big}\nz,"abc"def\nw,ok\n', encoding="utf-8")
    tasks = list(read_tasks([str(path)]))
    assert _ids(tasks) == ["x", "y", "in:3", "w"]
    assert tasks[0].content == "改行\nを含む" and tasks[1].content == big
    assert tasks[2].error is not None and "quotes" in tasks[2].error.message
    assert count_articles([str(path)]) is None  # a field may span lines: no cheap total


def test_csv_without_text_column_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,body\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns id and text"):
        list(read_tasks([str(path)]))


def test_duplicate_ids_become_error_records_with_unique_ids(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "same.txt").write_text("一。", encoding="utf-8")
    (tmp_path / "y" / "same.txt").write_text("二。", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text('{"id": "same", "text": "三。"}\n{"id": "same#2", "text": "四。"}\n', encoding="utf-8")
    tasks = list(read_tasks([str(tmp_path / "x"), str(tmp_path / "y"), str(jsonl)]))
    assert _ids(tasks) == ["same", "same#2", "same#3", "same#2#2"]
    assert tasks[0].error is None
    assert all(t.error is not None and t.error.type == "duplicate_id" for t in tasks[1:])


def test_stdin_jsonl_or_one_raw_article() -> None:
    jsonl = stdio.BytesIO(b'\n{"id": "s1", "text": "\xe3\x81\x84"}\n{"id": "s2", "text": "u"}\n')
    assert _ids(read_tasks(["-"], stdin=jsonl)) == ["s1", "s2"]
    raw = stdio.BytesIO("\n一行目。\n{二行目}\n".encode("cp932"))
    (task,) = list(read_tasks(["-"], stdin=raw))
    assert task.id == "stdin" and isinstance(task.content, bytes)
    record = analyze_task(task)
    assert record.ok and record.text == "\n一行目。\n{二行目}\n"


def test_torn_last_jsonl_line_is_cut(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id":"a","x":1}\n{"id":"b","error":{}}\n{"id":"c","te')
    assert complete_jsonl_ids(out) == {"a", "b"}
    assert out.read_bytes().endswith(b"{}}\n")


def test_atomic_write_and_safe_names(tmp_path: Path) -> None:
    write_atomic(tmp_path / "f.json", "一")
    assert (tmp_path / "f.json").read_text(encoding="utf-8") == "一"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
    assert safe_name("a/b:c") == "a_b_c" and safe_name("..") == "_.." and safe_name("") == "_"
