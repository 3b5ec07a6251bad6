"""The analysis record (SPEC §5): typed objects, and their one dict/JSON form.

Everything downstream (JSON, pandas, Parquet, HTML, evaluation) reads these objects or
their ``to_dict()`` form; components never format output themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "jinmyaku/1"

#: The fixed taxonomy (SPEC §3), in the order labels are emitted.
ACT_TYPES: tuple[str, ...] = (
    "question",
    "rhetorical_question",
    "call_to_action",
    "definition",
    "generalization",
    "summary",
)
PATTERN_TYPES: tuple[str, ...] = (
    "question_answer",
    "reversal",
    "concession",
    "restatement",
    "contrast",
    "reason",
)
PATTERN_ROLES: dict[str, tuple[str, ...]] = {
    "question_answer": ("question", "answer"),
    "reversal": ("setup", "reversal"),
    "concession": ("concession", "claim"),
    "restatement": ("restatement", "source"),
    "contrast": ("a", "b"),
    "reason": ("claim", "reason"),
}
SETUP_KINDS: tuple[str, ...] = ("belief", "question", "expectation")
CLAIM_KINDS: tuple[str, ...] = ("thesis", "definition", "prescription", "evaluation")
STANCES: tuple[str, ...] = ("endorsed", "rejected")


@dataclass(slots=True)
class Cue:
    """Evidence for one label: the cue text, its offsets in the original text, the rule id.

    ``label`` says which label the cue supports (an act, ``heading``, a pattern role...).
    """

    text: str
    start: int
    end: int
    rule: str
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end, "rule": self.rule}
        if self.label:
            d["label"] = self.label
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Cue:
        return cls(d["text"], d["start"], d["end"], d["rule"], d.get("label", ""))


@dataclass(slots=True)
class Sentence:
    i: int
    start: int
    end: int
    text: str
    heading: bool = False
    boilerplate: bool = False
    section: int = 0
    acts: list[str] = field(default_factory=list)
    features: dict[str, Any] = field(default_factory=dict)
    #: evidence for ``acts``, ``heading`` and ``boilerplate`` (one cue per label at least)
    cues: list[Cue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "i": self.i,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "heading": self.heading,
            "boilerplate": self.boilerplate,
            "section": self.section,
            "acts": list(self.acts),
            "features": dict(self.features),
            "cues": [c.to_dict() for c in self.cues],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Sentence:
        return cls(
            i=d["i"],
            start=d["start"],
            end=d["end"],
            text=d["text"],
            heading=d.get("heading", False),
            boilerplate=d.get("boilerplate", False),
            section=d.get("section", 0),
            acts=list(d.get("acts", [])),
            features=dict(d.get("features", {})),
            cues=[Cue.from_dict(c) for c in d.get("cues", [])],
        )


@dataclass(slots=True)
class Pattern:
    id: str
    type: str
    roles: dict[str, list[int]]
    attrs: dict[str, Any] = field(default_factory=dict)
    cues: list[Cue] = field(default_factory=list)
    confidence: float = 0.5
    rule: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "roles": {k: list(v) for k, v in self.roles.items()},
            "attrs": dict(self.attrs),
            "cues": [c.to_dict() for c in self.cues],
            "confidence": round(self.confidence, 3),
            "rule": self.rule,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Pattern:
        return cls(
            id=d["id"],
            type=d["type"],
            roles={k: list(v) for k, v in d["roles"].items()},
            attrs=dict(d.get("attrs", {})),
            cues=[Cue.from_dict(c) for c in d.get("cues", [])],
            confidence=d.get("confidence", 0.5),
            rule=d.get("rule", ""),
        )


@dataclass(slots=True)
class Claim:
    id: str
    rank: int
    score: float
    sentence: int
    start: int
    end: int
    text: str
    kind: str
    stance: str = "endorsed"
    topic: str = ""
    predicate: str = ""
    polarity: str = "positive"
    #: ids of the patterns that support this claim's rank, kind or stance
    evidence: list[str] = field(default_factory=list)
    #: the ranking features and their contributions (name -> points), so a rank is explained
    signals: dict[str, float] = field(default_factory=dict)
    cues: list[Cue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rank": self.rank,
            "score": round(self.score, 4),
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "stance": self.stance,
            "topic": self.topic,
            "predicate": self.predicate,
            "polarity": self.polarity,
            "evidence": list(self.evidence),
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "cues": [c.to_dict() for c in self.cues],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Claim:
        return cls(
            id=d["id"],
            rank=d["rank"],
            score=d["score"],
            sentence=d["sentence"],
            start=d["start"],
            end=d["end"],
            text=d["text"],
            kind=d["kind"],
            stance=d.get("stance", "endorsed"),
            topic=d.get("topic", ""),
            predicate=d.get("predicate", ""),
            polarity=d.get("polarity", "positive"),
            evidence=list(d.get("evidence", [])),
            signals=dict(d.get("signals", {})),
            cues=[Cue.from_dict(c) for c in d.get("cues", [])],
        )


@dataclass(slots=True)
class KeyTerm:
    term: str
    count: int
    score: float
    quoted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "count": self.count, "score": round(self.score, 4), "quoted": self.quoted}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> KeyTerm:
        return cls(d["term"], d["count"], d["score"], d.get("quoted", False))


@dataclass(slots=True)
class Section:
    title: str
    start_sentence: int
    end_sentence: int

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "start_sentence": self.start_sentence, "end_sentence": self.end_sentence}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Section:
        return cls(d["title"], d["start_sentence"], d["end_sentence"])


def dumps(obj: Any) -> str:
    """The one JSON encoding of records: UTF-8 text, no ASCII escaping, stable key order."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class Analysis:
    """One analysed article. ``to_dict()`` is the SPEC §5 record."""

    id: str
    text: str
    source: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    key_terms: list[KeyTerm] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    ok = True

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": SCHEMA,
            "id": self.id,
            "source": self.source,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "patterns": [p.to_dict() for p in self.patterns],
            "claims": [c.to_dict() for c in self.claims],
            "key_terms": [k.to_dict() for k in self.key_terms],
            "sections": [s.to_dict() for s in self.sections],
        }
        if self.meta:
            d["meta"] = dict(self.meta)
        return d

    def to_json(self) -> str:
        return dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Analysis:
        return cls(
            id=d["id"],
            text=d["text"],
            source=d.get("source"),
            sentences=[Sentence.from_dict(s) for s in d.get("sentences", [])],
            patterns=[Pattern.from_dict(p) for p in d.get("patterns", [])],
            claims=[Claim.from_dict(c) for c in d.get("claims", [])],
            key_terms=[KeyTerm.from_dict(k) for k in d.get("key_terms", [])],
            sections=[Section.from_dict(s) for s in d.get("sections", [])],
            meta=dict(d.get("meta", {})),
        )

    def _repr_html_(self) -> str:  # notebook display
        from jinmyaku_nlp.report import render_article

        return render_article(self, standalone=False)


@dataclass(slots=True)
class ErrorRecord:
    """The one record an article that could not be analysed yields (SPEC §7)."""

    id: str
    type: str
    message: str
    source: str | None = None

    ok = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "error": {"type": self.type, "message": self.message}}
        if self.source is not None:
            d["source"] = self.source
        return d

    def to_json(self) -> str:
        return dumps(self.to_dict())


Record = Analysis | ErrorRecord


def record_from_dict(d: Mapping[str, Any]) -> Record:
    """Rebuild an :class:`Analysis` or :class:`ErrorRecord` from its dict form."""
    if "error" in d:
        err = d["error"]
        return ErrorRecord(str(d.get("id", "")), err.get("type", "error"), err.get("message", ""), d.get("source"))
    return Analysis.from_dict(d)


def iter_dicts(records: Iterable[Record | Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """Dict forms of records given as objects or dicts."""
    for r in records:
        yield dict(r) if isinstance(r, Mapping) else r.to_dict()
