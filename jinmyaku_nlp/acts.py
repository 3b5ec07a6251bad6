"""Per-sentence speech acts and features (SPEC §3 "Sentence acts").

Features come from morphology: the sentence-final content morphemes and their conjugation
forms give the mood (命令形 → imperative, 意志推量形 of ます → volitional...), auxiliaries give
polarity and modality, the first token gives the connective. Acts come from the cue table
``data/acts.jsonl`` plus two morphological rules (imperative verb, volitional). Whether a
question is rhetorical needs a look ahead for its answer; that decision is made in the patterns stage
(:mod:`jinmyaku_nlp.patterns`), which adds ``rhetorical_question`` to unanswered questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import LEAD as _LEAD
from jinmyaku_nlp.lexicon import TRAIL as _TRAIL
from jinmyaku_nlp.lexicon import load_rules, load_wordlist, match_rule
from jinmyaku_nlp.pipeline import SPANS_ACTS, state
from jinmyaku_nlp.record import ACT_TYPES

ACT_LABELS = (*ACT_TYPES, "not_call_to_action", "not_question")
_QUOTE = re.compile(r"「[^「」]*」|『[^『』]*』")
_NOT_CONTENT_TAGS = ("補助記号", "空白", "記号")


@dataclass(slots=True)
class Morph:
    """The few token facts the rules read (from any spaCy Japanese tokenizer)."""

    text: str
    lemma: str
    tag: str
    form: str  # conjugation form, e.g. 命令形, 意志推量形-一般


def sentence_morphs(doc: Doc, start: int, end: int) -> list[Morph]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    out = []
    for t in span:
        if t.is_space:
            continue
        infl = t.morph.get("Inflection")
        form = infl[0].split(";", 1)[1] if infl and ";" in infl[0] else ""
        out.append(Morph(t.text, t.lemma_, t.tag_, form))
    return out


def content_tail(morphs: Sequence[Morph]) -> list[Morph]:
    """The morphemes before the sentence's closing punctuation."""
    k = len(morphs)
    while k > 0 and morphs[k - 1].tag.startswith(_NOT_CONTENT_TAGS):
        k -= 1
    return list(morphs[:k])


def sentence_features(text: str, morphs: Sequence[Morph]) -> dict[str, Any]:
    """mood, polarity, modality, addressee, connective and quote count of one sentence."""
    tail = content_tail(morphs)
    last = tail[-4:]
    mood = "declarative"
    core = _TRAIL.sub("", text)
    if text.rstrip().endswith(("?", "？")) or (last and last[-1].lemma in ("か", "かな", "かしら")):
        mood = "interrogative"
    elif any(m.form.startswith("命令形") for m in last[-2:]):
        mood = "imperative"
    elif any(
        m.form.startswith("意志推量形") and m.lemma in ("ます", "う", "よう") for m in last[-2:]
    ) and not core.endswith(("でしょう", "だろう")):
        mood = "volitional"
    negative = any(
        (m.lemma in ("ない", "ぬ", "ず") and m.tag.startswith(("助動詞", "形容詞-非自立")))
        or m.text in ("ません", "ず")
        for m in last
    )
    modality = "none"
    if core.endswith(("べき", "べきだ", "べきです", "べきである")) or "なければ" in core[-12:]:
        modality = "obligation"
    elif core.endswith(("でしょう", "だろう", "かもしれない", "かもしれません", "と思う", "と思います")):
        modality = "conjecture"
    elif core.endswith(("らしい", "ようだ", "ようです", "そうだ", "そうです", "みたい")):
        modality = "evidential"
    first = _LEAD.sub("", text)
    connective = ""
    for c in _connectives():
        if first.startswith(c):
            connective = c
            break
    addressee = bool(re.search(r"あなた|アナタ|君は|皆さん|みなさん|読者", text)) or mood in (
        "imperative",
        "volitional",
    )
    return {
        "mood": mood,
        "polarity": "negative" if negative else "positive",
        "modality": modality,
        "addressee": addressee,
        "connective": connective,
        "quotes": len(_QUOTE.findall(text)),
        "final": "".join(m.text for m in last),
    }


def _connectives() -> list[str]:
    return sorted(load_wordlist("connectives"), key=len, reverse=True)


class ActTagger:
    """Component: ``features``, ``acts`` and act cues for every sentence."""

    def __init__(self, nlp: Language, name: str, lexicons: Sequence[str | Path] = ()) -> None:
        self.name = name
        self.lexicons = [str(p) for p in lexicons]
        self.rules = load_rules("acts", ACT_LABELS, self.lexicons)

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        sents: list[dict[str, Any]] = data["sentences"]
        morph_cache = []
        for s in sents:
            morphs = sentence_morphs(doc, s["start"], s["end"])
            morph_cache.append(morphs)
            s["features"].update(sentence_features(s["text"], morphs))
            if s["boilerplate"]:
                continue
            self._label(s, morphs)
        spans = []
        for s in sents:
            for act in s["acts"]:
                span = doc.char_span(s["start"], s["end"], label=act, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc.spans[SPANS_ACTS] = spans
        return doc

    def _label(self, s: dict[str, Any], morphs: list[Morph]) -> None:
        text, start = s["text"], s["start"]
        found: dict[str, dict[str, Any]] = {}
        vetoed: set[str] = set()
        for rule in self.rules:
            if rule.label in found:
                continue
            hit = match_rule(rule, text, start)
            if hit is None:
                continue
            if rule.label.startswith("not_"):
                vetoed.add(rule.label[4:])
                continue
            found[rule.label] = {
                "text": hit[0],
                "start": hit[1],
                "end": hit[2],
                "rule": rule.rule,
                "label": rule.label,
            }
        mood = s["features"]["mood"]
        if "call_to_action" not in found and mood in ("imperative", "volitional"):
            tail = content_tail(morphs)
            cue = _morph_cue(text, start, tail[-2:])
            if cue is not None and not _TRAIL.sub("", text).endswith(("でしょう", "だろう")):
                found["call_to_action"] = {**cue, "rule": f"acts.cta.{mood}_form", "label": "call_to_action"}
        for act in vetoed:
            found.pop(act, None)
        s["acts"] = [a for a in ACT_TYPES if a in found]
        s["cues"].extend(found[a] for a in s["acts"])


def _morph_cue(text: str, start: int, morphs: Sequence[Morph]) -> dict[str, Any] | None:
    if not morphs:
        return None
    cue = "".join(m.text for m in morphs)
    k = text.rfind(cue)
    if k < 0:
        return None
    return {"text": cue, "start": start + k, "end": start + k + len(cue)}


@Language.factory(
    "jinmyaku_acts",
    assigns=["doc._.jinmyaku_data", "doc.spans"],
    requires=["doc._.jinmyaku_data"],
    default_config={"lexicons": []},
)
def make_acts(nlp: Language, name: str, lexicons: list[str]) -> ActTagger:
    return ActTagger(nlp, name, lexicons=lexicons)
