"""Score analyses against gold annotations (SPEC §6 "Scoring"); what ``jinmyaku evaluate`` reports.

Gold files follow ``jinmyaku-gold/1``. Every QUOTE is resolved to a character span ``[start, end)``
of the article text; a system sentence, pattern role or claim *matches* a QUOTE when the two spans
overlap (share at least one character). The figures:

segmentation
    Boundary precision/recall/F1, only for gold files with ``sentences``. A boundary is the number of
    non-whitespace characters (``str.isspace``) before a sentence end, so line breaks and spaces never
    matter. Gold boundaries come from walking the gold sentences (whitespace removed) over the
    whitespace-free text; system boundaries from each sentence's ``end``. Every sentence end counts,
    the last one included; boundaries are compared as sets (tp = in both, fp = system only,
    fn = gold only). A sentence without a non-whitespace character has no boundary.

headings, boilerplate, each act
    Sentence level. For a label L: ``tp`` = system sentences labelled L that overlap some gold QUOTE of
    L; ``fp`` = system sentences labelled L that overlap none; ``fn`` = gold QUOTEs of L overlapped by
    no system sentence labelled L; ``tp_gold`` = gold QUOTEs of L that are overlapped.
    Precision = tp / (tp + fp) counts system sentences; recall = tp_gold / (tp_gold + fn) counts gold
    QUOTEs, so a gold sentence split in two by the system is neither rewarded twice nor punished.
    ``acts.micro`` sums the six acts. Only the act types present in a gold file's ``acts`` are scored
    for it (lists are exhaustive for the types they cover); a missing ``headings`` / ``boilerplate`` /
    ``acts`` / ``patterns`` / ``claims`` key means that part is not scored for the article.

patterns
    A system pattern matches a gold one when the types are equal and, for every scored gold role,
    some sentence of the system's role overlaps some QUOTE of that role (``restatement``'s ``source``
    is not scored). One-to-one greedy matching: system patterns in their list order, each taking the
    first still unmatched gold pattern (in gold order) it matches. Per type and micro P/R/F1
    (tp = matched pairs). ``setup_accuracy``: matched ``reversal`` pairs whose ``attrs.setup`` agree.

claims
    K = number of core gold claims. System claims are ordered by ``rank`` (list order breaks ties).
    ``precision_at_k`` = top-K system claims overlapping any gold claim (core or secondary) / K (a
    system with fewer than K claims is still divided by K); ``core_recall_at_2k`` = core gold claims
    overlapped by any of the top-2K system claims / K. Matching for the accuracies is one-to-one and
    greedy: system claims in rank order, each taking the unmatched overlapping gold claim with the
    largest overlap (gold order breaks ties); ``stance_accuracy`` and ``kind_accuracy`` are the shares
    of matched pairs whose ``stance`` / ``kind`` agree. ``rejected_recall`` = gold ``rejected`` claims
    overlapped by some system claim, anywhere in the list, whose stance is ``rejected`` / their number.

Zero denominators: a ratio whose denominator is 0 is 1.0 when the system also produced nothing of
that kind (nothing to find, nothing found) and 0.0 otherwise; F1 is 0.0 when P + R is 0. So a perfect
prediction scores 1.0 everywhere and an empty one 0.0 on every part the gold has something in.
For precision@K and recall@2K with K = 0 the top-K list is empty, so they are 1.0.

The result (``evaluate``) is micro-averaged over all articles (counts summed, then the figures), and
``per_article`` holds each article scored by itself with the same structure, so a caller can do
leave-one-article-out. A part that no article scores is ``None``. Figures are rounded to 4 places.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinmyaku_nlp.errors import DecodeError, GoldFormatError, InputError
from jinmyaku_nlp.ingest import decode_bytes
from jinmyaku_nlp.record import ACT_TYPES, CLAIM_KINDS, PATTERN_ROLES, PATTERN_TYPES, SETUP_KINDS, STANCES

GOLD_SCHEMA = "jinmyaku-gold/1"
#: pattern roles that gold may list but that are never scored (SPEC §3)
UNSCORED_ROLES: dict[str, frozenset[str]] = {"restatement": frozenset({"source"})}
CLAIM_LEVELS: tuple[str, ...] = ("core", "secondary")

Span = tuple[int, int]
AnalyzeFn = Callable[..., Any]

__all__ = [
    "GOLD_SCHEMA",
    "ArticleCounts",
    "ClaimCounts",
    "Counts",
    "Gold",
    "GoldClaim",
    "GoldPattern",
    "evaluate",
    "format_report",
    "gold_files",
    "load_gold",
    "score_article",
    "summarize",
]


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True, slots=True)
class GoldPattern:
    type: str
    #: scored roles only, each with its resolved QUOTE spans
    roles: dict[str, list[Span]]
    attrs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class GoldClaim:
    span: Span
    kind: str
    stance: str
    level: str


@dataclass(slots=True)
class Gold:
    """One gold file with every QUOTE resolved to a span of ``text``. ``None`` = part not annotated."""

    id: str
    path: Path
    text_path: Path
    text: str
    sentences: list[str] | None = None
    #: sentence ends of ``sentences`` in non-whitespace characters (see :func:`gold_boundaries`)
    boundaries: set[int] | None = None
    headings: list[Span] | None = None
    boilerplate: list[Span] | None = None
    acts: dict[str, list[Span]] | None = None
    patterns: list[GoldPattern] | None = None
    claims: list[GoldClaim] | None = None


class _GoldReader:
    """Validates one gold file's JSON; every problem becomes a GoldFormatError naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = ""

    def fail(self, reason: str) -> GoldFormatError:
        return GoldFormatError(f"{self.path}: {reason}")

    def read(self) -> Gold:
        data = self._json()
        if data.get("schema") != GOLD_SCHEMA:
            raise self.fail(f"schema must be {GOLD_SCHEMA!r}, found {data.get('schema')!r}")
        gold_id = data.get("id")
        if not isinstance(gold_id, str) or not gold_id:
            raise self.fail("'id' must be a non-empty string")
        text_path = self._text_path(data.get("text_file"))
        self.text = self._read_text(text_path)
        gold = Gold(id=gold_id, path=self.path, text_path=text_path, text=self.text)
        if "sentences" in data:
            gold.sentences = self._sentences(data["sentences"])
            # walking them now turns a typo into a clear error instead of a silently low score
            gold.boundaries = gold_boundaries(self.text, gold.sentences, fail=self.fail)
        if "headings" in data:
            gold.headings = self._quotes(data["headings"], "headings")
        if "boilerplate" in data:
            gold.boilerplate = self._quotes(data["boilerplate"], "boilerplate")
        if "acts" in data:
            gold.acts = self._acts(data["acts"])
        if "patterns" in data:
            gold.patterns = [self._pattern(p, n) for n, p in enumerate(self._list(data["patterns"], "patterns"))]
        if "claims" in data:
            gold.claims = [self._claim(c, n) for n, c in enumerate(self._list(data["claims"], "claims"))]
        return gold

    def _json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise self.fail("no such gold file") from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self.fail(f"not a readable UTF-8 JSON file ({exc})") from exc
        if not isinstance(data, dict):
            raise self.fail("the top level must be a JSON object")
        return data

    def _text_path(self, text_file: Any) -> Path:
        if not isinstance(text_file, str) or not text_file:
            raise self.fail("'text_file' must be a path relative to the gold file")
        # relative to the gold file's folder (SPEC §6), so a gold folder can move with its texts
        text_path = (self.path.parent / text_file).resolve()
        if not text_path.is_file():
            raise self.fail(f"text_file {text_file!r} does not exist (looked for {text_path})")
        return text_path

    def _read_text(self, text_path: Path) -> str:
        # decoded exactly as `jinmyaku analyze` decodes a file, so offsets agree with its records
        try:
            text, _ = decode_bytes(text_path.read_bytes())
        except DecodeError as exc:
            raise self.fail(f"text_file {text_path}: {exc}") from exc
        return text

    def _list(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"{where} must be a list")
        return value

    def _sentences(self, value: Any) -> list[str]:
        sentences = self._list(value, "sentences")
        for n, s in enumerate(sentences):
            if not isinstance(s, str) or not _without_space(s):
                raise self.fail(f"sentences[{n}] must be a non-empty string")
        return sentences

    def _quotes(self, value: Any, where: str) -> list[Span]:
        return [self.quote(q, f"{where}[{n}]") for n, q in enumerate(self._list(value, where))]

    def quote(self, quote: Any, where: str) -> Span:
        """The span of one QUOTE: a string occurring once, or ``{"text": ..., "nth": k}`` (1-based)."""
        if isinstance(quote, str):
            needle, nth = quote, None
        elif isinstance(quote, dict) and set(quote) == {"text", "nth"}:
            needle, nth = quote["text"], quote["nth"]
            if not isinstance(nth, int) or isinstance(nth, bool) or nth < 1:
                raise self.fail(f"{where}: 'nth' must be an integer >= 1, found {nth!r}")
        else:
            raise self.fail(f'{where}: a QUOTE is a string or {{"text": ..., "nth": k}}, found {quote!r}')
        if not isinstance(needle, str) or not needle:
            raise self.fail(f"{where}: the quoted text must be a non-empty string")
        starts = list(_occurrences(self.text, needle))
        if not starts:
            raise self.fail(f"{where}: {needle!r} does not occur in the text")
        if nth is None and len(starts) > 1:
            raise self.fail(f'{where}: {needle!r} occurs {len(starts)} times; write {{"text": ..., "nth": k}}')
        if nth is not None and nth > len(starts):
            raise self.fail(f"{where}: nth={nth} but {needle!r} occurs only {len(starts)} time(s)")
        start = starts[(nth or 1) - 1]
        return (start, start + len(needle))

    def _acts(self, value: Any) -> dict[str, list[Span]]:
        if not isinstance(value, dict):
            raise self.fail("acts must be an object {act: [QUOTE]}")
        unknown = sorted(set(value) - set(ACT_TYPES))
        if unknown:
            raise self.fail(f"acts: unknown act type(s) {unknown}; known: {list(ACT_TYPES)}")
        return {act: self._quotes(value[act], f"acts.{act}") for act in ACT_TYPES if act in value}

    def _pattern(self, value: Any, n: int) -> GoldPattern:
        where = f"patterns[{n}]"
        if not isinstance(value, dict) or not isinstance(value.get("roles"), dict):
            raise self.fail(f"{where} must be an object with 'type' and 'roles'")
        ptype = value.get("type")
        if ptype not in PATTERN_TYPES:
            raise self.fail(f"{where}: unknown pattern type {ptype!r}; known: {list(PATTERN_TYPES)}")
        unknown = sorted(set(value["roles"]) - set(PATTERN_ROLES[ptype]))
        if unknown:
            raise self.fail(f"{where}: unknown role(s) {unknown} for {ptype}; known: {list(PATTERN_ROLES[ptype])}")
        roles: dict[str, list[Span]] = {}
        for role in _scored_roles(ptype):
            quotes = self._quotes(value["roles"].get(role, []), f"{where}.roles.{role}")
            if not quotes:
                raise self.fail(f"{where}: role {role!r} of {ptype} needs at least one QUOTE")
            roles[role] = quotes
        attrs = value.get("attrs", {})
        if not isinstance(attrs, dict):
            raise self.fail(f"{where}: attrs must be an object")
        if ptype == "reversal" and attrs.get("setup") not in SETUP_KINDS:
            raise self.fail(f"{where}: a reversal needs attrs.setup in {list(SETUP_KINDS)}")
        return GoldPattern(ptype, roles, dict(attrs))

    def _claim(self, value: Any, n: int) -> GoldClaim:
        where = f"claims[{n}]"
        if not isinstance(value, dict) or "quote" not in value:
            raise self.fail(f"{where} must be an object with 'quote', 'kind', 'stance', 'level'")
        for key, allowed in (("kind", CLAIM_KINDS), ("stance", STANCES), ("level", CLAIM_LEVELS)):
            if value.get(key) not in allowed:
                raise self.fail(f"{where}: {key} must be one of {list(allowed)}, found {value.get(key)!r}")
        span = self.quote(value["quote"], f"{where}.quote")
        return GoldClaim(span, value["kind"], value["stance"], value["level"])


def load_gold(path: Path) -> Gold:
    """Read and validate one ``jinmyaku-gold/1`` file; :class:`GoldFormatError` names file and reason."""
    return _GoldReader(Path(path)).read()


def gold_files(paths: Iterable[Path]) -> list[Path]:
    """Gold files named by ``paths``: files as given, folders searched recursively for ``*.json``."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(p.rglob("*.json")))
        elif p.is_file():
            found.append(p)
        else:
            raise GoldFormatError(f"{p}: no such gold file or folder")
    return found


def _occurrences(text: str, needle: str) -> Iterator[int]:
    """Every start of ``needle`` in ``text``, overlapping ones included (so "once" is strict)."""
    i = text.find(needle)
    while i != -1:
        yield i
        i = text.find(needle, i + 1)


def _scored_roles(ptype: str) -> tuple[str, ...]:
    skip = UNSCORED_ROLES.get(ptype, frozenset())
    return tuple(r for r in PATTERN_ROLES[ptype] if r not in skip)


def _without_space(s: str) -> str:
    return "".join(ch for ch in s if not ch.isspace())


def gold_boundaries(text: str, sentences: Sequence[str], *, fail: Callable[[str], Exception]) -> set[int]:
    """Sentence ends of the gold segmentation, in non-whitespace characters of ``text``.

    The sentences (whitespace removed) must follow one another over the whitespace-free text from
    its start; text after the last sentence is left unsegmented.
    """
    flat = _without_space(text)
    pos = 0
    ends: set[int] = set()
    for n, sentence in enumerate(sentences):
        piece = _without_space(sentence)
        if flat[pos : pos + len(piece)] != piece:
            found = flat[pos : pos + len(piece)]
            raise fail(
                f"sentences[{n}] {sentence!r} does not follow the previous sentence in the text (found {found!r})"
            )
        pos += len(piece)
        ends.add(pos)
    return ends


# --------------------------------------------------------------------------- predictions


@dataclass(slots=True)
class _PredSentence:
    span: Span
    heading: bool
    boilerplate: bool
    acts: frozenset[str]


@dataclass(slots=True)
class _PredPattern:
    type: str
    roles: dict[str, list[Span]]
    attrs: dict[str, Any]


@dataclass(slots=True)
class _PredClaim:
    span: Span
    kind: str
    stance: str


@dataclass(slots=True)
class _Prediction:
    sentences: list[_PredSentence] = field(default_factory=list)
    patterns: list[_PredPattern] = field(default_factory=list)
    #: in rank order
    claims: list[_PredClaim] = field(default_factory=list)


def _span(d: Mapping[str, Any], where: str) -> Span:
    start, end = d.get("start"), d.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        raise InputError(f"{where}: 'start' and 'end' must be integers")
    return (start, end)


def _parse_prediction(record: Mapping[str, Any], where: str, text: str) -> _Prediction:
    """A §5 record reduced to what is scored; InputError when it cannot be scored against ``text``."""
    if "error" in record and "sentences" not in record:
        return _Prediction()  # a failed article scores as an empty prediction
    if isinstance(record.get("text"), str) and record["text"] != text:
        raise InputError(f"{where}: the record's text differs from the gold text, so its offsets cannot be scored")
    try:
        sentences = {s["i"]: s for s in record.get("sentences", [])}
        # roles name sentences by their ``i``, not by list position (SPEC §5)
        spans = {i: _span(s, f"{where}: sentence {i}") for i, s in sentences.items()}
        pred = _Prediction()
        pred.sentences = [
            _PredSentence(spans[i], bool(s.get("heading")), bool(s.get("boilerplate")), frozenset(s.get("acts", [])))
            for i, s in sentences.items()
        ]
        pred.patterns = [
            _PredPattern(
                p["type"],
                {role: [spans[i] for i in idx] for role, idx in p.get("roles", {}).items()},
                dict(p.get("attrs", {})),
            )
            for p in record.get("patterns", [])
        ]
        claims = sorted(enumerate(record.get("claims", [])), key=lambda nc: (nc[1].get("rank", 0), nc[0]))
        pred.claims = [
            _PredClaim(_span(c, f"{where}: claim {n}"), c.get("kind", ""), c.get("stance", "")) for n, c in claims
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{where}: not a jinmyaku/1 record ({type(exc).__name__}: {exc})") from exc
    return pred


def _read_jsonl(path: Path) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{line_no}: not JSON ({exc})") from exc
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise InputError(f"{path}:{line_no}: a record must be an object with a string 'id'")
            records[record["id"]] = record
    return records


class _PredSource:
    """Where predicted records come from: a folder of ``<id>.json`` or a ``.jsonl`` file."""

    def __init__(self, pred: Path) -> None:
        self.pred = Path(pred)
        if not self.pred.exists():
            raise InputError(f"{self.pred}: no such prediction folder or file")
        self._jsonl = None if self.pred.is_dir() else _read_jsonl(self.pred)

    def record(self, gold: Gold) -> tuple[dict[str, Any], str]:
        """The record of ``gold``'s article, found by the gold id or else by the text file's name.

        The fallback is there because ``jinmyaku analyze FILE`` names a record after its file.
        """
        names = dict.fromkeys((gold.id, gold.text_path.stem))
        if self._jsonl is not None:
            for name in names:
                if name in self._jsonl:
                    return self._jsonl[name], f"{self.pred} (id {name})"
            raise InputError(f"{self.pred}: no record with id {' or '.join(map(repr, names))}")
        for name in names:
            path = self.pred / f"{name}.json"
            if path.is_file():
                return _read_record(path), str(path)
        tried = " or ".join(f"{n}.json" for n in names)
        raise InputError(f"{self.pred}: missing {tried}; the prediction folder needs one record per gold article")


def _read_record(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a UTF-8 JSON record ({exc})") from exc
    if not isinstance(record, dict):
        raise InputError(f"{path}: a record must be a JSON object")
    return record


# --------------------------------------------------------------------------- counting


@dataclass(slots=True)
class Counts:
    """Match counts of one label; ``tp`` counts system items, ``tp_gold`` gold items (see module doc)."""

    tp: int = 0
    fp: int = 0
    tp_gold: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.tp_gold += other.tp_gold
        self.fn += other.fn


@dataclass(slots=True)
class ClaimCounts:
    k: int = 0
    hits_at_k: int = 0
    core_hits_at_2k: int = 0
    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    stance_correct: int = 0
    kind_correct: int = 0
    rejected: int = 0
    rejected_recalled: int = 0
    n_pred_rejected: int = 0

    def add(self, other: ClaimCounts) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class ArticleCounts:
    """Everything counted for one article; ``None`` = that part is not annotated in its gold."""

    id: str
    segmentation: Counts | None = None
    headings: Counts | None = None
    boilerplate: Counts | None = None
    acts: dict[str, Counts] | None = None
    patterns: dict[str, Counts] | None = None
    #: (matched reversals, of which setup agrees, reversals in gold and system together)
    setup: tuple[int, int, int] | None = None
    claims: ClaimCounts | None = None


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _overlap_len(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _label_counts(system: Sequence[Span], gold: Sequence[Span]) -> Counts:
    tp = sum(1 for s in system if any(_overlaps(s, q) for q in gold))
    tp_gold = sum(1 for q in gold if any(_overlaps(s, q) for s in system))
    return Counts(tp=tp, fp=len(system) - tp, tp_gold=tp_gold, fn=len(gold) - tp_gold)


def _segmentation_counts(text: str, expected: set[int], pred: _Prediction) -> Counts:
    prefix = [0]  # prefix[i] = non-whitespace characters in text[:i]
    for ch in text:
        prefix.append(prefix[-1] + (not ch.isspace()))
    found: set[int] = set()
    for s in pred.sentences:
        start, end = max(0, s.span[0]), min(len(text), s.span[1])
        if end > start and prefix[end] > prefix[start]:
            found.add(prefix[end])
    tp = len(found & expected)
    return Counts(tp=tp, fp=len(found) - tp, tp_gold=tp, fn=len(expected) - tp)


def _pattern_matches(gold: GoldPattern, system: _PredPattern) -> bool:
    if gold.type != system.type:
        return False
    return all(
        any(_overlaps(s, q) for s in system.roles.get(role, ()) for q in quotes) for role, quotes in gold.roles.items()
    )


def _pattern_counts(
    gold: Sequence[GoldPattern], pred: Sequence[_PredPattern]
) -> tuple[dict[str, Counts], list[tuple[GoldPattern, _PredPattern]]]:
    """Per-type counts and the matched ``(gold, system)`` pairs of one-to-one greedy matching."""
    free = list(range(len(gold)))
    pairs: list[tuple[GoldPattern, _PredPattern]] = []
    counts = {t: Counts() for t in PATTERN_TYPES}
    for p in pred:
        hit = next((g for g in free if _pattern_matches(gold[g], p)), None)
        if hit is None:
            if p.type in counts:
                counts[p.type].fp += 1
            continue
        free.remove(hit)
        pairs.append((gold[hit], p))
        counts[p.type].tp += 1
        counts[p.type].tp_gold += 1
    for g in free:
        counts[gold[g].type].fn += 1
    return counts, pairs


def _claim_counts(gold: Sequence[GoldClaim], pred: Sequence[_PredClaim]) -> ClaimCounts:
    core = [g for g in gold if g.level == "core"]
    k = len(core)
    c = ClaimCounts(k=k, n_gold=len(gold), n_pred=len(pred))
    c.hits_at_k = sum(1 for p in pred[:k] if any(_overlaps(p.span, g.span) for g in gold))
    c.core_hits_at_2k = sum(1 for g in core if any(_overlaps(p.span, g.span) for p in pred[: 2 * k]))
    free = list(range(len(gold)))
    for p in pred:
        best = max(free, key=lambda g: _overlap_len(p.span, gold[g].span), default=None)
        if best is None or not _overlaps(p.span, gold[best].span):
            continue
        free.remove(best)
        c.matched += 1
        c.stance_correct += p.stance == gold[best].stance
        c.kind_correct += p.kind == gold[best].kind
    rejected = [g for g in gold if g.stance == "rejected"]
    c.rejected = len(rejected)
    c.rejected_recalled = sum(
        1 for g in rejected if any(p.stance == "rejected" and _overlaps(p.span, g.span) for p in pred)
    )
    c.n_pred_rejected = sum(1 for p in pred if p.stance == "rejected")
    return c


def score_article(gold: Gold, record: Mapping[str, Any], *, where: str = "") -> ArticleCounts:
    """Count one article's matches; ``record`` is its §5 prediction dict."""
    pred = _parse_prediction(record, where or f"prediction for {gold.id}", gold.text)
    counts = ArticleCounts(id=gold.id)
    if gold.boundaries is not None:
        counts.segmentation = _segmentation_counts(gold.text, gold.boundaries, pred)
    if gold.headings is not None:
        counts.headings = _label_counts([s.span for s in pred.sentences if s.heading], gold.headings)
    if gold.boilerplate is not None:
        counts.boilerplate = _label_counts([s.span for s in pred.sentences if s.boilerplate], gold.boilerplate)
    if gold.acts is not None:
        counts.acts = {
            act: _label_counts([s.span for s in pred.sentences if act in s.acts], quotes)
            for act, quotes in gold.acts.items()
        }
    if gold.patterns is not None:
        counts.patterns, pairs = _pattern_counts(gold.patterns, pred.patterns)
        reversals = [(g, p) for g, p in pairs if g.type == "reversal"]
        agreed = sum(1 for g, p in reversals if p.attrs.get("setup") == g.attrs.get("setup"))
        either = sum(1 for p in pred.patterns if p.type == "reversal") + sum(
            1 for g in gold.patterns if g.type == "reversal"
        )
        counts.setup = (len(reversals), agreed, either)
    if gold.claims is not None:
        counts.claims = _claim_counts(gold.claims, pred.claims)
    return counts


# --------------------------------------------------------------------------- figures


def _ratio(num: int, den: int, *, nothing_produced: bool) -> float:
    if den:
        return num / den
    return 1.0 if nothing_produced else 0.0


def _fig(value: float) -> float:
    return round(value, 4)


def _prf(c: Counts) -> dict[str, Any]:
    produced, expected = c.tp + c.fp, c.tp_gold + c.fn
    both_empty = produced == 0 and expected == 0
    p = _ratio(c.tp, produced, nothing_produced=both_empty)
    r = _ratio(c.tp_gold, expected, nothing_produced=both_empty)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": _fig(p), "r": _fig(r), "f1": _fig(f1), "tp": c.tp, "fp": c.fp, "fn": c.fn, "tp_gold": c.tp_gold}


def _summed(items: Iterable[Counts | None]) -> Counts | None:
    present = [c for c in items if c is not None]
    if not present:
        return None
    total = Counts()
    for c in present:
        total.add(c)
    return total


def _label_block(parts: Sequence[dict[str, Counts] | None], labels: Sequence[str]) -> dict[str, Any] | None:
    present = [d for d in parts if d is not None]
    if not present:
        return None
    block: dict[str, Any] = {}
    micro = Counts()
    for label in labels:
        total = _summed(d.get(label) for d in present)
        block[label] = None if total is None else _prf(total)
        if total is not None:
            micro.add(total)
    return {"micro": _prf(micro), **block}


def _claims_block(parts: Sequence[ClaimCounts | None]) -> dict[str, Any] | None:
    present = [c for c in parts if c is not None]
    if not present:
        return None
    c = ClaimCounts()
    for part in present:
        c.add(part)
    none_at_all = c.n_gold == 0 and c.n_pred == 0
    return {
        "precision_at_k": _fig(_ratio(c.hits_at_k, c.k, nothing_produced=True)),
        "core_recall_at_2k": _fig(_ratio(c.core_hits_at_2k, c.k, nothing_produced=True)),
        "stance_accuracy": _fig(_ratio(c.stance_correct, c.matched, nothing_produced=none_at_all)),
        "kind_accuracy": _fig(_ratio(c.kind_correct, c.matched, nothing_produced=none_at_all)),
        "rejected_recall": _fig(_ratio(c.rejected_recalled, c.rejected, nothing_produced=c.n_pred_rejected == 0)),
        **{name: getattr(c, name) for name in c.__slots__},
    }


def _setup_figure(parts: Sequence[tuple[int, int, int] | None]) -> tuple[float, int]:
    present = [s for s in parts if s is not None]
    matched = sum(s[0] for s in present)
    agreed = sum(s[1] for s in present)
    either = sum(s[2] for s in present)
    return _fig(_ratio(agreed, matched, nothing_produced=either == 0)), matched


def summarize(articles: Sequence[ArticleCounts]) -> dict[str, Any]:
    """Micro-averaged figures over ``articles`` (counts summed first), without ``per_article``."""

    def prf_or_none(name: str) -> dict[str, Any] | None:
        total = _summed(getattr(a, name) for a in articles)
        return None if total is None else _prf(total)

    patterns = _label_block([a.patterns for a in articles], PATTERN_TYPES)
    if patterns is not None:
        patterns["setup_accuracy"], patterns["setup_matched"] = _setup_figure([a.setup for a in articles])
    return {
        "articles": len(articles),
        "segmentation": prf_or_none("segmentation"),
        "headings": prf_or_none("headings"),
        "boilerplate": prf_or_none("boilerplate"),
        "acts": _label_block([a.acts for a in articles], ACT_TYPES),
        "patterns": patterns,
        "claims": _claims_block([a.claims for a in articles]),
    }


def _default_analyze() -> AnalyzeFn:
    # imported late: scoring saved predictions must not need spaCy and the pipeline
    from jinmyaku_nlp.api import analyze

    return analyze


def _as_record(result: Any) -> dict[str, Any]:
    if hasattr(result, "to_dict"):
        return result.to_dict()
    if isinstance(result, Mapping):
        return dict(result)
    raise InputError(f"analyze returned {type(result).__name__}; expected an Analysis or a §5 dict")


def evaluate(
    gold: Sequence[Path | str],
    pred: Path | str | None = None,
    *,
    analyze: AnalyzeFn | None = None,
) -> dict[str, Any]:
    """Score predictions against gold files (SPEC §6); a JSON-able dict (see the module docstring).

    ``gold``: gold files or folders (searched recursively for ``*.json``). ``pred``: a folder of
    ``<id>.json`` §5 records or a ``.jsonl`` file of them (a record is looked up by the gold id, then
    by the name of the gold's text file without extension, as ``jinmyaku analyze`` names it); without it each gold text is analysed with
    ``analyze(text, id=gold_id)`` (default :func:`jinmyaku_nlp.analyze`).
    Raises :class:`GoldFormatError` for a bad gold file, :class:`InputError` for a bad prediction.
    """
    golds = [load_gold(p) for p in gold_files(map(Path, gold))]
    seen: dict[str, Path] = {}
    for g in golds:
        if g.id in seen:
            raise GoldFormatError(f"{g.path}: id {g.id!r} is also the id of {seen[g.id]}")
        seen[g.id] = g.path
    source = _PredSource(Path(pred)) if pred is not None else None
    analyze_fn = analyze or _default_analyze()
    articles: list[ArticleCounts] = []
    for g in golds:
        if source is not None:
            record, where = source.record(g)
        else:
            record, where = _as_record(analyze_fn(g.text, id=g.id)), f"analysis of {g.id}"
        articles.append(score_article(g, record, where=where))
    result = summarize(articles)
    result["per_article"] = {a.id: summarize([a]) for a in articles}
    return result


# --------------------------------------------------------------------------- report


def _prf_row(name: str, block: Mapping[str, Any] | None) -> str:
    if block is None:
        return f"{name:<24}{'-':>7}"
    return (
        f"{name:<24}{block['p']:>7.3f}{block['r']:>7.3f}{block['f1']:>7.3f}"
        f"{block['tp']:>6}{block['fp']:>6}{block['fn']:>6}"
    )


def _block_rows(title: str, block: Mapping[str, Any] | None, labels: Sequence[str]) -> list[str]:
    if block is None:
        return [_prf_row(title, None)]
    return [_prf_row(title, block["micro"])] + [_prf_row(f"  {label}", block[label]) for label in labels]


def format_report(result: Mapping[str, Any]) -> str:
    """A plain-text table of an :func:`evaluate` result, for people (the CLI prints JSON by default)."""
    lines = [
        f"articles: {result['articles']}",
        f"{'':<24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}",
        _prf_row("segmentation", result["segmentation"]),
        _prf_row("headings", result["headings"]),
        _prf_row("boilerplate", result["boilerplate"]),
        *_block_rows("acts (micro)", result["acts"], ACT_TYPES),
        *_block_rows("patterns (micro)", result["patterns"], PATTERN_TYPES),
    ]
    patterns = result["patterns"]
    if patterns is not None:
        lines.append(
            f"  setup accuracy        {patterns['setup_accuracy']:>7.3f}  ({patterns['setup_matched']} matched)"
        )
    claims = result["claims"]
    if claims is not None:
        lines.append(f"claims (K = {claims['k']} core, {claims['matched']} matched)")
        for key in ("precision_at_k", "core_recall_at_2k", "stance_accuracy", "kind_accuracy", "rejected_recall"):
            lines.append(f"  {key:<22}{claims[key]:>7.3f}")
    per_article = result.get("per_article")
    if per_article:
        lines += ["", f"{'article':<36}{'seg':>6}{'acts':>6}{'pat':>6}{'P@K':>6}{'R@2K':>6}"]
        lines += [_article_row(aid, r) for aid, r in per_article.items()]
        lines += _spread_rows(list(per_article.values()))
    return "\n".join(lines)


def _article_figures(r: Mapping[str, Any]) -> list[float | None]:
    """seg F1, acts micro-F1, patterns micro-F1, P@K, R@2K of one article (None = not annotated)."""
    claims = r["claims"]
    return [
        r["segmentation"]["f1"] if r["segmentation"] else None,
        r["acts"]["micro"]["f1"] if r["acts"] else None,
        r["patterns"]["micro"]["f1"] if r["patterns"] else None,
        claims["precision_at_k"] if claims else None,
        claims["core_recall_at_2k"] if claims else None,
    ]


def _spread_rows(articles: Sequence[Mapping[str, Any]]) -> list[str]:
    """Min, median and max of each per-article figure: a wide spread means rules fit some articles."""
    columns = list(zip(*(_article_figures(r) for r in articles), strict=True))
    rows = []
    for name, pick in (("min", min), ("median", statistics.median), ("max", max)):
        cells = []
        for col in columns:
            values = [v for v in col if v is not None]
            cells.append(f"{pick(values):>6.2f}" if values else f"{'-':>6}")
        rows.append(f"{'  ' + name:<36}{''.join(cells)}")
    return rows


def _article_row(article_id: str, r: Mapping[str, Any]) -> str:
    cells = (f"{v:>6.2f}" if v is not None else f"{'-':>6}" for v in _article_figures(r))
    return f"{article_id:<36}{''.join(cells)}"
