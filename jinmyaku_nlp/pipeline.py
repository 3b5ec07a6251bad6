"""The spaCy pipeline: building it, the Doc extensions the components share, and Doc → Analysis.

The components keep their results as plain data on ``doc._.jinmyaku_data`` (a dict in the
SPEC §5 shape, so ``DocBin`` and ``Doc.to_bytes`` carry it losslessly) and as span groups in
``doc.spans`` (``jinmyaku_sentences``, ``jinmyaku_acts``, ``jinmyaku_patterns``,
``jinmyaku_claims``) for displaCy and span-based tooling. ``doc._.jinmyaku`` reads the data back
as an :class:`~jinmyaku_nlp.record.Analysis`.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import add
from pathlib import Path
from typing import Any, cast

import numpy
import spacy
from spacy.attrs import IDX, LEMMA, ORTH, POS, SPACY, TAG
from spacy.language import Language
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc

from jinmyaku_nlp.record import Analysis

#: Component names in pipeline order (each a registered factory of the same name).
COMPONENTS: tuple[str, ...] = (
    "jinmyaku_segmenter",
    "jinmyaku_structure",
    "jinmyaku_acts",
    "jinmyaku_patterns",
    "jinmyaku_keyterms",
    "jinmyaku_claims",
)
#: Components that accept user cue files (``lexicons`` in their config).
LEXICON_COMPONENTS = ("jinmyaku_acts", "jinmyaku_patterns")
#: No spaCy max_length failure: the tokenizer works in chunks, so long texts cost linear time.
MAX_LENGTH = 2**31 - 1

SPANS_SENTENCES = "jinmyaku_sentences"
SPANS_ACTS = "jinmyaku_acts"
SPANS_PATTERNS = "jinmyaku_patterns"
SPANS_CLAIMS = "jinmyaku_claims"


def _analysis_getter(doc: Doc) -> Analysis | None:
    data = doc._.jinmyaku_data
    if data is None:
        return None
    return Analysis.from_dict({**data, "text": doc_tokens(doc).text})


@dataclass(frozen=True, slots=True)
class DocTokens:
    """A Doc's tokens as parallel lists of plain strings and offsets, read once per Doc.

    Iterating a Doc makes a ``Token`` object per token and each ``token.tag_`` looks a string
    up: the later stages read every token several times, so they share this table instead.
    """

    orth: list[str]
    #: the lemma, or the token text when the tokenizer left none (``token.lemma_ or token.text``)
    lemma: list[str]
    tag: list[str]
    pos: list[str]
    #: character offsets: ``start[i]`` is ``token.idx``, ``end[i]`` is ``token.idx + len(token)``
    start: list[int]
    end: list[int]
    #: whether a space follows the token (``token.whitespace_``)
    space: list[bool]
    #: ``doc.text``, rebuilt from the same table
    text: str


_TOKEN_ATTRS = [ORTH, LEMMA, TAG, POS, IDX, SPACY]
#: hash -> string, shared across Docs: most tokens repeat, and a string lookup is the dear part.
#: Hashes are stable, so an entry never goes stale; the table starts again past this size.
_STRINGS: dict[int, str] = {}
_STRINGS_SIZE = 200_000
#: one table per live Doc; an entry goes when its Doc is freed (nothing is stored on the Doc, so
#: ``DocBin`` and ``Doc.to_bytes`` see exactly what they saw before)
_TABLES: weakref.WeakKeyDictionary[Doc, tuple[int, DocTokens]] = weakref.WeakKeyDictionary()


#: tables the tokenizer made from what it already had, with the TAG, POS and LEMMA values it set:
#: taken by :func:`doc_tokens` only if the Doc still holds exactly those values
_OFFERED: weakref.WeakKeyDictionary[Doc, tuple[numpy.ndarray, DocTokens]] = weakref.WeakKeyDictionary()
_CHECKED_ATTRS = [TAG, POS, LEMMA]


def doc_tokens(doc: Doc) -> DocTokens:
    """The :class:`DocTokens` of ``doc``, built on first use and shared by the later components.

    The table is rebuilt if the Doc's length changed (a retokenizer ran in between).
    """
    cached = _TABLES.get(doc)
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    table = _offered_tokens(doc) or _read_tokens(doc)
    _TABLES[doc] = (len(doc), table)
    return table


def offer_tokens(doc: Doc, table: DocTokens, values: numpy.ndarray) -> None:
    """The tokenizer's own table of ``doc``; ``values`` are the TAG, POS and LEMMA columns it set."""
    _OFFERED[doc] = (values, table)


def _offered_tokens(doc: Doc) -> DocTokens | None:
    """The tokenizer's table if the Doc's tokens are still the ones it made: same count and the
    same TAG, POS and LEMMA values (a component in between may have changed them; ORTH, offsets
    and spaces only change with the count). One array read instead of a string lookup per token."""
    offered = _OFFERED.pop(doc, None)
    if offered is None:
        return None
    values, table = offered
    if len(table.orth) != len(doc) or not numpy.array_equal(doc.to_array(_CHECKED_ATTRS), values):
        return None
    return table


def expand_range(tok: DocTokens, start: int, end: int) -> tuple[int, int] | None:
    """Token indices ``(lo, hi)`` of ``doc.char_span(start, end, alignment_mode="expand")``
    (``None`` where it gives ``None``), without making the Span."""
    lo = _token_at(tok, start)
    hi = _token_at(tok, end - 1)
    if lo < 0 or hi < 0:
        return None
    if start == tok.end[lo]:
        lo += 1  # the previous token's trailing space is not part of the span
    return lo, hi + 1


def _token_at(tok: DocTokens, char: int) -> int:
    """The token whose text or trailing space covers ``char``, else -1 (spaCy's ``token_by_char``)."""
    i = bisect_right(tok.start, char) - 1
    if i < 0 or char >= tok.end[i] + tok.space[i]:
        return -1
    return i


def _read_tokens(doc: Doc) -> DocTokens:
    orth_ids, lemma_ids, tag_ids, pos_ids, start, spacy_flags = doc.to_array(_TOKEN_ATTRS).T.tolist()
    # map() over lists runs in C: the table costs a few list passes, not Python work per token
    orth = _names(doc, orth_ids)
    lemma = _names(doc, lemma_ids)
    if "" in lemma:
        lemma = [lm or t for lm, t in zip(lemma, orth, strict=True)]
    pos = list(map(POS_NAMES.__getitem__, pos_ids))  # as token.pos_ reads it
    end = list(map(add, start, map(len, orth)))
    space = list(map(bool, spacy_flags))
    if any(spacy_flags):
        text = "".join([t + " " if sp else t for t, sp in zip(orth, space, strict=True)])
    else:
        text = "".join(orth)
    return DocTokens(orth, lemma, _names(doc, tag_ids), pos, start, end, space, text)


def _names(doc: Doc, keys: list[int]) -> list[str]:
    """The strings of ``keys`` (hashes), through the shared :data:`_STRINGS` table."""
    names = _STRINGS
    out: list[str | None] = list(map(names.get, keys))
    if None in out:
        if len(names) > _STRINGS_SIZE:
            names.clear()
        strings = doc.vocab.strings
        for k, key in enumerate(keys):
            if out[k] is None:
                out[k] = names[key] = strings[key]
    return cast(list[str], out)


def register_extensions() -> None:
    """Declare the Doc extensions (idempotent)."""
    if not Doc.has_extension("jinmyaku_data"):
        Doc.set_extension("jinmyaku_data", default=None)
    if not Doc.has_extension("jinmyaku"):
        Doc.set_extension("jinmyaku", getter=_analysis_getter)


register_extensions()


def new_state(doc: Doc) -> dict[str, Any]:
    """Start the analysis data of ``doc`` (called by the segmenter, the first component)."""
    data: dict[str, Any] = {
        "id": "",
        "source": None,
        "sentences": [],
        "patterns": [],
        "claims": [],
        "key_terms": [],
        "sections": [],
    }
    doc._.jinmyaku_data = data
    return data


def state(doc: Doc, component: str) -> dict[str, Any]:
    """The analysis data a later component builds on; a clear error if the segmenter never ran."""
    data = doc._.jinmyaku_data
    if data is None:
        raise ValueError(
            f"{component} needs 'jinmyaku_segmenter' earlier in the pipeline: "
            f"nlp.add_pipe('jinmyaku_segmenter', before='{component}')"
        )
    return data


def blank(tokenizer: str = "jinmyaku.FugashiTokenizer.v1") -> Language:
    """An empty Japanese pipeline with the fugashi tokenizer (no components)."""
    import jinmyaku_nlp.tokenizer  # noqa: F401  (registers the tokenizer)

    nlp = spacy.blank("ja", config={"nlp": {"tokenizer": {"@tokenizers": tokenizer}}})
    nlp.max_length = MAX_LENGTH
    return nlp


def add_components(
    nlp: Language,
    *,
    lexicons: dict[str, Sequence[str | Path]] | None = None,
    disable: Iterable[str] = (),
) -> Language:
    """Add every jinmyaku component to ``nlp`` in order. ``lexicons`` maps a component name
    (``jinmyaku_acts``, ``jinmyaku_patterns``) to extra cue files."""
    _import_components()
    lexicons = dict(lexicons or {})
    unknown = set(lexicons) - set(LEXICON_COMPONENTS)
    if unknown:
        raise ValueError(f"lexicons for unknown components {sorted(unknown)}; use {list(LEXICON_COMPONENTS)}")
    disabled = set(disable)
    for name in COMPONENTS:
        if name in disabled:
            continue
        config: dict[str, Any] = {}
        if name in lexicons:
            config["lexicons"] = [str(p) for p in lexicons[name]]
        nlp.add_pipe(name, config=config)
    nlp.max_length = MAX_LENGTH
    return nlp


def load(
    *,
    lexicons: dict[str, Sequence[str | Path]] | None = None,
    disable: Iterable[str] = (),
) -> Language:
    """A spaCy ``Language``: the fugashi tokenizer and all jinmyaku components."""
    return add_components(blank(), lexicons=lexicons, disable=disable)


def _import_components() -> None:
    # Importing the stage modules registers their factories.
    import jinmyaku_nlp.acts
    import jinmyaku_nlp.claims
    import jinmyaku_nlp.keyterms
    import jinmyaku_nlp.patterns
    import jinmyaku_nlp.segment
    import jinmyaku_nlp.structure  # noqa: F401


def doc_to_analysis(doc: Doc, *, id: str = "", source: str | None = None) -> Analysis:
    """The Analysis of a processed Doc, with ``id`` and ``source`` set."""
    analysis = doc._.jinmyaku
    if analysis is None:
        raise ValueError("this Doc was not processed by a jinmyaku pipeline (no doc._.jinmyaku_data)")
    analysis.id = id
    analysis.source = source
    return analysis
