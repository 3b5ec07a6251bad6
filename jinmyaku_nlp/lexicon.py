"""Cue lexicons and rule tables: package data files (JSONL), validated on load.

Each non-blank, non-``#`` line of a table is one JSON object. Unknown keys, unknown labels and
invalid regular expressions are rejected with the file and line, so a user's own cue file fails
loudly instead of silently matching nothing. Nothing is loaded with pickle or eval.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinmyaku_nlp.errors import LexiconError

#: closing punctuation set aside before "end" cues are searched
TRAIL = re.compile(r"[\s。．.！!？?…‥・〜ー～♪☆★ｗw」』）)》】〉\]]+$")
#: opening brackets and space set aside before "start" cues are searched
LEAD = re.compile(r"^[\s「『（(《【〈\[]+")
#: where a cue must sit in the sentence (after the sentence's trailing punctuation is set aside)
WHERES = ("start", "end", "any")


@dataclass(frozen=True, slots=True)
class CueRule:
    """One cue: a regular expression over sentence text, the label it supports, its rule id."""

    rule: str
    label: str
    regex: re.Pattern[str]
    where: str = "any"
    unless: re.Pattern[str] | None = None
    weight: float = 1.0
    note: str = ""


_RULE_KEYS = {"rule", "label", "regex", "where", "unless", "weight", "note"}


def _compile(value: Any, key: str, path: str, line: int) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise LexiconError(f"'{key}' must be a non-empty string", path=path, line=line)
    try:
        return re.compile(value)
    except re.error as exc:
        raise LexiconError(f"'{key}' is not a valid regular expression: {exc}", path=path, line=line) from exc


def parse_rules(lines: Iterable[str], *, path: str, labels: Iterable[str]) -> list[CueRule]:
    """Parse a JSONL cue table; ``labels`` lists the labels this table may use."""
    allowed = set(labels)
    rules: list[CueRule] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"not valid JSON ({exc.msg})", path=path, line=lineno) from exc
        if not isinstance(obj, dict):
            raise LexiconError("each line must be a JSON object", path=path, line=lineno)
        unknown = set(obj) - _RULE_KEYS
        if unknown:
            raise LexiconError(
                f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}", path=path, line=lineno
            )
        for key in ("rule", "label", "regex"):
            if key not in obj:
                raise LexiconError(f"missing '{key}'", path=path, line=lineno)
        rule_id = obj["rule"]
        if not isinstance(rule_id, str) or not rule_id:
            raise LexiconError("'rule' must be a non-empty string", path=path, line=lineno)
        if rule_id in seen:
            raise LexiconError(f"duplicate rule id {rule_id!r}", path=path, line=lineno)
        seen.add(rule_id)
        if obj["label"] not in allowed:
            raise LexiconError(f"unknown label {obj['label']!r}; allowed: {sorted(allowed)}", path=path, line=lineno)
        where = obj.get("where", "any")
        if where not in WHERES:
            raise LexiconError(f"'where' must be one of {list(WHERES)}, not {where!r}", path=path, line=lineno)
        weight = obj.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise LexiconError("'weight' must be a number", path=path, line=lineno)
        rules.append(
            CueRule(
                rule=rule_id,
                label=obj["label"],
                regex=_compile(obj["regex"], "regex", path, lineno),
                where=where,
                unless=_compile(obj["unless"], "unless", path, lineno) if "unless" in obj else None,
                weight=float(weight),
                note=str(obj.get("note", "")),
            )
        )
    return rules


def load_rules(name: str, labels: Iterable[str], extra: Iterable[str | Path] = ()) -> list[CueRule]:
    """The package table ``data/<name>.jsonl`` followed by the user's own files ``extra``.

    A user rule with the id of a package rule replaces it.
    """
    rules = list(_package_rules(name, tuple(labels)))
    for p in extra:
        path = Path(p)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon file: {exc}", path=str(path)) from exc
        user = parse_rules(text.splitlines(), path=str(path), labels=labels)
        replaced = {r.rule for r in user}
        rules = [r for r in rules if r.rule not in replaced] + user
    return rules


@cache
def _package_rules(name: str, labels: tuple[str, ...]) -> tuple[CueRule, ...]:
    text = read_data(f"{name}.jsonl")
    return tuple(parse_rules(text.splitlines(), path=f"jinmyaku_nlp/data/{name}.jsonl", labels=labels))


def read_data(filename: str) -> str:
    """The text of a package data file."""
    return resources.files("jinmyaku_nlp").joinpath("data", filename).read_text(encoding="utf-8")


@cache
def load_wordlist(name: str) -> frozenset[str]:
    """A package word list ``data/<name>.txt``: one entry a line, ``#`` comments."""
    words = set()
    for raw in read_data(f"{name}.txt").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class SentenceText:
    """One sentence as every cue rule searches it, computed once per sentence.

    A stage that runs a whole rule table over a sentence prepares it once with
    :func:`prepare_sentence` and calls :func:`match_prepared` per rule, instead of letting
    :func:`match_rule` strip the trailing punctuation and leading brackets again for every rule.
    """

    text: str
    start: int
    #: ``text`` without its closing punctuation: what "end" rules search
    core: str
    #: length of the opening brackets and space: "start" rules search ``text[lead:]``
    lead: int
    #: ``text[lead:]``
    body: str


def prepare_sentence(text: str, start: int) -> SentenceText:
    """The search targets of a sentence ``text`` that begins at offset ``start``."""
    lead = LEAD.match(text)
    base = lead.end() if lead else 0
    return SentenceText(text, start, TRAIL.sub("", text), base, text[base:])


def match_prepared(rule: CueRule, sent: SentenceText) -> tuple[str, int, int] | None:
    """``(cue text, start, end)`` of ``rule`` in a prepared sentence (same result as :func:`match_rule`)."""
    if rule.where == "end":
        return _found(rule, sent.text, sent.start, 0, sent.core)
    if rule.where == "start":
        return _found(rule, sent.text, sent.start, sent.lead, sent.body)
    return _found(rule, sent.text, sent.start, 0, sent.text)


def match_rule(rule: CueRule, text: str, start: int) -> tuple[str, int, int] | None:
    """``(cue text, start, end)`` of ``rule`` in a sentence ``text`` that begins at offset ``start``."""
    if rule.where == "end":
        return _found(rule, text, start, 0, TRAIL.sub("", text))
    if rule.where == "start":
        lead = LEAD.match(text)
        base = lead.end() if lead else 0
        return _found(rule, text, start, base, text[base:])
    return _found(rule, text, start, 0, text)


def _found(rule: CueRule, text: str, start: int, base: int, target: str) -> tuple[str, int, int] | None:
    """The rule's first non-empty match in ``target`` (= ``text[base:]``, maybe shortened), unless vetoed."""
    m = rule.regex.search(target)
    if m is None or (rule.unless is not None and rule.unless.search(text)):
        return None
    s, e = m.span()
    if e == s:
        return None
    return text[base + s : base + e], start + base + s, start + base + e
