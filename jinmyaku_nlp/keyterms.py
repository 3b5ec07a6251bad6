"""Key terms: the noun phrases and quoted terms an article keeps returning to.

A candidate is a run of nouns (with prefixes, suffixes and ``形状詞 + な`` modifiers, as in
良質な人脈) or a short 「quoted」 term. Its score grows with its count, with quoting and with
length, and is scaled so that the best term of the article scores 1.0.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import load_wordlist
from jinmyaku_nlp.pipeline import state

_QUOTED = re.compile(r"「([^「」。、！？!?\s]{2,12})」")
_NOUNISH = ("名詞", "接頭辞", "接尾辞-名詞的")
MAX_TERMS = 20


def noun_phrases(doc: Doc, start: int, end: int) -> list[str]:
    """Noun runs in the character span [start, end) of ``doc``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    out: list[str] = []
    run: list[str] = []
    toks = list(span)
    for k, t in enumerate(toks):
        tag = t.tag_
        if tag.startswith(_NOUNISH) and not tag.startswith(("名詞-数詞", "名詞-普通名詞-副詞可能")):
            run.append(t.text)
            continue
        if (
            tag.startswith("形状詞")
            and k + 2 < len(toks)
            and toks[k + 1].text == "な"
            and toks[k + 2].tag_.startswith("名詞")
        ):
            if not run:
                run.append(t.text + "な")
                continue
        if run:
            out.append("".join(run))
            run = []
    if run:
        out.append("".join(run))
    return out


def extract_key_terms(doc: Doc, sents: list[dict[str, Any]], limit: int = MAX_TERMS) -> list[dict[str, Any]]:
    stop = load_wordlist("stop_nouns")
    counts: Counter[str] = Counter()
    quoted: Counter[str] = Counter()
    for s in sents:
        if s["boilerplate"]:
            continue
        for term in noun_phrases(doc, s["start"], s["end"]):
            if term not in stop and len(term) >= 2 and not term.isdigit():
                counts[term] += 1
        for m in _QUOTED.finditer(s["text"]):
            quoted[m.group(1)] += 1
    for term, c in quoted.items():
        counts[term] = max(counts[term], c)
    scored = []
    for term, c in counts.items():
        if c < 2 and term not in quoted:
            continue
        score = c * (1.5 if term in quoted else 1.0) * math.log2(1 + len(term))
        scored.append((score, term, c))
    scored.sort(key=lambda x: (-x[0], x[1]))
    top = scored[:limit]
    best = top[0][0] if top else 1.0
    return [
        {"term": term, "count": c, "score": round(score / best, 4), "quoted": term in quoted}
        for score, term, c in top
    ]


class KeyTermExtractor:
    """Component: ``key_terms`` in ``doc._.jinmyaku_data``."""

    def __init__(self, nlp: Language, name: str, limit: int = MAX_TERMS) -> None:
        self.name = name
        self.limit = limit

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        data["key_terms"] = extract_key_terms(doc, data["sentences"], self.limit)
        return doc


@Language.factory(
    "jinmyaku_keyterms",
    assigns=["doc._.jinmyaku_data"],
    requires=["doc._.jinmyaku_data"],
    default_config={"limit": MAX_TERMS},
)
def make_keyterms(nlp: Language, name: str, limit: int) -> KeyTermExtractor:
    return KeyTermExtractor(nlp, name, limit)
