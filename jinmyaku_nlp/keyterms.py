"""Key terms: the noun phrases and quoted terms an article keeps returning to.

A candidate is a run of nouns (with prefixes, suffixes and ``形状詞 + な`` modifiers, as in
良質な人脈) or a short 「quoted」 term. Its score grows with its count, with quoting and with
length, and is scaled so that the best term of the article scores 1.0.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import load_wordlist
from jinmyaku_nlp.pipeline import DocTokens, doc_tokens, expand_range, state

_QUOTED = re.compile(r"「([^「」。、！？!?\s]{2,12})」")
_NOUNISH = ("名詞", "接頭辞", "接尾辞-名詞的")
MAX_TERMS = 20


def _is_noun(tag: str) -> bool:
    return tag.startswith(_NOUNISH) and not tag.startswith(("名詞-数詞", "名詞-普通名詞-副詞可能"))


#: tag -> :func:`_is_noun`; the tag set is small (a few hundred UniDic tags)
_NOUN_TAGS: dict[str, bool] = {}


def _noun_flags(tags: Sequence[str]) -> list[bool]:
    known = _NOUN_TAGS
    out = []
    for tag in tags:
        flag = known.get(tag)
        if flag is None:
            flag = known[tag] = _is_noun(tag)
        out.append(flag)
    return out


def _runs(
    texts: Sequence[str], tags: Sequence[str], lo: int, hi: int, nouns: Sequence[bool] | None = None
) -> list[str]:
    """Noun runs among tokens ``lo``..``hi`` (one sentence): nouns, prefixes, suffixes, and a
    leading ``形状詞 + な`` modifier (良質な人脈). ``nouns`` is :func:`_noun_flags` of ``tags``."""
    if nouns is None:
        nouns = _noun_flags(tags)
    out: list[str] = []
    run: list[str] = []
    k = lo
    while k < hi:
        if nouns[k]:
            run.append(texts[k])
        elif not run and k + 2 < hi and texts[k + 1] == "な" and nouns[k + 2] and tags[k].startswith("形状詞"):
            run.append(texts[k] + "な")
            k += 1  # the な belongs to the run: 良質 + な + 人脈
        elif run:
            out.append("".join(run))
            run = []
        k += 1
    if run:
        out.append("".join(run))
    return out


def noun_phrases(doc: Doc, start: int, end: int) -> list[str]:
    """Noun runs in the character span [start, end) of ``doc`` (the tokens of
    ``doc.char_span(start, end, alignment_mode="expand")``)."""
    tok = doc_tokens(doc)
    found = expand_range(tok, start, end)
    if found is None:
        return []
    lo, hi = found
    return _runs(tok.orth, tok.tag, lo, hi, _noun_flags(tok.tag))


def _overlapping(tok: DocTokens, sents: Sequence[dict[str, Any]]) -> Iterator[tuple[int, int]]:
    """Per sentence, the token range ``(lo, hi)`` of the tokens that overlap it.

    Sentences are in text order and do not overlap, so a token pointer only moves forward.
    """
    starts, ends = tok.start, tok.end
    lo = 0
    for s in sents:
        # token offsets ascend: a bisection from the pointer finds what stepping it would
        lo = bisect_right(ends, s["start"], lo)
        yield lo, bisect_left(starts, s["end"], lo)


def sentence_noun_phrases(doc: Doc, sents: Sequence[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """``(sentence, noun runs)`` for every sentence, in one pass over the Doc's tokens.

    A sentence gets every token that overlaps it (as ``char_span(..., "expand")`` would).
    """
    tok = doc_tokens(doc)
    nouns = _noun_flags(tok.tag)
    for s, (lo, hi) in zip(sents, _overlapping(tok, sents), strict=True):
        yield s, _runs(tok.orth, tok.tag, lo, hi, nouns) if s["end"] > s["start"] else []


#: content-word parts of speech for topical overlap (title words): nouns, plain verbs and adjectives
_CONTENT = ("名詞-普通名詞", "名詞-固有名詞", "動詞-一般", "形容詞-一般")
_NOT_CONTENT = ("名詞-普通名詞-副詞可能", "名詞-普通名詞-助数詞可能")


def sentence_content_words(doc: Doc, sents: Sequence[dict[str, Any]]) -> list[frozenset[str]]:
    """Per sentence, the lemmas of its content words (nouns, verbs, adjectives; no stop nouns).

    One forward pass over the Doc's tokens, like :func:`sentence_noun_phrases`; the claim ranker
    compares these sets with the title's to find sentences about what the article is about.
    """
    tok = doc_tokens(doc)
    keys = list(zip(tok.tag, tok.lemma, strict=True))
    words = list(map(_CONTENT_WORDS.get, keys))  # in C; only unseen (tag, lemma) pairs cost more
    if None in words:
        words = [w if w is not None else _content_word(*key) for w, key in zip(words, keys, strict=True)]
    return [frozenset(w for w in words[lo:hi] if w) for lo, hi in _overlapping(tok, sents)]


#: (tag, lemma) -> the lemma if it is a content word, else ""; bounded like the string table
_CONTENT_WORDS: dict[tuple[str, str], str] = {}
_CONTENT_WORDS_SIZE = 200_000


def _content_word(tag: str, lemma: str) -> str:
    key = (tag, lemma)
    word = _CONTENT_WORDS.get(key)
    if word is None:
        if len(_CONTENT_WORDS) > _CONTENT_WORDS_SIZE:
            _CONTENT_WORDS.clear()
        word = ""
        if tag.startswith(_CONTENT) and not tag.startswith(_NOT_CONTENT) and lemma not in _content_stop():
            # a lone kana is almost always a formal or auxiliary use (いる, する, よい)
            if len(lemma) > 1 or not _KANA.match(lemma):
                word = lemma
        _CONTENT_WORDS[key] = word
    return word


@cache
def _content_stop() -> frozenset[str]:
    return load_wordlist("stop_nouns") | _FORMAL_VERBS


#: verbs that mostly serve grammar (について, という, による, と思う) rather than topic
_FORMAL_VERBS = frozenset(
    {"つく", "付く", "言う", "云う", "思う", "因る", "よる", "関する", "対する", "出来る", "見える"}
)
_KANA = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff]+$")


def extract_key_terms(doc: Doc, sents: list[dict[str, Any]], limit: int = MAX_TERMS) -> list[dict[str, Any]]:
    stop = load_wordlist("stop_nouns")
    counts: Counter[str] = Counter()
    quoted: Counter[str] = Counter()
    for s, terms in sentence_noun_phrases(doc, sents):
        if s["boilerplate"]:
            continue
        for term in terms:
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
        {"term": term, "count": c, "score": round(score / best, 4), "quoted": term in quoted} for score, term, c in top
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
