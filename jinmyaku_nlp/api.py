"""The library entry points: ``analyze`` one article, ``analyze_many`` for batches."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from spacy.language import Language

from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.ingest import ingest
from jinmyaku_nlp.pipeline import doc_to_analysis, load
from jinmyaku_nlp.record import Analysis, ErrorRecord

Item = str | bytes | Path | tuple[str, Any] | Mapping[str, Any]

_DEFAULT_NLP: Language | None = None


def default_nlp() -> Language:
    """The process-wide default pipeline, built on first use."""
    global _DEFAULT_NLP
    if _DEFAULT_NLP is None:
        _DEFAULT_NLP = load()
    return _DEFAULT_NLP


#: how many lexemes a pipeline's vocabulary keeps for good (the empty pipeline has ~7k): the
#: words of the first articles analysed outside a memory zone stay, so the common words of later
#: articles are found instead of made again for each one (making a lexeme was ~15% of the run).
#: Measured on 3,000 livedoor articles (tokenizer only): always zoned 146 MB private memory,
#: keeping 20k lexemes 148 MB, 40k 158 MB; tokenizing ~40% faster either way.
KEEP_VOCAB = 30_000
#: a longer article always runs in a memory zone: its rare words would fill the kept vocabulary
KEEP_VOCAB_TEXT = 50_000
#: pipelines whose vocabulary is full: every article runs in a memory zone from then on
_FULL: weakref.WeakSet[Language] = weakref.WeakSet()


def _memory_zone(nlp: Language, text: str = "") -> AbstractContextManager[Any]:
    """spaCy's memory zone: the words and strings a Doc adds to the vocab are freed with it, so a
    worker's memory stays flat over millions of articles (the Analysis is plain data) — once the
    vocabulary holds :data:`KEEP_VOCAB` lexemes; before that an article's words are kept.
    """
    zone = getattr(nlp, "memory_zone", None)
    if zone is None:
        return nullcontext()
    if nlp not in _FULL and len(text) <= KEEP_VOCAB_TEXT:
        # len(vocab) counts every lexeme ever made (a zone's too): it can only overstate
        if len(nlp.vocab) < KEEP_VOCAB:
            return nullcontext()
        _FULL.add(nlp)
    return zone()


def analyze(
    text: str | bytes | Path,
    id: str | None = None,
    *,
    source: str | None = None,
    html: bool | None = None,
    nlp: Language | None = None,
) -> Analysis:
    """Analyse one article.

    ``text`` may be a ``str`` (analysed as given), ``bytes`` (decoded: UTF-8 with or without BOM,
    UTF-16, CP932, EUC-JP; HTML reduced to its main text) or a ``pathlib.Path``. ``id`` defaults
    to the file name without extension for a path, else ``"doc"``.
    Raises :class:`~jinmyaku_nlp.errors.InputError` for input that cannot be analysed.
    """
    if id is None:
        id = text.stem if isinstance(text, Path) else "doc"
    if not isinstance(id, str):
        raise InputError(f"id must be a str, not {type(id).__name__}")
    doc_in = ingest(text, html=html, source=source)
    nlp = nlp or default_nlp()
    with _memory_zone(nlp, doc_in.text):
        analysis = doc_to_analysis(nlp(doc_in.text), id=id, source=doc_in.source)
    if doc_in.format != "text" or doc_in.encoding not in ("str", "utf-8"):
        analysis.meta = {"encoding": doc_in.encoding, "format": doc_in.format}
    return analysis


def analyze_many(
    items: Iterable[Item],
    n_process: int = 1,
    batch_size: int = 16,
    *,
    timeout: float | None = None,
) -> Iterator[Analysis | ErrorRecord]:
    """Analyse a stream of articles; yields one record per item, in input order.

    An item is a text (``str``/``bytes``), a ``Path``, an ``(id, text)`` pair or a mapping with
    ``id`` and ``text``. An item that cannot be analysed yields an :class:`ErrorRecord` and the
    stream goes on. ``n_process > 1`` analyses in that many worker processes (same output).
    ``timeout`` (seconds, with ``n_process > 1``) turns a slow article into an error record.
    """
    from jinmyaku_nlp.batch import run_many

    return run_many(items, n_process=n_process, batch_size=batch_size, timeout=timeout)
