"""fugashi + unidic-lite as a registered spaCy tokenizer.

The tokenizer reproduces its input exactly (``doc.text == text``): whitespace runs that MeCab
skips become whitespace tokens, and every word is a slice of the original text. Tokens carry
the UniDic POS as ``tag_`` (``動詞-非自立可能``), the UD POS as ``pos_``, the UniDic lemma as
``lemma_``, and ``morph`` features ``Inflection=<conjugation type>;<conjugation form>``,
``Reading=<katakana>`` and ``Base=<dictionary form as written>``.

Text is fed to MeCab in chunks that end at line breaks, so a very long article costs time in
proportion to its length and NUL bytes (which end a C string) never truncate the input.
"""

from __future__ import annotations

import contextlib
import csv
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any

import numpy
from spacy.attrs import LEMMA, MORPH, POS, TAG
from spacy.lang.ja.tag_map import TAG_MAP
from spacy.parts_of_speech import IDS
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from jinmyaku_nlp.errors import InputError, JinmyakuError
from jinmyaku_nlp.pipeline import DocTokens, offer_tokens

#: MeCab reads at most this many characters at a time; chunks end at a line break when possible.
CHUNK_CHARS = 4096
_FEATURE_CACHE_MAX = 100_000  # ~20 MB at most: memory stays flat over a corpus
_UNKNOWN_FEATURES = ("", "X", "", "")  # tag, pos, morph, lemma (= the word) for text MeCab cannot place
_SPACE_TAG = "空白"
_SURROGATE = re.compile("[\ud800-\udfff]")
#: the blanks MeCab skips between words (it returns other whitespace, U+3000 or CR, as words)
_SKIPPED = re.compile("[ \t\n]+")
#: whitespace MeCab may return as a word of its own
_BLANK = re.compile(r"[^\S \t\n]")


def _ud_pos(tag: str) -> str:
    """UD POS for a UniDic tag, from spaCy's own Japanese tag map (prefix fallback)."""
    from spacy.parts_of_speech import NAMES

    probe = tag
    while probe:
        entry = TAG_MAP.get(probe)
        if entry is not None:
            return NAMES[entry[POS]]
        probe = probe.rpartition("-")[0]
    return "X"


def _make_tagger() -> Any:
    try:
        import fugashi
        import unidic_lite  # noqa: F401  (fugashi finds the dictionary through it)
    except ImportError as exc:  # pragma: no cover - exercised only without the dependency
        raise JinmyakuError(
            "jinmyaku_nlp needs fugashi and unidic-lite: pip install 'fugashi>=1.3' unidic-lite"
        ) from exc
    # MeCab also writes each token as "surface<TAB>features" (the same features as a node's
    # feature_raw): reading one string is cheaper than one Python node object per token.
    # (fugashi splits the options shell-style, so MeCab's own escapes need a doubled backslash.)
    return fugashi.Tagger(_OUTPUT_FORMAT)


#: MeCab options: one "surface<TAB>feature string" line per token (known or unknown), then EOS
_OUTPUT_FORMAT = r"--output-format-type= -F%m\\t%H\\n -U%m\\t%H\\n -E EOS\\n"
_EOS = "EOS"


def _split_features(raw: str) -> list[str]:
    if '"' in raw:
        return next(csv.reader([raw]))
    return raw.split(",")


def _clean(value: str) -> str:
    return "" if value in ("*", "") else value


#: per-token row for ``Doc.from_array``: TAG hash, POS id, MORPH hash, LEMMA hash (0 = the word itself)
Row = tuple[int, int, int, int]
_ATTRS = (TAG, POS, MORPH, LEMMA)
#: row numbers of the two rows every table starts with
_SPACE, _UNKNOWN = 0, 1
#: the columns of a row the Doc's TAG, POS and LEMMA must still hold for the offered DocTokens
_CHECKED_COLUMNS = [0, 1, 3]


class FugashiTokenizer:
    """A spaCy tokenizer over fugashi's MeCab with unidic-lite; picklable (the Tagger is rebuilt).

    Speed: each distinct MeCab feature string is parsed once into a row of spaCy hashes, kept in
    a numpy table (the cache maps the string to its row number); the per-token loop only appends
    a word and a row number, the Doc's array is one fancy index into the table, and the Doc is
    filled in one ``from_array`` call instead of letting ``Doc(tags=, morphs=, lemmas=)`` parse
    strings token by token.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._tagger = _make_tagger()
        self._pos_cache: dict[str, str] = {}
        self._cache: dict[str, int] = {}  # feature string -> row number in self._table
        self._table = numpy.zeros((1024, len(_ATTRS)), dtype=numpy.uint64)
        #: per row number, the strings the later stages read (DocTokens): tag, UD POS, lemma
        self._tags: list[str] = []
        self._pos: list[str] = []
        self._lemmas: list[str] = []
        self._table[_SPACE] = self._row(_SPACE_TAG, "SPACE", "", "")
        self._table[_UNKNOWN] = self._row(*_UNKNOWN_FEATURES)
        self._size = 2

    def __reduce__(self) -> tuple[Any, ...]:
        return (FugashiTokenizer, (self.vocab,))

    # spaCy's serialization hooks: the tokenizer has no state of its own to save.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> FugashiTokenizer:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> FugashiTokenizer:
        return self

    def __call__(self, text: str) -> Doc:
        if _SURROGATE.search(text):  # neither MeCab nor spaCy's StringStore can encode them
            raise InputError(
                "the text contains lone surrogate code points (a broken UTF-16 decode?); "
                "repair it first, e.g. text.encode('utf-8', 'replace').decode('utf-8')"
            )
        if len(self._cache) >= _FEATURE_CACHE_MAX:  # between Docs: no row number in use
            self._cache.clear()
            self._size = 2
            del self._tags[2:], self._pos[2:], self._lemmas[2:]
        words: list[str] = []
        rows: list[int] = []
        for chunk_start, chunk_end in _chunks(text):
            self._tag_chunk(text[chunk_start:chunk_end], words, rows)
        if "".join(words) != text:  # an invariant, not input validation: it would be our bug
            raise JinmyakuError("internal error: the tokenizer did not reproduce its input text")
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        if words:
            array = self._table[numpy.array(rows, dtype=numpy.intp)]
            # Rows with lemma 0 take the word itself (whitespace, unknown words without a lemma).
            own = numpy.flatnonzero(array[:, 3] == 0).tolist()
            if own:
                add = self.vocab.strings.add
                array[own, 3] = [add(words[k]) for k in own]
            # MORPH costs most here (spaCy re-adds each token's analysis), still ~3x less than
            # Doc(morphs=...) parsing strings per token.
            doc.from_array(_ATTRS, array)
            offer_tokens(doc, self._doc_tokens(text, words, rows), array[:, _CHECKED_COLUMNS])
        return doc

    def _doc_tokens(self, text: str, words: list[str], rows: list[int]) -> DocTokens:
        """The later stages' token table, from the words and rows at hand (no string lookups)."""
        tag = list(map(self._tags.__getitem__, rows))
        pos = list(map(self._pos.__getitem__, rows))
        lemma = list(map(self._lemmas.__getitem__, rows))
        if "" in lemma:  # no lemma: the word is its own (as the Doc's LEMMA says)
            lemma = [lm or w for lm, w in zip(lemma, words, strict=True)]
        end = list(accumulate(map(len, words)))
        start = [0, *end[:-1]]
        return DocTokens(words, lemma, tag, pos, start, end, [False] * len(words), text)

    def tokens(self, text: str) -> Iterator[tuple[str, tuple[str, str, str, str]]]:
        """``(word, (tag, pos, morph, lemma))`` for every token, whitespace included, in order."""
        for t in self(text):
            yield t.text, (t.tag_, t.pos_, str(t.morph), t.lemma_)

    def _tag_chunk(self, chunk: str, words: list[str], rows: list[int]) -> None:
        """Append the words and row numbers of one chunk; every character of ``chunk`` lands in a word."""
        fed = _feedable(chunk)
        out = self._tagger.parse(fed)
        if fed is chunk and self._tag_bulk(chunk, out, words, rows):
            return
        lines = out.split("\n")
        if lines.pop() == _EOS and self._tag_lines(chunk, fed, lines, words, rows):
            return
        self._tag_nodes(chunk, fed, words, rows)

    def _tag_bulk(self, chunk: str, out: str, words: list[str], rows: list[int]) -> bool:
        """:meth:`_tag_lines` without a Python step per token, for the usual chunk: MeCab's surfaces,
        joined, are the chunk without its runs of skipped blanks (``[ \\t\\n]``), and each run
        falls between two surfaces. Those runs are then exactly the gaps :meth:`_tag_lines` would
        find, so the words and rows are the same; anything else returns False (nothing appended)."""
        parts = out.replace("\t", "\n").split("\n")
        if len(parts) % 2 == 0 or parts[-1] != _EOS:
            return False
        surfaces = parts[0:-1:2]
        joined = _SKIPPED.sub("", chunk)
        if "".join(surfaces) != joined or "" in surfaces:
            return False
        found: list[int | None] = list(map(self._cache.get, parts[1:-1:2]))
        ends = list(accumulate(map(len, surfaces)))
        for m in _BLANK.finditer(joined):  # whitespace words (U+3000, CR...) take the space row
            k = bisect_right(ends, m.start())
            if surfaces[k].isspace():
                found[k] = _SPACE
        k = 0
        with contextlib.suppress(ValueError):  # index() raises once no feature string is new
            while True:
                k = found.index(None, k)
                raw = parts[2 * k + 1]
                row = self._cache.get(raw)  # new in this chunk, but maybe met a few words ago
                found[k] = row if row is not None else self._features(raw)
        return self._splice(chunk, surfaces, found, ends, words, rows)

    def _splice(
        self, chunk: str, surfaces: list[str], found: list[Any], ends: list[int], words: list[str], rows: list[int]
    ) -> bool:
        """Append ``surfaces`` and their rows with each skipped run of ``chunk`` as a space word
        between them; False (nothing appended) if a run would fall inside a surface."""
        first = len(words)
        done = 0  # surfaces appended so far
        skipped = 0  # characters of the chunk in runs so far
        for m in _SKIPPED.finditer(chunk):
            at = m.start() - skipped  # the run's offset in the joined surfaces
            k = bisect_right(ends, at)  # the surfaces that end by the run
            if at and (not k or ends[k - 1] != at):
                del words[first:], rows[first:]
                return False
            words.extend(surfaces[done:k])
            rows.extend(found[done:k])
            words.append(m.group())
            rows.append(_SPACE)
            done = k
            skipped += m.end() - m.start()
        words.extend(surfaces[done:])
        rows.extend(found[done:])
        return True

    def _tag_lines(self, chunk: str, fed: str, lines: list[str], words: list[str], rows: list[int]) -> bool:
        """:meth:`_tag_chunk` from MeCab's text output; False (nothing appended) if a line is not
        one token (a surface holding a tab or a line break), so the node path takes the chunk."""
        pairs = [line.split("\t") for line in lines]
        if any(len(pair) != 2 for pair in pairs):
            return False
        self._align(chunk, fed, pairs, words, rows)
        return True

    def _tag_nodes(self, chunk: str, fed: str, words: list[str], rows: list[int]) -> None:
        """:meth:`_tag_chunk` from MeCab's nodes."""
        self._align(chunk, fed, ((node.surface, node.feature_raw) for node in self._tagger(fed)), words, rows)

    def _align(self, chunk: str, fed: str, pairs: Iterable[Sequence[str]], words: list[str], rows: list[int]) -> None:
        """Append each ``(surface, feature string)`` as a word cut from ``chunk`` with its row; the
        text MeCab skipped between surfaces becomes gap words, so every character lands in a word."""
        cache = self._cache
        cursor = 0
        for surface, raw in pairs:
            if not surface:
                continue
            if fed.startswith(surface, cursor):
                found = cursor
            else:
                found = fed.find(surface, cursor)
                if found < 0:  # MeCab changed the text (should not happen): keep the rest as gap
                    break
                self._gap(chunk[cursor:found], words, rows)
            cursor = found + len(surface)
            word = chunk[found:cursor] if fed is not chunk else surface
            words.append(word)
            if word.isspace():
                rows.append(_SPACE)
                continue
            row = cache.get(raw)
            rows.append(row if row is not None else self._features(raw))
        if cursor < len(chunk):
            self._gap(chunk[cursor:], words, rows)

    def _gap(self, gap: str, words: list[str], rows: list[int]) -> None:
        for word, is_space in _gap_tokens(gap):
            words.append(word)
            rows.append(_SPACE if is_space else _UNKNOWN)

    def _row(self, tag: str, upos: str, morph: str | dict[str, str], lemma: str) -> Row:
        # Cached rows outlive a Doc: their strings must survive spaCy's memory zones.
        self._tags.append(tag)
        self._pos.append(upos)
        self._lemmas.append(lemma)
        strings = self.vocab.strings
        return (
            strings.add(tag, allow_transient=False),
            IDS[upos],
            self.vocab.morphology.add(morph),
            strings.add(lemma, allow_transient=False) if lemma else 0,
        )

    def _features(self, raw: str) -> int:
        """The row number of a feature string MeCab gave, its row parsed and added to the table."""
        f = _split_features(raw)
        if len(f) < 6:
            f = f + ["*"] * (6 - len(f))
        tag = "-".join(p for p in f[:4] if p != "*")
        upos = self._pos_cache.get(tag)
        if upos is None:
            upos = self._pos_cache[tag] = _ud_pos(tag)
        ctype, cform = _clean(f[4]), _clean(f[5])
        lemma = _clean(f[7]) if len(f) > 7 else ""
        if "-" in lemma[1:]:  # UniDic writes loanword lemmas as カー-car
            lemma = lemma.split("-", 1)[0]
        # The analysis as the field -> value dict spaCy would parse "Inflection=...|Reading=...|Base=..."
        # into (values hold no "," "|" "=": _morph_value), so the key is the same and the parse is saved.
        feats: dict[str, str] = {}
        if ctype or cform:
            feats["Inflection"] = f"{_morph_value(ctype)};{_morph_value(cform)}"
        if len(f) > 17 and _clean(f[17]):
            feats["Reading"] = _morph_value(f[17])
        if len(f) > 10 and _clean(f[10]):
            feats["Base"] = _morph_value(f[10])
        row = self._row(tag, upos, feats, lemma)
        number = self._size
        if number == len(self._table):
            self._table = numpy.concatenate([self._table, numpy.zeros_like(self._table)])
        self._table[number] = row
        self._size = number + 1
        self._cache[raw] = number
        return number


def _morph_value(value: str) -> str:
    # spaCy morph strings use | = , as syntax; keep values readable and unambiguous.
    return value.replace("|", "｜").replace("=", "＝").replace(",", "，")


def _feedable(chunk: str) -> str:
    """``chunk`` as MeCab can take it, same length: NUL would end the C string, so it becomes a
    space for MeCab; words are still cut from the original chunk."""
    return chunk.replace("\x00", " ") if "\x00" in chunk else chunk


def _gap_tokens(gap: str) -> Iterator[tuple[str, bool]]:
    """Text MeCab skipped or could not place: whitespace runs, and single other characters."""
    run_start = 0
    for k in range(1, len(gap) + 1):
        if k == len(gap) or gap[k].isspace() != gap[run_start].isspace():
            piece = gap[run_start:k]
            if piece.isspace():
                yield piece, True
            else:
                for ch in piece:
                    yield ch, False
            run_start = k


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """Half-open spans covering ``text``, each ending at a line break when one is near."""
    n = len(text)
    start = 0
    while start < n:
        end = min(n, start + CHUNK_CHARS)
        if end < n:
            nl = text.rfind("\n", start, end)
            if nl > start:
                end = nl + 1
            else:  # one very long line: cut after a sentence end or a space, else hard
                cut = max(text.rfind(c, start, end) for c in "。．！？!? 、")
                if cut > start:
                    end = cut + 1
                elif 0xDC00 <= ord(text[end]) <= 0xDFFF or _is_combining(text[end]):
                    end -= 1  # keep a surrogate/combining mark with its base
        yield start, end
        start = end


def _is_combining(ch: str) -> bool:
    import unicodedata

    return unicodedata.combining(ch) != 0 or ch in "\u200d\ufe0f\ufe0e"


@registry.tokenizers("jinmyaku.FugashiTokenizer.v1")
def create_tokenizer() -> Any:
    """Registered factory: ``[nlp.tokenizer] @tokenizers = "jinmyaku.FugashiTokenizer.v1"``."""

    def tokenizer_factory(nlp: Any) -> FugashiTokenizer:
        return FugashiTokenizer(nlp.vocab)

    return tokenizer_factory
