"""displaCy views of the jinmyaku layers: acts, pattern roles and claims as stacked spans.

``render_spans`` draws one layer with ``spacy.displacy.render(style="span")``. A Doc from
``jinmyaku_nlp.load()`` is read from its span group (``doc.spans["jinmyaku_acts"]`` ...); an
:class:`~jinmyaku_nlp.record.Analysis` (or its dict form) is turned into displaCy's manual format
from its character offsets, so records read back from JSONL can be drawn without the pipeline.

Two adjustments make displaCy's span style read well on Japanese: runs of text outside every span
are passed as one token (displaCy puts a space after each uncovered token, and Japanese has no
spaces), and the span templates are displaCy's own with the whitespace between tags removed (which
a browser would otherwise draw as a space between two Japanese words).
"""

from __future__ import annotations

import html
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from spacy import displacy
from spacy.tokens import Doc

from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.pipeline import SPANS_ACTS, SPANS_CLAIMS, SPANS_PATTERNS
from jinmyaku_nlp.record import ACT_TYPES, CLAIM_KINDS, PATTERN_ROLES, STANCES, Analysis
from jinmyaku_nlp.report import REJECTED_COLOR, act_color, claim_color, pattern_color, readable_tint

#: layer name -> span group of a processed Doc
LAYERS: dict[str, str] = {"acts": SPANS_ACTS, "patterns": SPANS_PATTERNS, "claims": SPANS_CLAIMS}

# displaCy's span templates (spacy/displacy/templates.py) without the whitespace between tags.
_TEMPLATES = {
    "span": (
        '<span style="font-weight: bold; display: inline-block; position: relative; '
        'height: {total_height}px;">{text}{span_slices}{span_starts}</span>'
    ),
    "slice": (
        '<span style="background: {bg}; top: {top_offset}px; height: 4px; left: -1px; '
        'width: calc(100% + 2px); position: absolute;"></span>'
    ),
    "start": (
        '<span style="background: {bg}; top: {top_offset}px; height: 4px; border-top-left-radius: 3px; '
        'border-bottom-left-radius: 3px; left: -1px; width: calc(100% + 2px); position: absolute;">'
        '<span style="background: {bg}; z-index: 10; color: #000; top: -0.5em; padding: 2px 3px; '
        'position: absolute; font-size: 0.6em; font-weight: bold; line-height: 1; border-radius: 3px">'
        "{label}{kb_link}</span></span>"
    ),
}

Span3 = tuple[int, int, str]  # (start char, end char, label)


def layer_colors(layer: str) -> dict[str, str]:
    """displaCy ``colors`` for every label of ``layer``: acts by act; pattern roles by type (the
    first role darker than the second); claims by kind, rejected ones grey."""
    _check_layer(layer)
    if layer == "acts":
        return {act: readable_tint(act_color(act), 0.6) for act in ACT_TYPES}
    if layer == "patterns":
        return {
            f"{ptype}.{role}": readable_tint(pattern_color(ptype), 0.75 if k == 0 else 0.35)
            for ptype, roles in PATTERN_ROLES.items()
            for k, role in enumerate(roles)
        }
    return {
        f"{kind}.{stance}": readable_tint(claim_color(kind, stance) if stance != "rejected" else REJECTED_COLOR, 0.6)
        for kind in CLAIM_KINDS
        for stance in STANCES
    }


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise InputError(f"unknown layer {layer!r}; use one of {list(LAYERS)}")


def _analysis_spans(a: Analysis, layer: str) -> list[Span3]:
    """Labelled character spans of one layer, from the record's offsets."""
    size = len(a.text)
    by_index = {s.i: s for s in a.sentences}
    out: list[Span3] = []
    if layer == "acts":
        out = [(s.start, s.end, act) for s in a.sentences for act in s.acts]
    elif layer == "patterns":
        for p in a.patterns:
            for role, indices in p.roles.items():
                out += [(by_index[i].start, by_index[i].end, f"{p.type}.{role}") for i in indices if i in by_index]
    else:
        out = [(c.start, c.end, f"{c.kind}.{c.stance}") for c in a.claims]
    return [(s, e, label) for s, e, label in out if 0 <= s < e <= size]


def _doc_spans(doc: Doc, layer: str) -> list[Span3]:
    key = LAYERS[layer]
    if key not in doc.spans:
        raise InputError(
            f"this Doc has no span group {key!r}: process the text with jinmyaku_nlp.load() "
            f"(nlp = jinmyaku_nlp.load(); doc = nlp(text)) before rendering it"
        )
    return [(span.start_char, span.end_char, span.label_) for span in doc.spans[key]]


def _script(ch: str) -> str:
    """A coarse character class; a change of class is a token boundary for records without tokens."""
    if ch.isspace():
        return "space"
    name = unicodedata.name(ch, "")
    for script in ("CJK", "HIRAGANA", "KATAKANA"):
        if name.startswith(script):
            return script
    return "word" if ch.isalnum() else ch  # every punctuation mark is a token of its own


def _script_cuts(text: str) -> list[int]:
    return [k for k in range(1, len(text)) if _script(text[k]) != _script(text[k - 1])]


def manual_data(
    text: str, spans: Iterable[Span3], token_cuts: Iterable[int], *, title: str | None = None
) -> dict[str, Any]:
    """displaCy's manual span format for ``text``: fine tokens (cut at ``token_cuts``) where a span
    covers the text, one token per uncovered run, span labels and the title HTML-escaped (displaCy
    inserts both into markup as they are)."""
    spans = sorted(set(spans))
    covered = _union((s, e) for s, e, _ in spans)
    cuts = {0, len(text)}
    cuts.update(x for s, e, _ in spans for x in (s, e))
    cuts.update(c for c in token_cuts if _inside(c, covered))
    bounds = sorted(cuts)
    index = {offset: k for k, offset in enumerate(bounds)}
    return {
        "text": text,
        "tokens": [text[a:b] for a, b in pairwise(bounds)],
        "spans": [
            {"start_token": index[s], "end_token": index[e], "label": html.escape(label)} for s, e, label in spans
        ],
        "title": html.escape(title) if title else None,
        "settings": {"lang": "ja", "direction": "ltr"},
    }


def _union(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _inside(offset: int, covered: list[tuple[int, int]]) -> bool:
    # one bisect per cut: a scan of the intervals would be quadratic on long texts
    k = bisect_right(covered, (offset, float("inf"))) - 1
    return k >= 0 and covered[k][0] < offset < covered[k][1]


def spans_data(doc_or_analysis: Doc | Analysis | Mapping[str, Any], layer: str = "acts") -> dict[str, Any]:
    """The displaCy manual-format dict of one layer of a processed Doc or an Analysis."""
    _check_layer(layer)
    if isinstance(doc_or_analysis, Doc):
        doc = doc_or_analysis
        cuts = [t.idx for t in doc][1:]
        return manual_data(doc.text, _doc_spans(doc, layer), cuts, title=doc.user_data.get("title"))
    if isinstance(doc_or_analysis, Mapping):
        doc_or_analysis = Analysis.from_dict(doc_or_analysis)
    if not isinstance(doc_or_analysis, Analysis):
        raise InputError(
            f"render_spans needs a Doc from jinmyaku_nlp.load() or an Analysis, not {type(doc_or_analysis).__name__}"
        )
    a = doc_or_analysis
    return manual_data(a.text, _analysis_spans(a, layer), _script_cuts(a.text), title=a.id or None)


def render_spans(
    doc_or_analysis: Doc | Analysis | Mapping[str, Any],
    layer: str = "acts",
    page: bool = True,
    *,
    options: Mapping[str, Any] | None = None,
) -> str:
    """One layer (``"acts"``, ``"patterns"`` or ``"claims"``) as displaCy span markup; overlapping
    spans stack. ``page`` gives a full HTML page, else markup to embed. ``options`` are merged into
    displaCy's (e.g. ``{"colors": {...}}``)."""
    data = spans_data(doc_or_analysis, layer)
    opts: dict[str, Any] = {"colors": layer_colors(layer), "template": dict(_TEMPLATES)}
    for key, value in (options or {}).items():
        opts[key] = {**opts[key], **value} if key == "colors" else value
    return displacy.render(data, style="span", page=page, manual=True, jupyter=False, options=opts)


__all__ = ["LAYERS", "layer_colors", "manual_data", "render_spans", "spans_data"]
