"""Per-sentence speech acts and features (SPEC §3 "Sentence acts").

Features come from morphology: the sentence-final content morphemes and their conjugation
forms give the mood (命令形 → imperative, 意志推量形 of a verb or ます → volitional, a final か or
a rising ？ → interrogative), auxiliaries give polarity and modality, the first words give the
connective. Acts come from two sources that share one veto mechanism:

* the cue table ``data/acts.jsonl`` (lexical cues: 〜べき, 〜とは, 最後に...; users extend it), and
* morphological rules in this module: ``question`` from the interrogative mood,
  ``call_to_action`` from the imperative and volitional moods, ``generalization`` from a generic
  class noun as topic, ``summary`` from the position of closing cues in the article.

Whether a question is rhetorical needs a look ahead for its answer; that decision is made in the
patterns stage (:mod:`jinmyaku_nlp.patterns`), which adds ``rhetorical_question`` to unanswered
questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import IS_SPACE, LEMMA, MORPH, ORTH, TAG
from spacy.language import Language
from spacy.tokens import Doc, MorphAnalysis
from spacy.vocab import Vocab

from jinmyaku_nlp.lexicon import LEAD as _LEAD
from jinmyaku_nlp.lexicon import TRAIL as _TRAIL
from jinmyaku_nlp.lexicon import (
    CueRule,
    candidate_rules,
    load_rules,
    load_wordlist,
    match_prepared,
    prepare_sentence,
)
from jinmyaku_nlp.pipeline import SPANS_ACTS, doc_tokens, expand_range, state
from jinmyaku_nlp.record import ACT_TYPES

#: labels the cue table may use: the acts (but rhetorical_question, decided by the patterns
#: stage) and a ``not_<act>`` veto for each
_TABLE_ACTS = tuple(a for a in ACT_TYPES if a != "rhetorical_question")
ACT_LABELS = (*_TABLE_ACTS, *(f"not_{a}" for a in _TABLE_ACTS))
_QUOTE = re.compile(r"「[^「」]*」|『[^『』]*』")
#: quoted or parenthesised material inside a sentence: its ？ and か are not the author's main clause
_INNER = re.compile(r"「[^「」]*」|『[^『』]*』|（[^（）]*）|\([^()]*\)")
_NOT_CONTENT_TAGS = ("補助記号", "空白", "記号")
#: heading markers (■ 今回のまとめ) set aside before a heading's words are compared
_MARKS = "■□◆◇●○▼▽◎★☆・ 　"
#: a speaker or note label that opens a line of an interview or a maxim list: 水谷：, （評）, Ａ：
_LABEL = re.compile(r"^(?:[（(][^）)]{1,12}[）)]|[^\s：:、。「」]{1,8}[：:])")
#: an interjection asked with a rising tone (ん〜? え?) is not a question (ANNOTATION "Acts")
_INTERJECTION = re.compile(r"^[ぁ-んァ-ンー〜～っッ…・]{1,4}$")
#: a question word not used as a quantifier (何も, 誰でも, いつか are not questions)
_WH = re.compile(r"(?:何(?![等ら])|なに|なぜ|何故|どう|どの|どんな|どこ|どれ|誰|だれ|いつ|いかが)(?!も|でも|しも|か)")
#: 何をすべきだろう。: a wh-clause closed by conjecture asks (written であろう needs its か)
_CONJECTURE_END = ("だろう", "でしょう", "のだろう", "のでしょう")
#: 〜ば？ 〜たら？ 〜ては？: a suggestion spoken as a question (辞めれば？) urges, it does not ask
#: a suggestion asked as a question: 〜してみたら？ 〜すれば？ 〜してみては？ 〜するのもいいのでは？ — not a
#: conjecture (…人も多いのでは？ …強みでは？) and not a hypothetical (…だったら？ …としたら？ …といえば？
#: …していたら？ 「おばさん」と呼ばれたら？), which ask the reader to imagine rather than to act
_SUGGESTION = re.compile(
    r"(?:(?<!とすれ)(?<!といえ)(?<!と言え)(?<!なけれ)ば"
    r"|(?<!だっ)(?<!とし)(?<!てい)(?<!でい)(?<!なかっ)(?<!れ)たら"
    r"|(?:て|(?<=ん)で)は|(?:いい|良い|よい)の(?:では|じゃ))$"
)
_DEMONSTRATIVE_START = ("その", "それ", "この", "これ", "そこ", "そう", "こう", "そんな", "こんな")
_PAST = ("た",)
#: brackets that mark a term (「ITニュース」, “婚活”, 『超訳』)
_TERM_OPEN = ("「", "『", "“")
#: the lemma of つねに／常に, which makes any topic generic (幸福はつねに外に現われる); いつも and
#: 必ず describe one person's habits too often in columns to count alone
_HABITUAL = ("常",)
#: demonstratives of kind (そう in そう + いう as UniDic splits そういう)
_KIND = ("こういう", "そういう", "ああいう", "こんな", "そんな", "あんな", "こう", "そう", "ああ")
_TOPIC_PARTICLES = ("は", "も", "って", "なら")
#: how far into a sentence its topic is looked for (in morphemes): a long relative clause
#: (…という意思を持って勉強している人は) can put the subject's head past 40
_TOPIC_WINDOW = 60
#: adverbial nouns that can head a subject of their own (皆は, 全員は): not frames
_NOT_FRAME = ("皆", "全員", "全て", "大半", "多く", "殆ど")
#: words that tie a noun phrase to one person, group or occasion: not a generic class (but a kind
#: demonstrative right before the head names a kind of people: そういう人は, こんな女性は)
_SPECIFIC = (
    "この",
    "その",
    "あの",
    "こう",
    "そう",
    "ああ",
    "こういう",
    "そういう",
    "ああいう",
    "こんな",
    "そんな",
    "あんな",
    "今回",
    "当の",
)


@dataclass(frozen=True, slots=True)
class Morph:
    """The few token facts the rules read (from any spaCy Japanese tokenizer).

    Frozen: one Morph is shared by every occurrence of its token (see :func:`doc_morphs`).
    """

    text: str
    lemma: str
    tag: str
    form: str  # conjugation form, e.g. 命令形, 意志推量形


#: token attributes read for a whole Doc at once (one array, no Token object per token)
_TOKEN_ATTRS = [ORTH, LEMMA, TAG, MORPH, IS_SPACE]
#: the Morph cache grows with the vocabulary (~600 bytes an entry); past this size it starts
#: again rather than holding every word of a million-article run (1,500 articles: ~37k entries)
_MORPH_CACHE_SIZE = 50_000

#: a token's ORTH, LEMMA, TAG, MORPH and IS_SPACE values: the raw bytes of its array row
#: (hashing 40 bytes is far cheaper than hashing a tuple of five 64-bit ints)
TokenKey = bytes


def doc_morphs(doc: Doc, cache: dict[TokenKey, Morph | None] | None = None) -> list[Morph | None]:
    """The Morph of every token of ``doc`` (``None`` for whitespace), in token order.

    ``cache`` keeps the Morph of each distinct token across calls: most tokens of an article
    (particles, auxiliaries, punctuation) repeat, and looking up strings and parsing the morph
    is the dear part.
    """
    cache = {} if cache is None else cache
    if len(cache) > _MORPH_CACHE_SIZE:
        cache.clear()
    strings = doc.vocab.strings
    # the set difference and map run in C: only the tokens never seen before cost Python work
    rows = numpy.ascontiguousarray(doc.to_array(_TOKEN_ATTRS), dtype=numpy.uint64).reshape(len(doc), len(_TOKEN_ATTRS))
    keys: list[TokenKey] = rows.view(f"V{8 * len(_TOKEN_ATTRS)}").ravel().tolist()
    for key in set(keys).difference(cache):
        orth, lemma, tag, morph, space = numpy.frombuffer(key, dtype=numpy.uint64).tolist()
        cache[key] = (  # whitespace is cached as None
            None if space else Morph(strings[orth], strings[lemma], strings[tag], _conjugation_form(doc.vocab, morph))
        )
    return list(map(cache.__getitem__, keys))


def _conjugation_form(vocab: Vocab, key: int) -> str:
    """The form part of ``Inflection=<type>;<form>`` (as ``token.morph.get`` reads it), or ``""``."""
    infl = MorphAnalysis.from_id(vocab, key).get("Inflection")
    return infl[0].split(";", 1)[1] if infl and ";" in infl[0] else ""


def sentence_morphs(doc: Doc, start: int, end: int, morphs: Sequence[Morph | None] | None = None) -> list[Morph]:
    """The non-space tokens that overlap the characters ``start:end``; ``morphs`` is
    :func:`doc_morphs` of ``doc``, computed once for all its sentences."""
    tokens = expand_range(doc_tokens(doc), start, end)
    if tokens is None:
        return []
    if morphs is None:
        morphs = doc_morphs(doc)
    return [m for m in morphs[tokens[0] : tokens[1]] if m is not None]


def content_tail(morphs: Sequence[Morph]) -> list[Morph]:
    """The morphemes before the sentence's closing punctuation and brackets."""
    k = len(morphs)
    while k > 0 and morphs[k - 1].tag.startswith(_NOT_CONTENT_TAGS):
        k -= 1
    return list(morphs[:k])


def main_clause(text: str) -> str:
    """The sentence without closing punctuation, a leading label, and quotes inside it.

    A quote that ends the sentence stays: 「…ですか？」 is the sentence's own clause.
    """
    core = _TRAIL.sub("", _LEAD.sub("", text))
    core = _LABEL.sub("", core).lstrip("「『 　")
    return _INNER.sub("", core[:-1]) + core[-1:] if core else core


def _final_punct(text: str) -> str:
    m = _TRAIL.search(text)
    return m.group(0) if m else ""


def _is_interrogative(text: str, tail: Sequence[Morph]) -> bool:
    final = _final_punct(text)
    if "?" in final or "？" in final:
        before = text[: len(text) - len(final)]
        # "20?" is a digit followed by a lost character (20〜30代), not a rising tone
        return not before[-1:].isdigit()
    last = [m.text for m in tail[-2:]]
    if last and last[-1] in ("か", "かい", "かね") and tail[-1].tag.startswith("助詞"):
        # 〜なのだとか: hearsay とか, not a question
        return not (len(tail) >= 2 and tail[-2].text == "と")
    if len(last) == 2 and last[0] == "か" and last[1] in ("な", "ね", "しら"):
        return True
    core = _TRAIL.sub("", text)
    return core.endswith(_CONJECTURE_END) and bool(_WH.search(main_clause(text)))


@cache
def _formulas() -> tuple[str, ...]:
    """Greetings and apologies in the imperative form (ごめんなさい, おやすみなさい)."""
    return tuple(load_wordlist("acts_formulas"))


def _is_imperative(text: str, tail: Sequence[Morph]) -> bool:
    if _TRAIL.sub("", text).endswith(_formulas()):
        return False  # ごめんなさい apologises, おやすみなさい says good night: they urge nothing
    if any(m.form.startswith("命令形") and m.tag.startswith(("動詞", "助動詞")) for m in tail[-2:]):
        return True
    # 恐れるな: the prohibitive final な after a verb's plain form
    if len(tail) >= 2 and tail[-1].text == "な" and tail[-1].tag.startswith("助詞-終助詞"):
        if tail[-2].tag.startswith("動詞") and tail[-2].form.startswith("終止形"):
            return True
    # 〜て。／〜てね。: the te-form request of spoken advice (助けを求めて。), not a trailing clause
    last = tail[-2:] if tail and tail[-1].text in ("ね", "よ") else tail[-1:]
    if not last or last[0].text not in ("て", "で") or not last[0].tag.startswith("助詞-接続助詞"):
        return False
    k = len(tail) - len(last) - 1
    verb = tail[k] if k >= 0 else None
    if verb is not None and verb.lemma == "ない" and k >= 1 and tail[k - 1].tag.startswith("動詞"):
        verb = tail[k - 1]  # 心配しないで。: the negative request (〜ないでください without ください)
    if (
        verb is None
        or verb.lemma in ("れる", "られる", "ます", "ない", "居る", "有る")
        or not verb.tag.startswith(("動詞", "助動詞"))
    ):
        return False
    return _final_punct(text)[:1] in ("。", "！", "!")


def _is_elliptical_request(text: str, tail: Sequence[Morph]) -> bool:
    """まずは深呼吸を！／次の一歩へ！: a noun and its case particle with the verb left out, the
    request 〜をしてください／〜へ行こう said in two words (blog headlines and closings).

    The exclamation is what urges: without it the same ellipsis announces the author's own next
    step (最後にひとつだけ助言を。 では本題へ。).
    """
    if len(tail) < 2 or tail[-1].text not in ("を", "へ") or not tail[-1].tag.startswith("助詞-格助詞"):
        return False
    final = _final_punct(text)
    return tail[-2].tag.startswith(("名詞", "接尾辞")) and ("！" in final or "!" in final)


def _is_volitional(tail: Sequence[Morph]) -> bool:
    for k, m in enumerate(tail[-2:], start=-len(tail[-2:])):
        if not m.form.startswith("意志推量形"):
            continue
        # それで転職をしようと。: a volitional quoted by と／って reports an intention, it urges nothing
        if k == -2 and not tail[-1].tag.startswith("助詞-終助詞"):
            continue
        # でしょう／だろう (です, だ) and であろう (有る) are conjecture, not volition
        if m.lemma == "ます" or (m.tag.startswith("動詞") and m.lemma != "有る"):
            return True
    return False


def sentence_mood(text: str, tail: Sequence[Morph]) -> str:
    if _is_interrogative(text, tail):
        return "interrogative"
    if _is_imperative(text, tail):
        return "imperative"
    if _is_volitional(tail):
        return "volitional"
    return "declarative"


_MODALITY = (
    (
        "obligation",
        re.compile(
            r"(?:べき(?:だ|です|である)?|(?:なければ|なくては|ねば|なきゃ)(?:ならない|なりません|ならぬ|いけない|いけません)?|必要が(?:ある|あります))(?:のだ|のです|んです)?(?:よ|ね)?$"
        ),
    ),
    (
        "advice",
        re.compile(r"(?:ほう|方)が(?:いい|良い|よい)|(?:ば|たら|と)(?:いい|良い|よい)(?:です|でしょう)?(?:よ|ね)?$"),
    ),
    ("prohibition", re.compile(r"(?:ては|では|ちゃ|じゃ)(?:いけない|いけません|ダメ|だめ|駄目|ならない|なりません)")),
    (
        "conjecture",
        re.compile(
            r"(?:でしょう|だろう|であろう|かもしれない|かもしれません|かも知れない|と思う|と思います|と思われる)(?:ね|よ|か)?$"
        ),
    ),
    ("evidential", re.compile(r"(?:らしい|ようだ|ようです|ようである|そうだ|そうです|みたい|みたいです)(?:ね|よ)?$")),
)


def sentence_features(text: str, morphs: Sequence[Morph]) -> dict[str, Any]:
    """mood, polarity, modality, addressee, connective and quote count of one sentence."""
    tail = content_tail(morphs)
    last = tail[-4:]
    mood = sentence_mood(text, tail)
    core = _TRAIL.sub("", text)
    negative = any(
        (m.lemma in ("ない", "無い", "ぬ", "ず") and m.tag.startswith(("助動詞", "形容詞-非自立")))
        or m.text in ("ません", "ず")
        for m in last
    )
    modality = next((name for name, rx in _MODALITY if rx.search(core)), "none")
    addressee = bool(re.search(r"あなた|アナタ|君は|皆さん|みなさん|読者", text)) or mood in (
        "imperative",
        "volitional",
    )
    return {
        "mood": mood,
        "polarity": "negative" if negative else "positive",
        "modality": modality,
        "addressee": addressee,
        "connective": sentence_connective(text),
        "quotes": len(_QUOTE.findall(text)),
        "final": "".join(m.text for m in last),
    }


def sentence_connective(text: str) -> str:
    """The connective that opens the sentence (after brackets and a speaker label), or ``""``."""
    first = _LABEL.sub("", _LEAD.sub("", text)).lstrip("「『 　")
    return next((c for c in _connectives().get(first[:1], ()) if first.startswith(c)), "")


@cache
def _connectives() -> dict[str, tuple[str, ...]]:
    """The connectives by their first character (so a sentence is compared with a handful, not
    all), longest first so that the longest one that opens the sentence wins."""
    index: dict[str, list[str]] = {}
    for c in sorted(load_wordlist("connectives"), key=len, reverse=True):
        index.setdefault(c[0], []).append(c)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _class_nouns() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, suffix-only heads) of generic class subjects."""
    words = load_wordlist("acts_class_nouns")
    return frozenset(w for w in words if not w.startswith("-")), frozenset(w[1:] for w in words if w.startswith("-"))


@cache
def _closing() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {"open": [], "final": [], "last": [], "inside": [], "heading": [], "near": []}
    for entry in sorted(load_wordlist("acts_closing")):
        kind, _, cue = entry.partition(":")
        if kind in kinds and cue:
            kinds[kind].append(cue)
    return {k: tuple(v) for k, v in kinds.items()}


def _cue(text: str, start: int, cue: str, rule: str, label: str) -> dict[str, Any] | None:
    k = text.rfind(cue) if cue else -1
    if k < 0:
        return None
    return {"text": cue, "start": start + k, "end": start + k + len(cue), "rule": rule, "label": label}


def generic_topic(morphs: Sequence[Morph]) -> Morph | None:
    """The head noun of a generic class topic (成功者は, 一流の人は, 知らないものは), or None.

    The first topic of the sentence counts, and the topic of the main clause when a subordinate
    clause (〜ので、〜が、) holds the first (この調査は…なので、日本人は…); a noun phrase tied to
    one referent (この人, 彼女たち, a person's name) is not a class, and 〜人はいない／人もいる
    only counts people. Besides the class nouns of ``acts_class_nouns.txt``, any common noun
    counts when a habitual adverb (つねに, いつも) makes the predicate generic (幸福はつねに外に現われる).
    """
    habitual = _has_habitual(morphs)
    head = _first_topic(morphs, 0, habitual)
    if head is not None and head < 0:
        brk = max((k for k, m in enumerate(morphs[:40]) if _clause_break(morphs, k)), default=-1)
        head = _first_topic(morphs, brk + 1, habitual) if brk > 0 else None
    if head is None or head < 0 or _in_embedded_question(morphs, head):
        return None
    return morphs[head]


def _in_embedded_question(morphs: Sequence[Morph], h: int) -> bool:
    """The topic at ``h`` is the subject of a wh-question that the sentence reports (…人はどんな
    物を選ぶのかを調べた, 「なぜ人は…のか？」など、…): it asks about the class, claims nothing.

    The question's か must close the topic's clause: only a short main predicate (を探ります)
    or a quote's tail may follow it, so a wh-clause that is one object among others
    (…がどれだけあるかを考えてみれば、…気付く) leaves the topic a claim.
    """
    tail = content_tail(morphs)
    for j in range(h + 1, len(tail) - 1):
        m = morphs[j]
        if m.text != "か" or not m.tag.startswith("助詞") or morphs[j - 1].text == "何":
            continue  # 何か is "something", not a question
        if morphs[j + 1].text == "も":
            continue  # かもしれない: conjecture
        if any(x.tag.startswith("補助記号-括弧開") for x in morphs[h:j]):
            continue  # 人は「どんな目的で…か」を伝える: the question is a quote, not the topic's clause
        rest = tail[j + 1 :]
        quote_ends = bool(rest) and (rest[0].tag.startswith("補助記号-括弧閉") or rest[0].text in ("？", "?"))
        short_main = len(rest) <= 6 and not any(x.text == "、" for x in rest)
        if (quote_ends or short_main) and _WH.search("".join(x.text for x in morphs[max(0, h - 3) : j])):
            return True
    return False


def _has_habitual(morphs: Sequence[Morph]) -> bool:
    """The sentence holds つねに／常に (UniDic: the noun 常 + に); by token, not by substring,
    since 非常に ("very") holds the characters 常に but says nothing about habits."""
    return any(
        m.lemma in _HABITUAL and k + 1 < len(morphs) and morphs[k + 1].text == "に" for k, m in enumerate(morphs)
    )


def _first_topic(morphs: Sequence[Morph], start: int, habitual: bool) -> int | None:
    """Index of the class head of the first topic from ``start``; -1 for a topic that is not a
    class (so a later main-clause topic may still count); None when there is no topic.

    A frame topic (現在は, 職場では, 若いうちは) sets the scene rather than naming what the
    sentence is about, so the search goes on to the next topic; an experiencer (XにとってはY)
    is what a generic claim is about when X is a class (新人にとっては、どの仕事も新しい).
    """
    for k in range(start + 1, min(len(morphs), _TOPIC_WINDOW)):
        m = morphs[k]
        if m.text not in _TOPIC_PARTICLES:
            continue
        if not (m.tag.startswith("助詞") or (m.text == "なら" and m.lemma == "だ")):
            continue
        experiencer = _experiencer_head(morphs, k)
        if experiencer is not None:
            if _is_class(morphs, experiencer, habitual) and not _is_specific(morphs, experiencer):
                return experiencer
            continue
        if morphs[k - 1].tag.startswith("助詞-接続助詞"):
            continue  # 許しても、…: the concessive ても／ては is no topic
        if _is_frame(morphs, k):
            continue
        h = _topic_head(morphs, k)
        if h is None:
            return None
        nxt = morphs[k + 1] if k + 1 < len(morphs) else None
        if nxt is not None and nxt.lemma == "居る":
            return None
        return h if _is_class(morphs, h, habitual) and not _is_specific(morphs, h) else -1
    return None


def _experiencer_head(morphs: Sequence[Morph], k: int) -> int | None:
    """The noun X of 「Xにとって」 right before the topic particle at ``k``, or None."""
    if k < 4 or morphs[k - 1].text != "て" or morphs[k - 2].lemma != "取る" or morphs[k - 3].text != "に":
        return None
    h = k - 4
    return h if morphs[h].tag.startswith(("名詞", "接尾辞")) else None


def _is_frame(morphs: Sequence[Morph], k: int) -> bool:
    """The topic at ``k`` sets time or place: 現在は, 最近は (an adverbial noun), 職場では,
    日本には (a case particle before は)."""
    prev = morphs[k - 1]
    if prev.tag.startswith("助詞-格助詞") and prev.text in ("で", "に", "から", "まで"):
        return True
    return prev.tag.startswith("名詞-普通名詞-副詞可能") and prev.lemma not in _NOT_FRAME


def _clause_break(morphs: Sequence[Morph], k: int) -> bool:
    """A comma after a subordinate clause's conjunctive particle (ので、 から、 が、 けど、), or
    after なので (UniDic: な + の + で)."""
    if morphs[k].text != "、" or k < 2:
        return False
    prev = morphs[k - 1]
    if prev.text == "で" and prev.lemma == "だ":
        return morphs[k - 2].text in ("の", "ん")
    return prev.tag.startswith("助詞-接続助詞") and prev.text in (
        "ので",
        "から",
        "が",
        "けど",
        "けれど",
        "けれども",
        "のに",
    )


def _topic_head(morphs: Sequence[Morph], k: int) -> int | None:
    """Index of the noun that the topic particle at ``k`` marks (through 「」 and というの)."""
    h = k - 1
    if morphs[h].text == "の" and h >= 2 and morphs[h - 1].lemma == "言う" and morphs[h - 2].text == "と":
        h -= 3  # ポテンシャルが高い人というのは
    if h >= 0 and morphs[h].tag.startswith("補助記号-括弧閉"):
        h -= 1  # 「能力の高い人材」は
    return h if h >= 0 else None


def _is_class(morphs: Sequence[Morph], h: int, habitual: bool) -> bool:
    nouns, suffixes = _class_nouns()
    head = morphs[h]
    if head.tag.startswith("接尾辞"):
        return head.lemma in suffixes or head.lemma in nouns
    if head.lemma == "物":
        # 知らないものは (people who...), not 想像的なものは (things) or 〜というものは
        prev = morphs[h - 1] if h >= 1 else None
        return (
            prev is not None
            and prev.form.startswith("連体形")
            and prev.tag.startswith(("動詞", "助動詞"))
            and prev.lemma not in ("だ", "た", "言う")
        )
    return head.tag.startswith("名詞-普通名詞") and (head.lemma in nouns or habitual)


def _is_specific(morphs: Sequence[Morph], h: int) -> bool:
    """The noun phrase ending at ``h`` (back to the last comma) names one referent."""
    phrase = morphs[max(0, h - 12) : h + 1]
    j = max((i for i, p in enumerate(phrase) if p.text in ("、", "。", "：", ":")), default=-1)
    rest = phrase[j + 1 :]
    # そういう人は (そう + いう + 人) / こんな人は: the demonstrative only says what kind of person
    n = len(rest)
    kind = n >= 2 and (rest[-2].text in _KIND or (n >= 3 and rest[-3].text in _KIND and rest[-2].lemma == "言う"))
    return not kind and any(
        p.text in _SPECIFIC
        or p.tag.startswith(("代名詞", "名詞-固有名詞-人名"))
        or p.lemma in ("私", "僕", "俺", "彼", "彼女")
        for p in rest
    )


def _is_past(tail: Sequence[Morph]) -> bool:
    return any(m.lemma in _PAST and m.tag.startswith("助動詞") for m in tail[-4:])


class ActTagger:
    """Component: ``features``, ``acts`` and act cues for every sentence."""

    def __init__(self, nlp: Language, name: str, lexicons: Sequence[str | Path] = ()) -> None:
        self.name = name
        self.lexicons = [str(p) for p in lexicons]
        self.rules: list[CueRule] = load_rules("acts", ACT_LABELS, self.lexicons)
        self._morphs: dict[TokenKey, Morph | None] = {}

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        sents: list[dict[str, Any]] = data["sentences"]
        tails: list[list[Morph]] = []
        all_morphs = doc_morphs(doc, self._morphs)
        for s in sents:
            morphs = sentence_morphs(doc, s["start"], s["end"], all_morphs)
            s["features"].update(sentence_features(s["text"], morphs))
            tails.append(morphs)
        body = [k for k, s in enumerate(sents) if not s["boilerplate"] and not s["heading"]]
        closing = _closing_sentences(sents, body)
        for k, s in enumerate(sents):
            if s["boilerplate"]:
                continue
            nxt = next((sents[j] for j in range(k + 1, len(sents)) if not sents[j]["boilerplate"]), None)
            self._label(s, tails[k], nxt, closing.get(k))
        doc.spans[SPANS_ACTS] = [
            span
            for s in sents
            for act in s["acts"]
            if (span := doc.char_span(s["start"], s["end"], label=act, alignment_mode="expand")) is not None
        ]
        return doc

    def _label(
        self,
        s: dict[str, Any],
        morphs: list[Morph],
        nxt: dict[str, Any] | None,
        closing: dict[str, Any] | None,
    ) -> None:
        text, start = s["text"], s["start"]
        found: dict[str, dict[str, Any]] = {}
        vetoed: set[str] = set()
        sent = prepare_sentence(text, start)
        for rule in candidate_rules(self.rules, sent):  # the rules that can match, in order
            if rule.label in found:
                continue
            hit = match_prepared(rule, sent)
            if hit is None:
                continue
            if rule.label.startswith("not_"):
                vetoed.add(rule.label[4:])
                continue
            found[rule.label] = {"text": hit[0], "start": hit[1], "end": hit[2], "rule": rule.rule, "label": rule.label}
        for cue in self._morph_cues(s, morphs, nxt):
            found.setdefault(cue["label"], cue)
        if closing is not None:
            found.setdefault("summary", closing)
        for act in vetoed:
            found.pop(act, None)
        if s["heading"]:
            # a heading names a topic: it asserts no class claim and defines nothing
            found.pop("generalization", None)
            found.pop("definition", None)
        s["acts"] = [a for a in ACT_TYPES if a in found]
        s["cues"].extend(found[a] for a in s["acts"])

    def _morph_cues(self, s: dict[str, Any], morphs: list[Morph], nxt: dict[str, Any] | None) -> list[dict[str, Any]]:
        """Cues from the sentence's morphology (mood, topic) rather than from a cue string."""
        text, start, mood = s["text"], s["start"], s["features"]["mood"]
        tail = content_tail(morphs)
        final = "".join(m.text for m in tail[-2:])
        main = main_clause(text)
        out: list[dict[str, Any] | None] = []
        if mood == "interrogative":
            if _SUGGESTION.search(main) and not _WH.search(main):  # どうしたら？ asks how
                out.append(_cue(text, start, final, "acts.cta.suggestion_question", "call_to_action"))
            elif not _INTERJECTION.match(main) and not _embedded_noka(text, nxt):
                out.append(_cue(text, start, final, "acts.question.interrogative_mood", "question"))
        elif mood in ("imperative", "volitional"):
            out.append(_cue(text, start, final, f"acts.cta.{mood}_mood", "call_to_action"))
        elif _is_elliptical_request(text, tail) and not s["heading"]:
            out.append(_cue(text, start, final, "acts.cta.elliptical_request", "call_to_action"))
        maxim = quoted_imperative(tail)
        if maxim is not None and mood not in ("imperative", "volitional"):
            out.append(_cue(text, start, maxim, "acts.cta.quoted_maxim", "call_to_action"))
        term = quoted_term_gloss(morphs)
        if term is not None:
            out.append(_cue(text, start, term, "acts.definition.quoted_term_gloss", "definition"))
        head = generic_topic(morphs)
        if (
            head is not None
            and not _is_past(tail)
            and (mood != "interrogative" or s["features"]["polarity"] == "negative")
        ):
            out.append(_cue(text, start, head.text, "acts.generalization.class_topic", "generalization"))
        return [c for c in out if c is not None]


def quoted_term_gloss(morphs: Sequence[Morph]) -> str | None:
    """The term of 「X」は、…なN です: a quoted term as the topic and a noun phrase as the
    predicate, the gloss that introduces a word, a service or a concept; None otherwise.

    A quote that holds a clause (「地元どこなの？」は) is speech, not a term; a verb or an
    adjective at the end (「X」は…できます) describes the term, it does not say what it is; the
    gloss must say something (eight characters at least) rather than rename (「X」は嘘だ).
    """
    if len(morphs) < 6 or morphs[0].text not in _TERM_OPEN:
        return None
    close = next((k for k, m in enumerate(morphs[:14]) if m.tag.startswith("補助記号-括弧閉")), None)
    if close is None or close < 2 or close + 1 >= len(morphs):
        return None
    if morphs[close + 1].text != "は" or not morphs[close + 1].tag.startswith("助詞"):
        return None
    if any(m.tag.startswith("補助記号") for m in morphs[1:close]):
        return None
    tail = content_tail(morphs)
    if len(tail) < close + 4 or not _ends_in_noun_copula(tail):
        return None
    gloss = "".join(m.text for m in tail[close + 2 :])
    return "".join(m.text for m in morphs[: close + 2]) if len(gloss) >= 8 else None


#: what may follow a quoted command for the author to adopt it as advice: 「…従え」でしょ！,
#: 「…培え」というのです, 「…せよ」ということだ (not 「…帰れ」と言われた: that reports it)
_ADOPTION_TAILS = frozenset(
    {
        "でしょ",
        "でしょう",
        "だろう",
        "です",
        "だ",
        "である",
        "なのです",
        "なんです",
        "ですよ",
        "だよ",
        "ですね",
        "だね",
        "というのです",
        "というのだ",
        "というのである",
        "ということです",
        "ということだ",
        "ということである",
        "というわけです",
        "というわけだ",
    }
)


def quoted_imperative(tail: Sequence[Morph]) -> str | None:
    """The quoted command of 「郷に入れば郷に従え」でしょ！ — a maxim in the imperative that the author
    states as their own advice — or None.

    The quote must close on a verb in the imperative (命令形, optionally with よ／ね), and all that
    follows it must be a copula or 〜というのです that asserts it. ``tail``: the sentence's
    :func:`content_tail`.
    """
    close = next((k for k in range(len(tail) - 1, 0, -1) if tail[k].tag.startswith("補助記号-括弧閉")), None)
    if close is None or close + 1 >= len(tail) or close < 2:
        return None
    if "".join(m.text for m in tail[close + 1 :]) not in _ADOPTION_TAILS:
        return None
    verb = tail[close - 1]
    if verb.tag.startswith("助詞-終助詞") and close >= 3:
        verb = tail[close - 2]
    if not verb.form.startswith("命令形") or not verb.tag.startswith(("動詞", "助動詞")):
        return None
    opened = max((k for k in range(close) if tail[k].tag.startswith("補助記号-括弧開")), default=None)
    return None if opened is None else "".join(m.text for m in tail[opened : close + 1])


def _ends_in_noun_copula(tail: Sequence[Morph]) -> bool:
    """…ツールです／…活動である／…つながりだ: a common noun and a plain, present copula."""
    last = tail[-1]
    if last.lemma in ("だ", "です") and last.form.startswith("終止形"):
        noun = tail[-2]
    elif last.lemma == "有る" and last.form.startswith("終止形") and tail[-2].text == "で" and len(tail) >= 3:
        noun = tail[-3]
    else:
        return False
    return noun.tag.startswith("名詞-普通名詞") and not noun.tag.endswith("副詞可能")


def _embedded_noka(text: str, nxt: dict[str, Any] | None) -> bool:
    """何を発するのか。その言葉や…: a 〜のか。 clause that the next sentence takes up as its topic."""
    if nxt is None or not _TRAIL.sub("", text).endswith(("のか", "んか")) or "?" in text or "？" in text:
        return False
    return _LEAD.sub("", nxt["text"]).startswith(_DEMONSTRATIVE_START)


def _inside_cue(text: str, cue: str) -> bool:
    """``cue`` after a comma in the sentence and not followed by a particle (最後には, 最後の)."""
    k = text.find("、" + cue)
    return k >= 0 and text[k + 1 + len(cue) : k + 2 + len(cue)] not in ("は", "も", "の", "ま")


def _closing_sentences(sents: list[dict[str, Any]], body: list[int]) -> dict[int, dict[str, Any]]:
    """Summary cues that depend on where the sentence stands in the article."""
    out: dict[int, dict[str, Any]] = {}
    if not body:
        return out
    cues = _closing()
    n = len(sents)
    rank = {k: r for r, k in enumerate(body)}
    for k, s in enumerate(sents):
        if s["boilerplate"]:
            continue
        text = _LABEL.sub("", _LEAD.sub("", s["text"]).lstrip(_MARKS))
        core = _TRAIL.sub("", s["text"])
        if s["heading"]:
            cue = next((c for c in cues["heading"] if text.startswith(c)), None)
            if cue is not None and k >= n * 2 // 3:
                out[k] = _cue(s["text"], s["start"], cue, "acts.summary.closing_heading", "summary") or {}
                first = next((j for j in body if j > k), None)
                if first is not None and sents[first]["section"] == s["section"]:
                    out[first] = (
                        _cue(
                            sents[first]["text"],
                            sents[first]["start"],
                            _TRAIL.sub("", sents[first]["text"]),
                            "acts.summary.closing_section",
                            "summary",
                        )
                        or {}
                    )
            continue
        r = rank[k]
        cue = next((c for c in cues["open"] if text.startswith(c)), None)
        if cue is not None and r >= len(body) * 3 // 4:
            out[k] = _cue(s["text"], s["start"], cue, "acts.summary.closing_opener", "summary") or {}
        if cue is None and r >= len(body) * 3 // 4:
            # Q．…ので、最後にアドバイスを: 最後に after a clause still opens the close (not 最後には)
            cue = next((c for c in cues["inside"] if _inside_cue(text, c)), None)
            if cue is not None:
                out[k] = _cue(s["text"], s["start"], cue, "acts.summary.closing_inside", "summary") or {}
        cue = next((c for c in cues["final"] if core.endswith(c)), None)
        if cue is not None and r >= len(body) - 3:
            out[k] = _cue(s["text"], s["start"], cue, "acts.summary.closing_final", "summary") or {}
        # 今回の件は…: near the end, a look back at "this time" as a whole sums the article up
        cue = next((c for c in cues["near"] if c in text), None) if k not in out else None
        if cue is not None and r >= len(body) - 3:
            out[k] = _cue(s["text"], s["start"], cue, "acts.summary.closing_lookback", "summary") or {}
        # a column closes on a hedged conclusion (…なのかもしれない, …ようだ): its last sentence
        cue = next((c for c in cues["last"] if core.endswith(c)), None)
        if cue is not None and r == len(body) - 1:
            out[k] = _cue(s["text"], s["start"], cue, "acts.summary.closing_hedge", "summary") or {}
    return {k: v for k, v in out.items() if v}


@Language.factory(
    "jinmyaku_acts",
    assigns=["doc._.jinmyaku_data", "doc.spans"],
    requires=["doc._.jinmyaku_data"],
    default_config={"lexicons": []},
)
def make_acts(nlp: Language, name: str, lexicons: list[str]) -> ActTagger:
    return ActTagger(nlp, name, lexicons=lexicons)
