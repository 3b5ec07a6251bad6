"""Article structure: headings, boilerplate (ads, navigation, credits, URLs, dates) and sections.

``annotate_structure`` works on the original text and the sentence spans; each positive label
comes with the rule that produced it. The component writes the flags, their cues and the
section list into ``doc._.jinmyaku_data``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.pipeline import state

_URL = re.compile(r"^(?:https?://|www\.)\S+$")
_DATE = re.compile(r"^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}(?:日|T[\d:+\-]+)?")
_AD = re.compile(
    r"^(?:スポンサーリンク|スポンサードリンク|広告|PR|トップページ|関連記事|ホーム|次のページ|前のページ|\d+(?:\s+\d+)+)$"
)
_SOURCE = re.compile(r"^(?:出典|引用|参考|情報提供元|写真|画像|提供)\s*[:：]|^[（(](?:出典|情報提供元|写真)")
_HEADING_MARK = re.compile(r"^(?:[■□◆◇●○▼▽★☆◎]|【[^】]{1,40}】|第\d+[位章回]|[＜<][^＞>]{1,20}[＞>]$)")
_FINAL_PUNCT = "。．！？!?」』）)"
MAX_HEADING_CHARS = 60


@dataclass(slots=True)
class Structure:
    #: per sentence: the rule that made it a heading / boilerplate, or None
    heading: list[str | None] = field(default_factory=list)
    boilerplate: list[str | None] = field(default_factory=list)
    #: per sentence: its section number
    section: list[int] = field(default_factory=list)
    #: (title, first sentence, last sentence)
    sections: list[tuple[str, int, int]] = field(default_factory=list)


def _line_of(text: str, start: int, end: int) -> str:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return text[ls : le if le >= 0 else len(text)].strip()


def annotate_structure(text: str, spans: Sequence[tuple[int, int]]) -> Structure:
    """Headings, boilerplate and sections for the sentences ``spans`` of ``text``."""
    out = Structure()
    n = len(spans)
    for k, (s, e) in enumerate(spans):
        sent = text[s:e].strip()
        line = _line_of(text, s, e)
        alone = line == sent
        bp: str | None = None
        if _URL.match(sent):
            bp = "structure.boilerplate.url"
        elif _DATE.match(sent) and len(sent) <= 30:
            bp = "structure.boilerplate.date"
        elif _AD.match(sent):
            bp = "structure.boilerplate.ad_nav"
        elif _SOURCE.search(sent):
            bp = "structure.boilerplate.source"
        out.boilerplate.append(bp)
        hd: str | None = None
        if bp is None and alone and len(sent) <= MAX_HEADING_CHARS:
            prev_blank = k == 0 or "\n\n" in text[spans[k - 1][1] : s] or _is_head_zone(text, s)
            if _HEADING_MARK.match(sent):
                hd = "structure.heading.marker"
            elif sent[-1] not in _FINAL_PUNCT and prev_blank and k + 1 < n and "、" not in sent[-1:]:
                hd = "structure.heading.unpunctuated_line"
        out.heading.append(hd)
    section = 0
    title = ""
    first = 0
    for k in range(n):
        if out.heading[k] and k > 0:
            if k > first:
                out.sections.append((title, first, k - 1))
            section += 1
            title = text[spans[k][0] : spans[k][1]].strip()
            first = k
        elif k == 0 and out.heading[0]:
            title = text[spans[0][0] : spans[0][1]].strip()
        out.section.append(section)
    if n:
        out.sections.append((title, first, n - 1))
    return out


def _is_head_zone(text: str, start: int) -> bool:
    return text.rfind("\n", 0, start) < 0


class StructureAnnotator:
    """Component: heading/boilerplate flags with cues, section numbers, the section list."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        sents: list[dict[str, Any]] = data["sentences"]
        result = annotate_structure(doc.text, [(s["start"], s["end"]) for s in sents])
        for s, hd, bp, sec in zip(sents, result.heading, result.boilerplate, result.section, strict=True):
            s["section"] = sec
            if hd:
                s["heading"] = True
                s["cues"].append(_whole(s, hd, "heading"))
            if bp:
                s["boilerplate"] = True
                s["cues"].append(_whole(s, bp, "boilerplate"))
        data["sections"] = [
            {"title": t, "start_sentence": a, "end_sentence": b} for t, a, b in result.sections
        ]
        return doc


def _whole(sent: dict[str, Any], rule: str, label: str) -> dict[str, Any]:
    return {"text": sent["text"], "start": sent["start"], "end": sent["end"], "rule": rule, "label": label}


@Language.factory("jinmyaku_structure", assigns=["doc._.jinmyaku_data"], requires=["doc._.jinmyaku_data"])
def make_structure(nlp: Language, name: str) -> StructureAnnotator:
    return StructureAnnotator(nlp, name)
