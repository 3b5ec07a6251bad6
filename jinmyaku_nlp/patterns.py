"""Multi-sentence rhetorical patterns with roles and cues (SPEC §3 "Rhetorical patterns").

Cue regexes live in ``data/patterns.jsonl`` and ``data/contrast_pairs.txt``; this module holds
the sequencing logic: which sentences play which role. It also decides whether a question is
answered (:func:`find_answer`): an assertive question left unanswered gets the
``rhetorical_question`` act here, an answered one becomes a ``question_answer`` pattern. Each detector is a small function
``detect_<type>(ctx) -> list[pattern dict]``; patterns are numbered in text order at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import LEAD, CueRule, load_rules, match_rule, read_data
from jinmyaku_nlp.pipeline import SPANS_ACTS, SPANS_PATTERNS, state
from jinmyaku_nlp.record import ACT_TYPES

CUE_LABELS = (
    "belief",
    "expectation",
    "overturn",
    "concession",
    "adversative",
    "restatement",
    "contrast_inline",
    "contrast_opener",
    "reason_opener",
    "reason_final",
    "consequence_opener",
)
#: how far (in sentences) a setup may sit before the sentence that overturns it
REVERSAL_WINDOW = 4
#: how many sentences after a question are searched for its answer (ANNOTATION.md: ~5)
ANSWER_WINDOW = 5
CONCESSION_WINDOW = 4


# --- questions and their answers -------------------------------------------------------------

_RHETORICAL_FORM = re.compile(
    r"(?:ないですか|ないでしょうか|じゃないですか|ではないか|ではないだろうか|だろうか|であろうか|ものか|ますか|"
    r"出来ますか|できますか|ありますか|いますか|ばかりですよ|ですよ)[?？]?$"
)
_OPEN_QUESTION = re.compile(
    r"(?:何|なに|なん|誰|だれ|どう|どこ|どれ|どの|どんな|いつ|なぜ|何故|どうして|いくら|どれくらい)"
)
_ANSWER_OPENERS = re.compile(r"^(?:そうです|そうなんです|はい|いいえ|いや|答えは|それは|正解は|実は|ズバリ)")


def find_answer(sents: Sequence[dict[str, Any]], q: int, window: int = ANSWER_WINDOW) -> list[int]:
    """Indices of the sentences that answer the question at ``q`` ([] if it goes unanswered).

    An answer is a following declarative sentence (not another question, heading or boilerplate)
    within ``window`` sentences: the first one that starts with an answer opener (そうです, 実は,
    答えは...), or for a wh-question the first declarative after any chain of questions.
    """
    qtext = sents[q]["text"]
    wh = bool(_OPEN_QUESTION.search(qtext))
    answers: list[int] = []
    k = q + 1
    end = min(len(sents), q + 1 + window)
    while k < end:
        s = sents[k]
        if s["heading"] or s["boilerplate"]:
            break
        if "question" in s["acts"]:
            if answers:
                break
            k += 1
            continue
        body = LEAD.sub("", s["text"])
        if _ANSWER_OPENERS.match(body) or (wh and s["features"].get("mood") == "declarative"):
            answers.append(k)
            if not _ANSWER_OPENERS.match(body) or len(body) > 12:
                break
        elif answers:
            break
        else:
            return []
        k += 1
    return answers


def mark_rhetorical(sents: list[dict[str, Any]]) -> None:
    """Add ``rhetorical_question`` to questions of assertive form that the author leaves unanswered."""
    for k, s in enumerate(sents):
        if "question" not in s["acts"] or "rhetorical_question" in s["acts"]:
            continue
        core = s["text"].rstrip()
        m = _RHETORICAL_FORM.search(core)
        if m is None or "call_to_action" in s["acts"] or "summary" in s["acts"]:
            continue
        if _OPEN_QUESTION.search(core):
            continue
        if find_answer(sents, k):
            continue
        s["acts"] = [a for a in ACT_TYPES if a in (*s["acts"], "rhetorical_question")]
        s["cues"].append(
            {
                "text": m.group(0),
                "start": s["start"] + m.start(),
                "end": s["start"] + m.end(),
                "rule": "acts.rhetorical.unanswered_assertive_question",
                "label": "rhetorical_question",
            }
        )


@dataclass
class Context:
    sents: list[dict[str, Any]]
    #: per sentence: cue label -> cue dict
    cues: list[dict[str, dict[str, Any]]]
    found: list[dict[str, Any]] = field(default_factory=list)

    def body(self, k: int) -> bool:
        s = self.sents[k]
        return not (s["heading"] or s["boilerplate"])

    def cue(self, k: int, label: str) -> dict[str, Any] | None:
        return self.cues[k].get(label)


def _pattern(
    ptype: str,
    roles: dict[str, list[int]],
    cues: Sequence[dict[str, Any] | None],
    rule: str,
    confidence: float,
    attrs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": "",
        "type": ptype,
        "roles": {k: sorted(set(v)) for k, v in roles.items()},
        "attrs": dict(attrs or {}),
        "cues": [dict(c) for c in cues if c is not None],
        "confidence": confidence,
        "rule": rule,
    }


def _whole(s: dict[str, Any], rule: str, label: str) -> dict[str, Any]:
    return {"text": s["text"], "start": s["start"], "end": s["end"], "rule": rule, "label": label}


def detect_question_answer(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for k, s in enumerate(ctx.sents):
        if "question" not in s["acts"] or "rhetorical_question" in s["acts"] or not ctx.body(k):
            continue
        if "call_to_action" in s["acts"] or "summary" in s["acts"]:
            continue
        answers = find_answer(ctx.sents, k)
        if answers:
            cue = next((c for c in s["cues"] if c.get("label") == "question"), None)
            out.append(
                _pattern(
                    "question_answer",
                    {"question": [k], "answer": answers},
                    [cue],
                    "patterns.question_answer.lookahead",
                    0.7,
                )
            )
    return out


def detect_reversal(ctx: Context) -> list[dict[str, Any]]:
    out = []
    used: set[int] = set()
    n = len(ctx.sents)
    for k in range(n):
        over = ctx.cue(k, "overturn")
        if over is None or not ctx.body(k) or k in used:
            continue
        # the reversal role: this sentence plus a directly following overturn sentence
        rev = [k]
        # look back for the setup
        setup: list[int] = []
        kind = ""
        setup_cue = None
        for j in range(k - 1, max(-1, k - 1 - REVERSAL_WINDOW), -1):
            if not ctx.body(j):
                break
            if ctx.cue(j, "concession"):
                break  # granted, not overturned: a concession
            b = ctx.cue(j, "belief")
            if b is not None:
                kind, setup_cue = "belief", b
                setup = [j]
                if j + 1 < k and ctx.cue(j + 1, "belief"):
                    setup.append(j + 1)
                if j - 1 >= 0 and b["rule"].endswith("hearsay") and ctx.cue(j - 1, "belief"):
                    setup.insert(0, j - 1)
                break
            if "question" in ctx.sents[j]["acts"] and "rhetorical_question" not in ctx.sents[j]["acts"]:
                kind, setup_cue = (
                    "question",
                    _whole(ctx.sents[j], "patterns.reversal.question_setup", "setup"),
                )
                setup = [j] + [a for a in find_answer(ctx.sents, j) if a < k]
                while j - 1 >= 0 and "question" in ctx.sents[j - 1]["acts"] and ctx.body(j - 1) and j - 1 > k - 4:
                    j -= 1
                    setup.insert(0, j)
                break
            e = ctx.cue(j, "expectation")
            if e is not None:
                kind, setup_cue, setup = "expectation", e, [j]
                break
        if not setup:
            continue
        # a short overturn sentence (でも…。) is followed by the sentence that says it
        if (
            k + 1 < n
            and ctx.body(k + 1)
            and len(ctx.sents[k]["text"]) <= 6
            and "question" not in ctx.sents[k + 1]["acts"]
        ):
            rev.append(k + 1)
        used.update(rev)
        out.append(
            _pattern(
                "reversal",
                {"setup": setup, "reversal": rev},
                [setup_cue, over],
                f"patterns.reversal.{kind}",
                0.6,
                {"setup": kind},
            )
        )
    return out


def detect_concession(ctx: Context) -> list[dict[str, Any]]:
    out = []
    n = len(ctx.sents)
    k = 0
    while k < n:
        grant = ctx.cue(k, "concession")
        if grant is None or not ctx.body(k):
            k += 1
            continue
        text = ctx.sents[k]["text"]
        # intra-sentence: 〜とは思いますが、それ以上に〜
        if grant["end"] < ctx.sents[k]["end"] - 4 and ("が、" in text or "けど" in text):
            tail = text[text.find("が、") + 2 :] if "が、" in text else ""
            if tail and len(tail) > 6:
                out.append(
                    _pattern(
                        "concession",
                        {"concession": [k], "claim": [k]},
                        [grant],
                        "patterns.concession.intra_sentence",
                        0.5,
                    )
                )
                k += 1
                continue
        conc = [k]
        j = k + 1
        while j < n and j <= k + CONCESSION_WINDOW and ctx.body(j):
            adv = ctx.cue(j, "adversative") or ctx.cue(j, "overturn")
            if adv is not None:
                claim = [j]
                if len(ctx.sents[j]["text"]) <= 6 and j + 1 < n and ctx.body(j + 1):
                    claim.append(j + 1)
                out.append(
                    _pattern(
                        "concession",
                        {"concession": conc, "claim": claim},
                        [grant, adv],
                        "patterns.concession.grant_then_but",
                        0.6,
                    )
                )
                break
            if ctx.cue(j, "concession"):
                conc.append(j)
            j += 1
        k = max(k + 1, j if out and out[-1]["roles"]["concession"][0] == k else k + 1)
    return out


def detect_restatement(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for k, s in enumerate(ctx.sents):
        cue = ctx.cue(k, "restatement")
        if cue is None or not ctx.body(k):
            continue
        roles = {"restatement": [k]}
        rest = s["text"][cue["end"] - s["start"] :]
        if rest.strip("。…、.!！ \u3000") == "" and k + 1 < len(ctx.sents):
            roles["restatement"].append(k + 1)  # a bare 「つまり。」 and its punch line
        if k > 0:
            roles["source"] = [k - 1]
        out.append(_pattern("restatement", roles, [cue], cue["rule"], 0.8))
    return out


@lru_cache(maxsize=1)
def contrast_pairs() -> tuple[tuple[str, str], ...]:
    pairs = []
    for raw in read_data("contrast_pairs.txt").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            a, _, b = line.partition(" / ")
            pairs.append((a.strip(), b.strip()))
    return tuple(pairs)


def detect_contrast(ctx: Context) -> list[dict[str, Any]]:
    out = []
    n = len(ctx.sents)
    for k, s in enumerate(ctx.sents):
        if not ctx.body(k):
            continue
        inline = ctx.cue(k, "contrast_inline")
        if inline is not None:
            out.append(_pattern("contrast", {"a": [k], "b": [k]}, [inline], inline["rule"], 0.6))
            continue
        opener = ctx.cue(k, "contrast_opener")
        if opener is not None and k > 0 and ctx.body(k - 1):
            out.append(_pattern("contrast", {"a": [k - 1], "b": [k]}, [opener], opener["rule"], 0.6))
            continue
        for a, b in contrast_pairs():
            text = s["text"]
            if a in text and b in text:
                out.append(
                    _pattern(
                        "contrast",
                        {"a": [k], "b": [k]},
                        [_term_cue(s, a)],
                        "patterns.contrast.named_pair",
                        0.5,
                    )
                )
                break
            if k + 1 < n and ctx.body(k + 1):
                nxt = ctx.sents[k + 1]["text"]
                if (a in text and b in nxt) or (b in text and a in nxt):
                    first = a if a in text else b
                    out.append(
                        _pattern(
                            "contrast",
                            {"a": [k], "b": [k + 1]},
                            [_term_cue(s, first)],
                            "patterns.contrast.named_pair_adjacent",
                            0.5,
                        )
                    )
                    break
    return out


def _term_cue(s: dict[str, Any], term: str) -> dict[str, Any]:
    i = s["text"].find(term)
    return {
        "text": term,
        "start": s["start"] + i,
        "end": s["start"] + i + len(term),
        "rule": "patterns.contrast.named_pair",
        "label": "contrast_pair",
    }


def detect_reason(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for k in range(1, len(ctx.sents)):
        if not ctx.body(k) or not ctx.body(k - 1):
            continue
        opener = ctx.cue(k, "reason_opener")
        if opener is not None:
            reason = [k]
            if ctx.sents[k]["text"].rstrip().endswith("、") and k + 1 < len(ctx.sents):
                reason.append(k + 1)
            out.append(_pattern("reason", {"claim": [k - 1], "reason": reason}, [opener], opener["rule"], 0.8))
            continue
        final = ctx.cue(k, "reason_final")
        if final is not None and "question" not in ctx.sents[k]["acts"]:
            out.append(_pattern("reason", {"claim": [k - 1], "reason": [k]}, [final], final["rule"], 0.5))
            continue
        cons = ctx.cue(k, "consequence_opener")
        if cons is not None:
            out.append(_pattern("reason", {"claim": [k], "reason": [k - 1]}, [cons], cons["rule"], 0.6))
    return out


DETECTORS: tuple[Callable[[Context], list[dict[str, Any]]], ...] = (
    detect_question_answer,
    detect_reversal,
    detect_concession,
    detect_restatement,
    detect_contrast,
    detect_reason,
)


class PatternFinder:
    """Component: ``patterns`` in ``doc._.jinmyaku_data`` and role spans in ``doc.spans``."""

    def __init__(self, nlp: Language, name: str, lexicons: Sequence[str | Path] = ()) -> None:
        self.name = name
        self.lexicons = [str(p) for p in lexicons]
        self.rules: list[CueRule] = load_rules("patterns", CUE_LABELS, self.lexicons)

    def cues_for(self, sent: dict[str, Any]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for rule in self.rules:
            if rule.label in found:
                continue
            hit = match_rule(rule, sent["text"], sent["start"])
            if hit is not None:
                found[rule.label] = {
                    "text": hit[0],
                    "start": hit[1],
                    "end": hit[2],
                    "rule": rule.rule,
                    "label": rule.label,
                }
        return found

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        sents = data["sentences"]
        mark_rhetorical(sents)
        ctx = Context(sents, [self.cues_for(s) for s in sents])
        patterns: list[dict[str, Any]] = []
        for detect in DETECTORS:
            patterns.extend(detect(ctx))
        patterns.sort(key=lambda p: (min(min(v) for v in p["roles"].values() if v), p["type"]))
        spans = []
        for n, p in enumerate(patterns):
            p["id"] = f"p{n}"
            for role, idx in p["roles"].items():
                for k in idx:
                    span = doc.char_span(
                        sents[k]["start"],
                        sents[k]["end"],
                        label=f"{p['type']}.{role}",
                        alignment_mode="expand",
                    )
                    if span is not None:
                        spans.append(span)
        data["patterns"] = patterns
        doc.spans[SPANS_PATTERNS] = spans
        _add_rhetorical_spans(doc, sents)
        return doc


def _add_rhetorical_spans(doc: Doc, sents: list[dict[str, Any]]) -> None:
    group = doc.spans[SPANS_ACTS] if SPANS_ACTS in doc.spans else []
    extra = []
    for s in sents:
        if "rhetorical_question" in s["acts"]:
            span = doc.char_span(s["start"], s["end"], label="rhetorical_question", alignment_mode="expand")
            if span is not None:
                extra.append(span)
    if extra:
        doc.spans[SPANS_ACTS] = [*group, *extra]


@Language.factory(
    "jinmyaku_patterns",
    assigns=["doc._.jinmyaku_data", "doc.spans"],
    requires=["doc._.jinmyaku_data"],
    default_config={"lexicons": []},
)
def make_patterns(nlp: Language, name: str, lexicons: list[str]) -> PatternFinder:
    return PatternFinder(nlp, name, lexicons=lexicons)
