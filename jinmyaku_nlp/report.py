"""HTML reports over the SPEC §5 record: one article (``render_article``) and a batch (``render_corpus``).

Both pages are Jinja2 templates under ``jinmyaku_nlp/templates`` with autoescaping on, so article
text can never become markup. This module only builds *view models* (plain dataclasses with the
numbers, labels and geometry the templates need); the templates own all the markup, including the
inline SVG charts. Pages are self-contained: CSS and JS are inlined from package data, nothing is
fetched, and the same record always renders to the same bytes.

The corpus report aggregates records in one pass with bounded memory (:class:`CorpusReport`), so
it can follow a stream of thousands of analyses without keeping their texts.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import jinja2

from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.record import ACT_TYPES, PATTERN_TYPES, Analysis, Cue, ErrorRecord, Sentence

# ----------------------------------------------------------------------------------------------
# Colours. Acts use the Okabe-Ito palette and patterns Paul Tol's "muted" palette: both stay
# distinguishable under the common colour-vision deficiencies, and every colour-coded label also
# carries text (an abbreviation or name), so colour is never the only signal.

#: act -> (colour, short badge text)
ACT_STYLE: dict[str, tuple[str, str]] = {
    "question": ("#56B4E9", "Q"),
    "rhetorical_question": ("#CC79A7", "RQ"),
    "call_to_action": ("#E69F00", "CTA"),
    "definition": ("#009E73", "DEF"),
    "generalization": ("#F0E442", "GEN"),
    "summary": ("#0072B2", "SUM"),
}
#: pattern type -> (colour, short badge text)
PATTERN_STYLE: dict[str, tuple[str, str]] = {
    "question_answer": ("#332288", "QA"),
    "reversal": ("#CC6677", "REV"),
    "concession": ("#117733", "CON"),
    "restatement": ("#882255", "RST"),
    "contrast": ("#44AA99", "CTR"),
    "reason": ("#999933", "RSN"),
}
#: claim kind -> colour
CLAIM_KIND_COLORS: dict[str, str] = {
    "thesis": "#0072B2",
    "definition": "#009E73",
    "prescription": "#E69F00",
    "evaluation": "#CC79A7",
}
UNKNOWN_COLOR = "#888888"
REJECTED_COLOR = "#888888"

#: How many characters of a sentence a reference (pattern role, ranked article) shows.
SNIPPET_CHARS = 48


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def tint(color: str, amount: float) -> str:
    """``color`` mixed with white: ``amount`` 1.0 is the colour itself, 0.0 is white."""
    r, g, b = _rgb(color)
    mix = [round(255 - (255 - v) * amount) for v in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def _luminance(color: str) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_color_on(background: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on ``background``."""
    lum = _luminance(background)
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    return "#000000" if on_black >= on_white else "#ffffff"


def readable_tint(color: str, amount: float, min_contrast: float = 7.0) -> str:
    """The strongest tint of ``color`` up to ``amount`` on which black text has ``min_contrast``
    (displaCy draws its span labels in black whatever the colour)."""
    while amount > 0 and (_luminance(tint(color, amount)) + 0.05) / 0.05 < min_contrast:
        amount = round(amount - 0.05, 2)
    return tint(color, max(amount, 0.0))


def act_color(act: str) -> str:
    return ACT_STYLE.get(act, (UNKNOWN_COLOR, ""))[0]


def pattern_color(ptype: str) -> str:
    return PATTERN_STYLE.get(ptype, (UNKNOWN_COLOR, ""))[0]


def claim_color(kind: str, stance: str) -> str:
    return REJECTED_COLOR if stance == "rejected" else CLAIM_KIND_COLORS.get(kind, UNKNOWN_COLOR)


# ----------------------------------------------------------------------------------------------
# Templates


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    # Autoescape everything: templates never receive pre-built markup, so no value is trusted.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("jinmyaku_nlp", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["fmt"] = _fmt_number
    return env


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    """The CSP of standalone pages: nothing may load from anywhere, and only the page's own two
    scripts (by hash) may run, so even markup that slipped past escaping could not execute."""
    env = _env()
    hashes = []
    for name in ("errors.js", "report.js"):
        digest = hashlib.sha256(env.get_template(name).render().encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return (
        f"default-src 'none'; script-src {' '.join(hashes)}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _fmt_number(value: float, digits: int = 1) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _anchor_prefix(article_id: str) -> str:
    # A fragment may share a notebook page with others: ids get a prefix unique to the article.
    return "jmk-" + hashlib.sha1(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------------------------
# Article view model


@dataclass(slots=True)
class CueMark:
    """Evidence shown on a piece of sentence text: which labels it supports and their rules."""

    labels: str
    rules: str
    texts: str

    @property
    def title(self) -> str:
        return _label_title(f"cue of {self.labels}", self.rules, self.texts)


@dataclass(slots=True)
class Piece:
    text: str
    cue: CueMark | None = None


@dataclass(slots=True)
class Badge:
    """A label on a sentence: an act, a pattern role, a claim, a heading or boilerplate flag."""

    text: str
    css: str
    label: str
    rule: str
    cue: str
    #: key of the pattern a role badge belongs to (hovering it highlights the pattern)
    pkey: str = ""
    href: str = ""

    @property
    def title(self) -> str:
        """The tooltip (plain text; the template escapes it): label, rule id and cue."""
        return _label_title(self.label, self.rule, self.cue)


def _label_title(label: str, rule: str, cue: str) -> str:
    return f"{label} · rule {rule}" + (f" · cue 「{cue}」" if cue else "")


@dataclass(slots=True)
class SentenceView:
    i: int
    anchor: str
    css: str
    title: str
    pattern_keys: str
    pieces: list[Piece]
    badges: list[Badge]
    br_before: bool = False
    kind: str = "sentence"


@dataclass(slots=True)
class TextItem:
    """Text outside every sentence (the segmenter never leaves any; foreign records might)."""

    text: str
    kind: str = "text"


@dataclass(slots=True)
class Block:
    kind: str  # "heading" | "para"
    items: list[SentenceView | TextItem] = field(default_factory=list)


@dataclass(slots=True)
class RoleRef:
    i: int
    href: str
    snippet: str


@dataclass(slots=True)
class RoleView:
    role: str
    sentences: list[RoleRef]


@dataclass(slots=True)
class PatternView:
    key: int
    id: str
    anchor: str
    type: str
    abbr: str
    color: str
    fg: str
    attrs: str
    confidence: float
    rule: str
    roles: list[RoleView]
    cues: list[Cue]


@dataclass(slots=True)
class ClaimView:
    key: int
    id: str
    anchor: str
    rank: int
    score: float
    kind: str
    stance: str
    text: str
    href: str
    topic: str
    predicate: str
    signals: str
    evidence: list[tuple[str, str]]
    color: str
    fg: str


@dataclass(slots=True)
class LegendItem:
    name: str
    abbr: str
    color: str
    fg: str
    count: int


@dataclass(slots=True)
class SectionRef:
    title: str
    href: str


@dataclass(slots=True)
class ArticleView:
    id: str
    source: str | None
    prefix: str
    chars: int
    n_sentences: int
    blocks: list[Block]
    patterns: list[PatternView]
    claims: list[ClaimView]
    key_terms: list[Any]
    sections: list[SectionRef]
    act_legend: list[LegendItem]
    pattern_legend: list[LegendItem]
    meta: dict[str, Any]
    density: float


def _as_analysis(record: Analysis | Mapping[str, Any]) -> Analysis:
    if isinstance(record, Analysis):
        return record
    if isinstance(record, ErrorRecord) or (isinstance(record, Mapping) and "error" in record):
        raise InputError("an error record has no analysis to render; render_corpus lists error records")
    if isinstance(record, Mapping):
        try:
            return Analysis.from_dict(record)
        except KeyError as exc:
            raise InputError(f"not a jinmyaku/1 record: missing field {exc}") from exc
    raise InputError(f"render_article needs an Analysis or its to_dict() form, not {type(record).__name__}")


def _valid_span(start: int, end: int, size: int) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size


class _ArticleBuilder:
    """Builds the :class:`ArticleView` of one analysis."""

    def __init__(self, a: Analysis) -> None:
        self.a = a
        self.text = a.text
        self.prefix = _anchor_prefix(a.id)
        self.sents = sorted((s for s in a.sentences if _valid_span(s.start, s.end, len(a.text))), key=lambda s: s.start)
        self.by_index = {s.i: s for s in self.sents}
        self.starts = [s.start for s in self.sents]
        # sentence i -> badges and pattern keys contributed by patterns and claims
        self.role_badges: dict[int, list[Badge]] = {}
        self.claim_badges: dict[int, list[Badge]] = {}
        self.pattern_keys: dict[int, list[str]] = {}
        # sentence i -> extra cue intervals (pattern cues found inside it)
        self.extra_cues: dict[int, list[tuple[int, int, str, str, str]]] = {}
        self.pattern_ids = {p.id: k for k, p in enumerate(a.patterns)}

    def href(self, i: int) -> str:
        return f"#{self.prefix}-s{i}"

    def sentence_at(self, offset: int) -> Sentence | None:
        k = bisect_right(self.starts, offset) - 1
        if k >= 0 and offset < self.sents[k].end:
            return self.sents[k]
        return None

    def build(self) -> ArticleView:
        patterns = [self.pattern_view(k, p) for k, p in enumerate(self.a.patterns)]
        claims = [self.claim_view(k, c) for k, c in enumerate(self.a.claims)]
        views = [self.sentence_view(s) for s in self.sents]
        act_counts = Counter(act for s in self.sents for act in s.acts)
        type_counts = Counter(p.type for p in self.a.patterns)
        chars = len(self.text)
        return ArticleView(
            id=self.a.id,
            source=self.a.source,
            prefix=self.prefix,
            chars=chars,
            n_sentences=len(self.sents),
            blocks=self.blocks(views),
            patterns=patterns,
            claims=claims,
            key_terms=list(self.a.key_terms),
            sections=[
                SectionRef(_snippet(sec.title, 40) or f"§{n + 1}", self.href(sec.start_sentence))
                for n, sec in enumerate(self.a.sections)
                if sec.start_sentence in self.by_index
            ],
            act_legend=_legend(ACT_STYLE, act_counts),
            pattern_legend=_legend(PATTERN_STYLE, type_counts),
            meta=dict(self.a.meta),
            density=1000 * len(self.a.patterns) / chars if chars else 0.0,
        )

    # -- patterns and claims: they also leave badges on the sentences they point at

    def pattern_view(self, key: int, p: Any) -> PatternView:
        color, abbr = PATTERN_STYLE.get(p.type, (UNKNOWN_COLOR, p.type[:3].upper()))
        roles: list[RoleView] = []
        cue_text = " / ".join(c.text for c in p.cues)
        for role, indices in p.roles.items():
            refs = []
            for i in indices:
                s = self.by_index.get(i)
                if s is None:
                    continue
                refs.append(RoleRef(i, self.href(i), _snippet(s.text)))
                self.pattern_keys.setdefault(i, []).append(str(key))
                self.role_badges.setdefault(i, []).append(
                    Badge(
                        text=f"{abbr} {role}",
                        css=f"jmk-role jmk-t-{p.type}",
                        label=f"{p.id} {p.type}: {role}",
                        rule=p.rule,
                        cue=cue_text,
                        pkey=str(key),
                        href=f"#{self.prefix}-pat{key}",
                    )
                )
            roles.append(RoleView(role, refs))
        for c in p.cues:
            if not _valid_span(c.start, c.end, len(self.text)):
                continue
            s = self.sentence_at(c.start)
            if s is not None:
                label = f"{p.id} {p.type}" + (f" ({c.label})" if c.label else "")
                self.extra_cues.setdefault(s.i, []).append((c.start, c.end, label, c.rule, c.text))
        attrs = ", ".join(f"{k}={v}" for k, v in p.attrs.items())
        return PatternView(
            key=key,
            id=p.id,
            anchor=f"{self.prefix}-pat{key}",
            type=p.type,
            abbr=abbr,
            color=color,
            fg=text_color_on(color),
            attrs=attrs,
            confidence=p.confidence,
            rule=p.rule,
            roles=roles,
            cues=[c for c in p.cues if c.text],
        )

    def claim_view(self, key: int, c: Any) -> ClaimView:
        color = claim_color(c.kind, c.stance)
        if c.sentence in self.by_index:
            rejected = c.stance == "rejected"
            self.claim_badges.setdefault(c.sentence, []).append(
                Badge(
                    text=("✕" if rejected else "★") + f"{c.rank} {c.kind}",
                    css="jmk-claimbadge" + (" jmk-rejected" if rejected else ""),
                    label=f"claim {c.id}: rank {c.rank}, {c.kind}, {c.stance}",
                    rule=", ".join(f"{k}+{v:g}" for k, v in c.signals.items()) or "ranking",
                    cue=" / ".join(x.text for x in c.cues),
                    href=f"#{self.prefix}-claim{key}",
                )
            )
        pattern_ids = self.pattern_ids
        return ClaimView(
            key=key,
            id=c.id,
            anchor=f"{self.prefix}-claim{key}",
            rank=c.rank,
            score=c.score,
            kind=c.kind,
            stance=c.stance,
            text=c.text,
            href=self.href(c.sentence) if c.sentence in self.by_index else "",
            topic=c.topic,
            predicate=c.predicate,
            signals=", ".join(f"{k} {v:+g}" for k, v in c.signals.items()),
            evidence=[(e, f"#{self.prefix}-pat{pattern_ids[e]}") for e in c.evidence if e in pattern_ids],
            color=color,
            fg=text_color_on(color),
        )

    # -- sentences

    def sentence_view(self, s: Sentence) -> SentenceView:
        css = ["jmk-s"]
        if s.heading:
            css.append("jmk-heading")
        if s.boilerplate:
            css.append("jmk-boiler")
        css.extend(f"jmk-a-{act}" for act in s.acts)
        if s.acts and s.acts[0] in ACT_STYLE:
            # the first act colours the sentence; every act also has a text badge
            css.append(f"jmk-bg-{s.acts[0]}")
        if s.i in self.claim_badges:
            css.append("jmk-claim")
        badges = self.flag_badges(s) + self.act_badges(s)
        badges += self.role_badges.get(s.i, []) + self.claim_badges.get(s.i, [])
        return SentenceView(
            i=s.i,
            anchor=f"{self.prefix}-s{s.i}",
            css=" ".join(css),
            title=self.sentence_title(s),
            pattern_keys=" ".join(self.pattern_keys.get(s.i, [])),
            pieces=self.pieces(s),
            badges=badges,
        )

    def sentence_title(self, s: Sentence) -> str:
        parts = [f"s{s.i}"]
        if s.acts:
            parts.append(", ".join(s.acts))
        # only what sets the sentence apart: the plain declarative positive case says nothing
        feats = [
            f"{k}={v}"
            for k in ("mood", "polarity", "modality", "connective")
            if (v := s.features.get(k)) not in (None, "", "none", "positive", "declarative")
        ]
        if feats:
            parts.append(" ".join(feats))
        return " · ".join(parts)

    def flag_badges(self, s: Sentence) -> list[Badge]:
        out = []
        for flag, on, text in (("heading", s.heading, "H"), ("boilerplate", s.boilerplate, "BP")):
            if on:
                cues = [c for c in s.cues if c.label == flag]
                out.append(
                    Badge(
                        text=text,
                        css="jmk-flag",
                        label=flag,
                        rule=", ".join(c.rule for c in cues) or "(no rule recorded)",
                        cue=" / ".join(c.text for c in cues),
                    )
                )
        return out

    def act_badges(self, s: Sentence) -> list[Badge]:
        out = []
        for act in s.acts:
            cues = [c for c in s.cues if c.label == act]
            abbr = ACT_STYLE.get(act, ("", act))[1]
            out.append(
                Badge(
                    text=abbr,
                    css=f"jmk-act jmk-act-{act}",
                    label=act,
                    rule=", ".join(c.rule for c in cues) or "(no rule recorded)",
                    cue=" / ".join(c.text for c in cues),
                )
            )
        return out

    def pieces(self, s: Sentence) -> list[Piece]:
        """The sentence text cut at cue boundaries; each cut piece knows the cues covering it."""
        cues = [
            (c.start, c.end, c.label, c.rule, c.text)
            for c in s.cues
            if c.label not in ("heading", "boilerplate") and _valid_span(c.start, c.end, len(self.text))
        ]
        cues += self.extra_cues.get(s.i, [])
        clipped = [(max(a, s.start), min(b, s.end), *rest) for a, b, *rest in cues]
        clipped = [c for c in clipped if c[0] < c[1]]
        cuts = sorted({s.start, s.end, *(c[0] for c in clipped), *(c[1] for c in clipped)})
        pieces = []
        for a, b in pairwise(cuts):
            covering = [c for c in clipped if c[0] <= a and b <= c[1]]
            mark = None
            if covering:
                mark = CueMark(
                    labels=" / ".join(dict.fromkeys(c[2] for c in covering)),
                    rules=" / ".join(dict.fromkeys(c[3] for c in covering)),
                    texts=" / ".join(dict.fromkeys(c[4] for c in covering)),
                )
            pieces.append(Piece(self.text[a:b], mark))
        return pieces

    def blocks(self, views: list[SentenceView]) -> list[Block]:
        """Group sentences into paragraphs and headings using the whitespace between them:
        a blank line starts a paragraph, a single line break stays a line break."""
        blocks: list[Block] = []
        current: Block | None = None
        pos = 0
        for s, v in zip(self.sents, views, strict=True):
            gap = self.text[pos : s.start] if s.start > pos else ""
            loose = gap.strip()
            if loose:
                if current is None:
                    current = Block("para")
                    blocks.append(current)
                current.items.append(TextItem(loose))
            breaks = gap.count("\n")
            if current is None or breaks >= 2 or s.heading or current.kind == "heading":
                current = Block("heading" if s.heading else "para")
                blocks.append(current)
            elif breaks == 1:
                v.br_before = True
            current.items.append(v)
            pos = max(pos, s.end)
        rest = self.text[pos:].strip()
        if rest:
            blocks.append(Block("para", [TextItem(rest)]))
        return blocks


def _legend(styles: Mapping[str, tuple[str, str]], counts: Mapping[str, int]) -> list[LegendItem]:
    return [
        LegendItem(name, abbr, color, text_color_on(color), counts.get(name, 0))
        for name, (color, abbr) in styles.items()
    ]


def article_view(analysis: Analysis | Mapping[str, Any]) -> ArticleView:
    """The view model the article template renders (exposed for custom templates)."""
    return _ArticleBuilder(_as_analysis(analysis)).build()


@dataclass(slots=True)
class PaletteRow:
    """One colour-coded label for the stylesheet: its name, colour, text colour and sentence tint."""

    kind: str  # "act" | "type"
    name: str
    color: str
    fg: str
    tint: str


def _palette() -> list[PaletteRow]:
    rows = [PaletteRow("act", a, c, text_color_on(c), tint(c, 0.28)) for a, (c, _) in ACT_STYLE.items()]
    rows += [PaletteRow("type", t, c, text_color_on(c), tint(c, 0.2)) for t, (c, _) in PATTERN_STYLE.items()]
    return rows


def render_article(analysis: Analysis | Mapping[str, Any], *, standalone: bool = True) -> str:
    """One article as HTML: sentences coloured by act, patterns with linked roles, ranked claims,
    key terms. ``standalone`` gives a full offline page; ``False`` a fragment for notebooks.

    ``analysis`` is an :class:`~jinmyaku_nlp.record.Analysis` or its ``to_dict()`` form.
    Raises :class:`~jinmyaku_nlp.errors.InputError` for an error record or a malformed dict.
    """
    view = article_view(analysis)
    template = _env().get_template("article.html.j2")
    return template.render(a=view, standalone=standalone, palette=_palette(), csp=content_security_policy())


# ----------------------------------------------------------------------------------------------
# Corpus aggregation (one pass, bounded memory)

GroupBy = str | Callable[[str, str | None], str]
GROUP_MODES = ("auto", "source", "id", "none")
OTHER_GROUP = "(other)"
#: claim counts at or above this share the last histogram bar
CLAIMS_HIST_CAP = 20
#: key-term table size at which rare terms (seen in one article) are dropped
TERM_TABLE_LIMIT = 50_000


def group_key(record_id: str, source: str | None, group_by: GroupBy = "auto") -> str:
    """The group of an article: the parent folder of ``source`` when there is one (``auto`` and
    ``source``), else the id up to its last ``-`` or ``_`` (``auto`` and ``id``)."""
    if callable(group_by):
        return str(group_by(record_id, source))
    if group_by not in GROUP_MODES:
        raise InputError(f"group_by must be one of {list(GROUP_MODES)} or a function (id, source) -> str")
    if group_by == "none":
        return "all"
    if group_by in ("auto", "source") and source:
        path = PureWindowsPath(source) if "\\" in source else PurePosixPath(source)
        if path.parent.name:
            return path.parent.name
    if group_by == "source":
        return "(no folder)"
    cut = max(record_id.rfind("-"), record_id.rfind("_"))
    return record_id[:cut] if cut > 0 else "(no prefix)"


@dataclass(slots=True)
class GroupStats:
    name: str
    articles: int = 0
    chars: int = 0
    sentences: int = 0
    patterns: int = 0
    claims: int = 0
    acts: Counter[str] = field(default_factory=Counter)
    pattern_types: Counter[str] = field(default_factory=Counter)

    @property
    def density(self) -> float:
        return 1000 * self.patterns / self.chars if self.chars else 0.0


@dataclass(slots=True)
class ArticleRow:
    """What the corpus report keeps of one article: a few numbers and its top claim, no text."""

    seq: int
    id: str
    group: str
    chars: int
    sentences: int
    patterns: int
    claims: int
    top_claim: str
    top_stance: str
    href: str = ""

    @property
    def density(self) -> float:
        return 1000 * self.patterns / self.chars if self.chars else 0.0


@dataclass(slots=True)
class ErrorRow:
    seq: int
    id: str
    type: str
    message: str
    source: str | None


@dataclass(slots=True)
class _Summary:
    """The numbers of one analysis, read without copying its text."""

    id: str
    source: str | None
    chars: int
    sentences: int
    acts: Counter[str]
    pattern_types: Counter[str]
    claims: int
    top_claim: str
    top_stance: str
    terms: list[tuple[str, int]]


def _summary(record: Analysis | Mapping[str, Any]) -> _Summary:
    if isinstance(record, Analysis):
        sents: Sequence[Any] = record.sentences
        acts = Counter(a for s in sents for a in s.acts)
        types = Counter(p.type for p in record.patterns)
        top = min(record.claims, key=lambda c: c.rank, default=None)
        return _Summary(
            record.id,
            record.source,
            len(record.text),
            len(sents),
            acts,
            types,
            len(record.claims),
            top.text if top else "",
            top.stance if top else "",
            [(k.term, k.count) for k in record.key_terms],
        )
    claims = record.get("claims") or []
    top_d = min(claims, key=lambda c: c.get("rank", math.inf), default=None)
    return _Summary(
        str(record.get("id", "")),
        record.get("source"),
        len(record.get("text") or ""),
        len(record.get("sentences") or []),
        Counter(a for s in record.get("sentences") or [] for a in s.get("acts", [])),
        Counter(p.get("type", "?") for p in record.get("patterns") or []),
        len(claims),
        str(top_d.get("text", "")) if top_d else "",
        str(top_d.get("stance", "")) if top_d else "",
        [(str(k.get("term", "")), int(k.get("count", 0))) for k in record.get("key_terms") or []],
    )


def _is_error(record: Any) -> bool:
    return isinstance(record, ErrorRecord) or (isinstance(record, Mapping) and "error" in record)


def _error_row(seq: int, record: ErrorRecord | Mapping[str, Any]) -> ErrorRow:
    if isinstance(record, ErrorRecord):
        return ErrorRow(seq, record.id, record.type, record.message, record.source)
    err = record.get("error") or {}
    if not isinstance(err, Mapping):
        err = {"message": str(err)}
    return ErrorRow(
        seq,
        str(record.get("id", "")),
        str(err.get("type", "error")),
        str(err.get("message", "")),
        record.get("source"),
    )


class CorpusReport:
    """One-pass aggregation of a stream of records for :func:`render_corpus`.

    Memory stays bounded whatever the stream length: per-group counters (at most ``max_groups``
    groups; later ones fold into ``(other)``), the ``top_articles`` densest articles (a heap), a
    histogram of claims per article, a key-term table pruned of one-article terms past
    :data:`TERM_TABLE_LIMIT` entries, and the first ``max_errors`` error records.
    """

    def __init__(
        self,
        *,
        group_by: GroupBy = "auto",
        top_articles: int = 300,
        top_terms: int = 20,
        max_groups: int = 40,
        max_errors: int = 500,
    ) -> None:
        if not callable(group_by) and group_by not in GROUP_MODES:
            raise InputError(f"group_by must be one of {list(GROUP_MODES)} or a function (id, source) -> str")
        self.group_by = group_by
        self.top_articles = top_articles
        self.top_terms = top_terms
        self.max_groups = max_groups
        self.max_errors = max_errors
        self.groups: dict[str, GroupStats] = {}
        self.total = GroupStats("all")
        self.claims_hist: Counter[int] = Counter()
        self.terms: dict[str, list[int]] = {}  # term -> [articles, occurrences]
        self.terms_pruned = False
        self.errors: list[ErrorRow] = []
        self.error_types: Counter[str] = Counter()
        self.n_errors = 0
        self._heap: list[tuple[float, int, ArticleRow]] = []
        self._seq = 0

    def add(self, record: Analysis | ErrorRecord | Mapping[str, Any]) -> None:
        """Count one record (an Analysis, an ErrorRecord or either's dict form)."""
        seq = self._seq
        self._seq += 1
        if _is_error(record):
            row = _error_row(seq, record)  # type: ignore[arg-type]
            self.n_errors += 1
            self.error_types[row.type] += 1
            if len(self.errors) < self.max_errors:
                self.errors.append(row)
            return
        if not isinstance(record, Analysis | Mapping):
            raise InputError(f"a corpus record is an Analysis, an ErrorRecord or a dict, not {type(record).__name__}")
        self._add_summary(seq, _summary(record))

    def add_all(self, records: Iterable[Analysis | ErrorRecord | Mapping[str, Any]]) -> CorpusReport:
        for r in records:
            self.add(r)
        return self

    def _group(self, s: _Summary) -> GroupStats:
        name = group_key(s.id, s.source, self.group_by)
        if name not in self.groups and len(self.groups) >= self.max_groups:
            name = OTHER_GROUP
        if name not in self.groups:
            self.groups[name] = GroupStats(name)
        return self.groups[name]

    def _add_summary(self, seq: int, s: _Summary) -> None:
        n_patterns = sum(s.pattern_types.values())
        group = self._group(s)
        for g in (group, self.total):
            g.articles += 1
            g.chars += s.chars
            g.sentences += s.sentences
            g.patterns += n_patterns
            g.claims += s.claims
            g.acts.update(s.acts)
            g.pattern_types.update(s.pattern_types)
        self.claims_hist[min(s.claims, CLAIMS_HIST_CAP)] += 1
        for term in dict.fromkeys(t for t, _ in s.terms):
            entry = self.terms.setdefault(term, [0, 0])
            entry[0] += 1
        for term, count in s.terms:
            self.terms[term][1] += count
        if len(self.terms) > TERM_TABLE_LIMIT:
            self._prune_terms()
        row = ArticleRow(
            seq, s.id, group.name, s.chars, s.sentences, n_patterns, s.claims, _snippet(s.top_claim, 90), s.top_stance
        )
        # min-heap on (density, -seq): the root is the least dense, latest article, dropped first
        key = (row.density, -seq, row)
        if len(self._heap) < self.top_articles:
            heapq.heappush(self._heap, key)
        elif key[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, key)

    def _prune_terms(self) -> None:
        # Terms key to a single article are the long tail: dropping them keeps the table bounded and
        # cannot change the top of a ranking by article count once the table is this large.
        self.terms = {t: v for t, v in self.terms.items() if v[0] > 1}
        self.terms_pruned = True
        if len(self.terms) > TERM_TABLE_LIMIT:
            keep = sorted(self.terms.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[: TERM_TABLE_LIMIT // 2]
            self.terms = dict(keep)

    @property
    def n_articles(self) -> int:
        return self.total.articles

    def ranked_articles(self) -> list[ArticleRow]:
        """The kept articles, densest first (ties in input order)."""
        return [row for _, _, row in sorted(self._heap, key=lambda k: (-k[0], -k[1]))]

    def top_key_terms(self) -> list[tuple[str, int, int]]:
        """(term, articles, occurrences), most widespread first."""
        ranked = sorted(self.terms.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        return [(t, v[0], v[1]) for t, v in ranked[: self.top_terms]]

    def overview(self) -> str:
        """A few plain-text lines summarising the batch (printed by ``jinmyaku report``)."""
        t = self.total
        per_article = t.claims / t.articles if t.articles else 0.0
        acts = ", ".join(f"{a} {t.acts[a]}" for a in ACT_TYPES)
        patterns = ", ".join(f"{p} {t.pattern_types[p]}" for p in PATTERN_TYPES)
        terms = ", ".join(term for term, _, _ in self.top_key_terms()[:8])
        return "\n".join(
            [
                f"{t.articles} articles ({self.n_errors} errors), {t.sentences} sentences, {t.chars} characters",
                f"acts: {acts}",
                f"patterns: {patterns} ({t.density:.2f} per 1,000 characters)",
                f"claims: {t.claims} ({per_article:.1f} per article); key terms: {terms}",
            ]
        )

    def render(self, *, reports_dir: str | Path | None = None, title: str = "jinmyaku corpus report") -> str:
        """The corpus page. With ``reports_dir``, ranked articles link to ``<id>.html`` files found there."""
        rows = self.ranked_articles()
        if reports_dir is not None:
            folder = Path(reports_dir)
            for row in rows:
                name = report_filename(row.id)
                if (folder / name).is_file():
                    row.href = name
        template = _env().get_template("corpus.html.j2")
        return template.render(
            c=_corpus_view(self, rows), title=title, palette=_palette(), csp=content_security_policy()
        )


# ----------------------------------------------------------------------------------------------
# Chart geometry: computed here, drawn by the template as inline SVG


@dataclass(slots=True)
class Bar:
    label: str
    value: float
    text: str
    length: float
    color: str
    title: str


@dataclass(slots=True)
class HeatCell:
    text: str
    fill: str
    fg: str
    title: str


@dataclass(slots=True)
class HeatRow:
    label: str
    title: str
    cells: list[HeatCell]


@dataclass(slots=True)
class Heatmap:
    columns: list[tuple[str, str]]  # (short label, full name)
    rows: list[HeatRow]
    unit: str


BAR_MAX = 320.0  # px, longest bar of a horizontal bar chart
HIST_HEIGHT = 140.0  # px, tallest histogram column


def _bars(items: Sequence[tuple[str, float, str, str]], unit: str) -> list[Bar]:
    """Horizontal bars scaled to the largest value; items are (label, value, colour, tooltip)."""
    top = max((v for _, v, _, _ in items), default=0) or 1
    return [
        Bar(
            label,
            value,
            _fmt_number(value),
            BAR_MAX * value / top,
            color,
            tip or f"{label}: {_fmt_number(value)} {unit}",
        )
        for label, value, color, tip in items
    ]


def _heatmap(
    groups: Sequence[GroupStats],
    names: Sequence[str],
    styles: Mapping[str, tuple[str, str]],
    counts: Callable[[GroupStats], Counter[str]],
    base: Callable[[GroupStats], int],
    per: int,
    unit: str,
) -> Heatmap:
    """Rate of each label per ``per`` units of ``base`` for each group; cells are shaded by column
    (a label's highest group is full colour), so groups compare within a label."""
    rates = {g.name: {n: (per * counts(g)[n] / base(g) if base(g) else 0.0) for n in names} for g in groups}
    col_max = {n: max((rates[g.name][n] for g in groups), default=0.0) for n in names}
    rows = []
    for g in groups:
        cells = []
        for n in names:
            rate = rates[g.name][n]
            share = rate / col_max[n] if col_max[n] else 0.0
            fill = tint(styles[n][0], 0.1 + 0.9 * share) if rate else "#f6f6f6"
            cells.append(
                HeatCell(
                    text=f"{rate:.1f}",
                    fill=fill,
                    fg=text_color_on(fill),
                    title=f"{g.name} · {n}: {counts(g)[n]:,} ({rate:.2f} per {per:,} {unit})",
                )
            )
        rows.append(HeatRow(_snippet(g.name, 18), f"{g.name}: {g.articles:,} articles", cells))
    return Heatmap([(styles[n][1], n) for n in names], rows, f"per {per:,} {unit}")


@dataclass(slots=True)
class CorpusView:
    n_articles: int
    n_errors: int
    total: GroupStats
    groups: list[GroupStats]
    act_bars: list[Bar]
    pattern_bars: list[Bar]
    act_heat: Heatmap
    pattern_heat: Heatmap
    claims_hist: list[Bar]
    claims_mean: float
    term_bars: list[Bar]
    terms_pruned: bool
    articles: list[ArticleRow]
    articles_total: int
    errors: list[ErrorRow]
    error_types: list[tuple[str, int]]
    act_legend: list[LegendItem]
    pattern_legend: list[LegendItem]


def _corpus_view(c: CorpusReport, rows: list[ArticleRow]) -> CorpusView:
    groups = sorted(c.groups.values(), key=lambda g: (g.name == OTHER_GROUP, -g.articles, g.name))
    t = c.total
    act_bars = _bars([(a, t.acts[a], act_color(a), "") for a in ACT_TYPES], "sentences")
    pattern_bars = _bars([(p, t.pattern_types[p], pattern_color(p), "") for p in PATTERN_TYPES], "patterns")
    hist_top = max(c.claims_hist.values(), default=0) or 1
    claims_hist = [
        Bar(
            f"{n}+" if n == CLAIMS_HIST_CAP else str(n),
            c.claims_hist[n],
            f"{c.claims_hist[n]:,}",
            HIST_HEIGHT * c.claims_hist[n] / hist_top,
            "#0072B2",
            f"{c.claims_hist[n]:,} articles with {n}{'+' if n == CLAIMS_HIST_CAP else ''} claims",
        )
        for n in range(0, (max(c.claims_hist, default=0)) + 1)
    ]
    term_bars = _bars(
        [
            (term, n_art, "#44AA99", f"{term}: key term of {n_art:,} articles, {occ:,} occurrences")
            for term, n_art, occ in c.top_key_terms()
        ],
        "articles",
    )
    return CorpusView(
        n_articles=c.n_articles,
        n_errors=c.n_errors,
        total=t,
        groups=groups,
        act_bars=act_bars,
        pattern_bars=pattern_bars,
        act_heat=_heatmap(groups, ACT_TYPES, ACT_STYLE, lambda g: g.acts, lambda g: g.sentences, 100, "sentences"),
        pattern_heat=_heatmap(
            groups, PATTERN_TYPES, PATTERN_STYLE, lambda g: g.pattern_types, lambda g: g.chars, 10_000, "chars"
        ),
        claims_hist=claims_hist,
        claims_mean=t.claims / t.articles if t.articles else 0.0,
        term_bars=term_bars,
        terms_pruned=c.terms_pruned,
        articles=rows,
        articles_total=c.n_articles,
        errors=c.errors,
        error_types=sorted(c.error_types.items(), key=lambda kv: (-kv[1], kv[0])),
        act_legend=_legend(ACT_STYLE, t.acts),
        pattern_legend=_legend(PATTERN_STYLE, t.pattern_types),
    )


def render_corpus(
    records: Iterable[Analysis | ErrorRecord | Mapping[str, Any]],
    *,
    group_by: GroupBy = "auto",
    reports_dir: str | Path | None = None,
    title: str = "jinmyaku corpus report",
    top_articles: int = 300,
) -> str:
    """One HTML page for a batch: act and pattern frequencies per group, claims per article, top key
    terms, articles ranked by rhetorical density (patterns per 1,000 characters) and error records.

    ``records`` is consumed once (a generator is fine); memory does not grow with its length.
    ``group_by``: ``"auto"`` (parent folder of ``source``, else the id before its last ``-``/``_``),
    ``"source"``, ``"id"``, ``"none"`` or a function ``(id, source) -> group``. With ``reports_dir``,
    ranked articles link to the ``<id>.html`` reports that exist there.
    """
    report = CorpusReport(group_by=group_by, top_articles=top_articles).add_all(records)
    return report.render(reports_dir=reports_dir, title=title)


# ----------------------------------------------------------------------------------------------
# Files

_UNSAFE = set('/\\:*?"<>|')


def report_filename(article_id: str) -> str:
    """The file name of an article's report: ``<id>.html``, with characters that cannot appear in
    a file name replaced by ``_`` (an article id ``index`` becomes ``index_.html``, leaving
    ``index.html`` to the corpus report)."""
    name = "".join("_" if ch in _UNSAFE or ord(ch) < 32 else ch for ch in article_id).strip()
    if name in ("", ".", ".."):
        name = "_" + name
    if name.lower() == "index":
        name += "_"
    return name + ".html"


def write_article(analysis: Analysis | Mapping[str, Any], path: str | Path) -> Path:
    """Write the standalone report of one article to ``path`` (UTF-8); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_article(analysis), encoding="utf-8")
    return out


def write_corpus(
    records: Iterable[Analysis | ErrorRecord | Mapping[str, Any]],
    path: str | Path,
    *,
    group_by: GroupBy = "auto",
    title: str = "jinmyaku corpus report",
) -> Path:
    """Write the corpus report to ``path``; ranked articles link to reports beside it."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_corpus(records, group_by=group_by, reports_dir=out.parent, title=title), encoding="utf-8")
    return out


@dataclass(slots=True)
class ReportSummary:
    articles: int
    errors: int
    index: Path
    #: plain-text overview of the batch (:meth:`CorpusReport.overview`)
    overview: str = ""


def write_reports(
    records: Iterable[Analysis | ErrorRecord | Mapping[str, Any]],
    out_dir: str | Path,
    *,
    group_by: GroupBy = "auto",
    title: str = "jinmyaku corpus report",
) -> ReportSummary:
    """The whole ``--format html`` output in one pass: ``out_dir/<id>.html`` for every analysed
    article and ``out_dir/index.html`` for the batch (error records are listed there)."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    report = CorpusReport(group_by=group_by)
    for record in records:
        if not _is_error(record):
            write_article(record, folder / report_filename(_record_id(record)))  # type: ignore[arg-type]
        report.add(record)
    index = folder / "index.html"
    index.write_text(report.render(reports_dir=folder, title=title), encoding="utf-8")
    return ReportSummary(report.n_articles, report.n_errors, index, report.overview())


def _record_id(record: Analysis | Mapping[str, Any]) -> str:
    return record.id if isinstance(record, Analysis) else str(record.get("id", ""))


__all__ = [
    "ACT_STYLE",
    "PATTERN_STYLE",
    "CorpusReport",
    "ReportSummary",
    "article_view",
    "group_key",
    "render_article",
    "render_corpus",
    "report_filename",
    "write_article",
    "write_corpus",
    "write_reports",
]
