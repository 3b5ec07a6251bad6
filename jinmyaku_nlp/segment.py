"""Blog-aware sentence segmentation (SPEC §4) over the untouched original text.

``split_sentences`` returns ``(start, end, rule)`` spans: the text between them is whitespace
only, and ``rule`` names the boundary rule that closed the sentence. The component stores the
sentences in ``doc._.jinmyaku_data`` and marks ``token.is_sent_start``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.pipeline import SPANS_SENTENCES, new_state

OPENERS = "「『（(《【〈［[｛{〔“‘＜"
CLOSERS = "」』）)》】〉］]｝}〕”’＞"
_PAIR = dict(zip(OPENERS, CLOSERS, strict=True))
TERMINATORS = "。．！？!?"
#: characters absorbed into a sentence after its terminator (SPEC §4: keep runs of closers/ellipses)
TRAILERS = TERMINATORS + CLOSERS + "…‥・〜ー～♪☆★ｗw"
_JOINERS = "、，,"
#: a bracket left open for this many characters no longer blocks sentence ends (unbalanced input)
MAX_BRACKET_SPAN = 300


class SentenceSpan(NamedTuple):
    start: int
    end: int
    rule: str


def split_sentences(text: str) -> list[SentenceSpan]:
    """Sentence spans over ``text`` in order; together they cover all non-whitespace."""
    spans: list[SentenceSpan] = []
    n = len(text)
    i = 0
    start = 0
    stack: list[tuple[str, int]] = []  # (expected closer, position of the opener)

    def emit(end: int, rule: str) -> None:
        s, e = start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(SentenceSpan(s, e, rule))

    while i < n:
        ch = text[i]
        if ch in _PAIR:
            stack.append((_PAIR[ch], i))
            i += 1
            continue
        if ch in CLOSERS:
            if stack and stack[-1][0] == ch:
                stack.pop()
            elif any(c == ch for c, _ in stack):
                while stack and stack[-1][0] != ch:
                    stack.pop()
                stack.pop()
            i += 1
            continue
        if stack and i - stack[0][1] > MAX_BRACKET_SPAN:
            stack.clear()  # an unbalanced bracket must not swallow the rest of the text
        if ch in TERMINATORS and not stack:
            j = i + 1
            while j < n and text[j] in TRAILERS:
                if text[j] in _PAIR:
                    break
                j += 1
            emit(j, "terminator")
            start = i = j
            continue
        if ch == "\n" or ch == "\r":
            line_end = i
            k = line_end - 1
            while k >= start and text[k] in " \t\u3000":
                k -= 1
            last = text[k] if k >= start else ""
            if last and (last in _JOINERS or last in _PAIR):
                i += 1  # SPEC §4: a line ending in 、 or an open bracket joins the next
                continue
            if stack and _closes_on_next_line(text, i, stack[-1][0]):
                i += 1
                continue
            stack.clear()
            emit(line_end, "line_break")
            start = i = line_end + 1
            continue
        i += 1
    emit(n, "end_of_text")
    return spans


def _closes_on_next_line(text: str, newline: int, closer: str) -> bool:
    nxt = text.find("\n", newline + 1)
    line = text[newline + 1 : nxt if nxt >= 0 else len(text)]
    return bool(line.strip()) and closer in line


class Segmenter:
    """Component: sentences into ``doc._.jinmyaku_data`` and ``token.is_sent_start``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        data = new_state(doc)
        text = doc.text
        spans = split_sentences(text)
        data["sentences"] = [_sentence_record(k, s, text) for k, s in enumerate(spans)]
        set_sentence_boundaries(doc, [(s.start, s.end) for s in spans])
        return doc


def _sentence_record(i: int, span: SentenceSpan, text: str) -> dict[str, Any]:
    return {
        "i": i,
        "start": span.start,
        "end": span.end,
        "text": text[span.start : span.end],
        "heading": False,
        "boilerplate": False,
        "section": 0,
        "acts": [],
        "features": {"boundary": span.rule},
        "cues": [],
    }


def token_index(doc: Doc) -> np.ndarray:
    """Start offset of every token (for mapping characters to tokens with searchsorted)."""
    if len(doc) == 0:
        return np.zeros(0, dtype=np.int64)
    return doc.to_array([IDX]).astype(np.int64).reshape(-1)


def set_sentence_boundaries(doc: Doc, spans: list[tuple[int, int]]) -> None:
    """Mark sentence starts on tokens and record the sentences as the span group."""
    if len(doc) == 0:
        doc.spans[SPANS_SENTENCES] = []
        return
    starts = token_index(doc)
    group = []
    first_tokens = set()
    for s, e in spans:
        t0 = int(np.searchsorted(starts, s, side="right")) - 1
        t1 = int(np.searchsorted(starts, e, side="left"))
        t0 = max(t0, 0)
        t1 = max(t1, t0 + 1)
        first_tokens.add(t0)
        group.append(doc[t0:t1])
    first_tokens.add(0)
    flags = np.full((len(doc), 1), -1, dtype=np.int32)
    flags[sorted(first_tokens), 0] = 1
    doc.from_array([SENT_START], flags.astype(np.uint64))
    doc.spans[SPANS_SENTENCES] = group


@Language.factory(
    "jinmyaku_segmenter",
    assigns=["token.is_sent_start", "doc.spans", "doc._.jinmyaku_data"],
)
def make_segmenter(nlp: Language, name: str) -> Segmenter:
    return Segmenter(nlp, name)
