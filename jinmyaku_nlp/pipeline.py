"""The spaCy pipeline: building it, the Doc extensions the components share, and Doc → Analysis.

The components keep their results as plain data on ``doc._.jinmyaku_data`` (a dict in the
SPEC §5 shape, so ``DocBin`` and ``Doc.to_bytes`` carry it losslessly) and as span groups in
``doc.spans`` (``jinmyaku_sentences``, ``jinmyaku_acts``, ``jinmyaku_patterns``,
``jinmyaku_claims``) for displaCy and span-based tooling. ``doc._.jinmyaku`` reads the data back
as an :class:`~jinmyaku_nlp.record.Analysis`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
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
    return Analysis.from_dict({**data, "text": doc.text})


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
