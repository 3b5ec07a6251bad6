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

import csv
from collections.abc import Iterator
from typing import Any

from spacy.lang.ja.tag_map import TAG_MAP
from spacy.symbols import POS
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from jinmyaku_nlp.errors import JinmyakuError

#: MeCab reads at most this many characters at a time; chunks end at a line break when possible.
CHUNK_CHARS = 4096
_FEATURE_CACHE_MAX = 300_000
_UNKNOWN_FEATURES = ("", "X", "", "")  # tag, pos, morph, lemma for text MeCab cannot analyse
_SPACE_TAG = "空白"


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
    return fugashi.Tagger()


def _split_features(raw: str) -> list[str]:
    if '"' in raw:
        return next(csv.reader([raw]))
    return raw.split(",")


def _clean(value: str) -> str:
    return "" if value in ("*", "") else value


class FugashiTokenizer:
    """A spaCy tokenizer over fugashi's MeCab with unidic-lite; picklable (the Tagger is rebuilt)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._tagger = _make_tagger()
        self._cache: dict[str, tuple[str, str, str, str]] = {}
        self._pos_cache: dict[str, str] = {}

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
        words: list[str] = []
        tags: list[str] = []
        pos: list[str] = []
        morphs: list[str] = []
        lemmas: list[str] = []
        for word, (tag, upos, morph, lemma) in self.tokens(text):
            words.append(word)
            tags.append(tag)
            pos.append(upos)
            morphs.append(morph)
            lemmas.append(lemma or word)
        doc = Doc(
            self.vocab,
            words=words,
            spaces=[False] * len(words),
            tags=tags,
            pos=pos,
            morphs=morphs,
            lemmas=lemmas,
        )
        if doc.text != text:  # an invariant, not input validation: it would be our bug
            raise JinmyakuError("internal error: the tokenizer did not reproduce its input text")
        return doc

    def tokens(self, text: str) -> Iterator[tuple[str, tuple[str, str, str, str]]]:
        """``(word, (tag, pos, morph, lemma))`` for every token, whitespace included, in order."""
        for chunk_start, chunk_end in _chunks(text):
            yield from self._chunk_tokens(text, chunk_start, chunk_end)

    def _chunk_tokens(
        self, text: str, start: int, end: int
    ) -> Iterator[tuple[str, tuple[str, str, str, str]]]:
        chunk = text[start:end]
        fed = chunk.replace("\x00", " ") if "\x00" in chunk else chunk
        cursor = 0
        n = len(chunk)
        for node in self._tagger(fed):
            surface = node.surface
            if not surface:
                continue
            found = fed.find(surface, cursor)
            if found < 0:  # MeCab changed the text (should not happen): keep the rest as one token
                break
            if found > cursor:
                yield from _gap_tokens(chunk[cursor:found])
            word = chunk[found : found + len(surface)]
            if word.isspace():
                yield word, (_SPACE_TAG, "SPACE", "", word)
            else:
                yield word, self._features(node.feature_raw)
            cursor = found + len(surface)
        if cursor < n:
            yield from _gap_tokens(chunk[cursor:n])

    def _features(self, raw: str) -> tuple[str, str, str, str]:
        hit = self._cache.get(raw)
        if hit is not None:
            return hit
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
        feats = []
        if ctype or cform:
            feats.append(f"Inflection={_morph_value(ctype)};{_morph_value(cform)}")
        if len(f) > 17 and _clean(f[17]):
            feats.append(f"Reading={_morph_value(f[17])}")
        if len(f) > 10 and _clean(f[10]):
            feats.append(f"Base={_morph_value(f[10])}")
        value = (tag, upos, "|".join(feats), lemma)
        if len(self._cache) >= _FEATURE_CACHE_MAX:
            self._cache.clear()
        self._cache[raw] = value
        return value


def _morph_value(value: str) -> str:
    # spaCy morph strings use | = , as syntax; keep values readable and unambiguous.
    return value.replace("|", "｜").replace("=", "＝").replace(",", "，")


def _gap_tokens(gap: str) -> Iterator[tuple[str, tuple[str, str, str, str]]]:
    """Text MeCab skipped or could not place: whitespace runs and single characters."""
    run_start = 0
    for k in range(1, len(gap) + 1):
        if k == len(gap) or gap[k].isspace() != gap[run_start].isspace():
            piece = gap[run_start:k]
            if piece.isspace():
                yield piece, (_SPACE_TAG, "SPACE", "", piece)
            else:
                for ch in piece:
                    yield ch, (_UNKNOWN_FEATURES[0], "X", "", ch)
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
