"""Article structure: headings, boilerplate (ads, navigation, credits, URLs, dates) and sections.

``annotate_structure`` works on the original text and the sentence spans; each positive label
comes with the rule that produced it. The component writes the flags, their cues and the
section list into ``doc._.jinmyaku_data``.

Headings are a property of *lines* (a title split at ！ gives two heading sentences), so the text
is first cut into lines, each sentence is attached to the line it starts on, and the rules look at
a line's neighbourhood: blank lines around it, whether prose follows, where it sits in the
article (title line, paragraph under the title, trailing link blocks). The cue lists are package
data (``data/structure.jsonl``). Everything is one pass over lines and one over sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import CueRule, load_rules
from jinmyaku_nlp.pipeline import state

#: labels of data/structure.jsonl (see the header of that file for what each one means)
LABELS = (
    "boilerplate",
    "tail_start",
    "block",
    "standfirst",
    "credit",
    "affiliate",
    "marker",
    "list_item",
    "not_heading",
)
MAX_TITLE_CHARS = 100
MAX_MARKED_HEADING_CHARS = 60
MAX_PLAIN_HEADING_CHARS = 40
MAX_CREDIT_LINE_CHARS = 30
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WS = re.compile(r"\s+")
_SENTENCE_END = "。．！？!?"
_CLOSING = "」』）)》】〉］]｝}〕”’＞>…‥・〜ー～♪☆★ｗw 　\t"
_LABELLED = re.compile(r"^【[^】]{1,20}】\S")


@dataclass(slots=True)
class Structure:
    #: per sentence: the rule that made it a heading / boilerplate, or None
    heading: list[str | None] = field(default_factory=list)
    boilerplate: list[str | None] = field(default_factory=list)
    #: per sentence: its section number
    section: list[int] = field(default_factory=list)
    #: (title, first sentence, last sentence)
    sections: list[tuple[str, int, int]] = field(default_factory=list)


class _Table:
    """The structure cue table, one alternation per label so a miss costs one regex search."""

    def __init__(self, rules: Sequence[CueRule]) -> None:
        self.rules: dict[str, list[CueRule]] = {label: [] for label in LABELS}
        for r in rules:
            self.rules[r.label].append(r)
        self.any: dict[str, re.Pattern[str] | None] = {
            label: re.compile("|".join(f"(?:{r.regex.pattern})" for r in rs)) if rs else None
            for label, rs in self.rules.items()
        }

    def match(self, label: str, text: str) -> str | None:
        """The id of the first ``label`` rule matching ``text``, or None."""
        combined = self.any[label]
        if combined is None or combined.search(text) is None:
            return None
        for r in self.rules[label]:
            if r.regex.search(text) and not (r.unless is not None and r.unless.search(text)):
                return r.rule
        return None


@cache
def _table() -> _Table:
    return _Table(load_rules("structure", LABELS))


@dataclass(slots=True)
class _Line:
    """A non-blank line: content offsets (whitespace stripped) and features computed once."""

    start: int
    end: int
    text: str
    blanks_before: int
    chars: int = 0  # non-whitespace characters
    prose: bool = False  # ends with sentence punctuation
    last: str = ""  # last character before closing brackets and decorations
    sents: list[int] = field(default_factory=list)
    #: the sentences starting here cover exactly this line (none spills over a line break)
    clean: bool = False
    #: every sentence starting here is boilerplate
    boiler: bool = False


#: the content of one line: from its first to its last non-space character
_LINE_CONTENT = re.compile(r"\S(?:[^\r\n]*\S)?")


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text`` (CRLF, lone CR and LF all break lines)."""
    out: list[_Line] = []
    prev = 0
    for m in _LINE_CONTENT.finditer(text):
        start, end = m.span()
        breaks = len(_LINE_BREAK.findall(text, prev, start))
        body = m.group()
        last = _final_char(body)
        out.append(
            _Line(
                start,
                end,
                body,
                max(breaks - 1, 0) if out else breaks,
                chars=len(body) - len(_WS.findall(body)),
                prose=last in _SENTENCE_END,
                last=last,
            )
        )
        prev = end
    return out


def _attach(lines: list[_Line], spans: Sequence[tuple[int, int]]) -> list[int]:
    """Line index of every sentence (the line it starts on); marks lines covered exactly."""
    owner: list[int] = []
    li = 0
    for k, (s, _e) in enumerate(spans):
        while li + 1 < len(lines) and lines[li + 1].start <= s:
            li += 1
        owner.append(li)
        if lines:
            lines[li].sents.append(k)
    for line in lines:
        if line.sents:
            first, last = spans[line.sents[0]], spans[line.sents[-1]]
            line.clean = first[0] == line.start and last[1] == line.end
    return owner


def _final_char(text: str) -> str:
    stripped = text.rstrip(_CLOSING)
    return stripped[-1] if stripped else ""


def _is_sign_off(line: _Line) -> bool:
    return "\u3041" <= line.last <= "\u309f"


class _Annotator:
    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans
        self.table = _table()
        self.lines = _lines(text)
        self.owner = _attach(self.lines, spans)
        n = len(spans)
        self.sent_text = [text[s:e].strip() for s, e in spans]
        self.heading: list[str | None] = [None] * n
        self.boiler: list[str | None] = [None] * n

    # -- boilerplate ---------------------------------------------------------------------
    def mark_line(self, li: int, rule: str, *, heading: bool = False) -> None:
        line = self.lines[li]
        target = self.heading if heading else self.boiler
        for k in line.sents:
            target[k] = target[k] or rule
        if not heading:
            line.boiler = bool(line.sents)

    def sentence_boilerplate(self) -> None:
        t = self.table
        for k, sent in enumerate(self.sent_text):
            self.boiler[k] = t.match("boilerplate", sent)
        for k, sent in enumerate(self.sent_text):
            # a provider credit is itself a credit line, so only boilerplate sentences qualify
            if self.boiler[k] and t.match("tail_start", sent):
                for j in range(k, len(self.spans)):
                    self.boiler[j] = self.boiler[j] or "structure.boilerplate.after_provider_credit"
                break
        self.refresh_line_flags()

    def line_is_boilerplate(self, li: int) -> bool:
        return self.lines[li].boiler

    def refresh_line_flags(self) -> None:
        for line in self.lines:
            line.boiler = bool(line.sents) and all(self.boiler[k] for k in line.sents)

    def blocks(self) -> None:
        """A links/credits block: its cue line (also a heading) and the rest of its paragraph."""
        lines = self.lines
        self.block = [self.table.match("block", line.text) for line in lines]
        self.marker = [self.table.match("marker", line.text) is not None for line in lines]
        for li, rule in enumerate(self.block):
            if rule is None:
                continue
            self.mark_line(li, rule)
            j = li + 1
            while j < len(lines) and lines[j].blanks_before == 0:
                self.mark_line(j, "structure.boilerplate.block_member")
                j += 1

    def trailing_lines(self) -> None:
        """Lines after the last line of prose are links, product data and navigation."""
        lines = self.lines
        last_prose = -1
        for li in range(len(lines) - 1, -1, -1):
            if lines[li].prose:
                last_prose = li
                break
        if last_prose < 0:
            return
        for li in range(last_prose + 1, len(lines)):
            if _is_sign_off(lines[li]) and not self.marker[li]:
                continue  # ではまた: the author's own unpunctuated sign-off is not boilerplate
            self.mark_line(li, "structure.boilerplate.trailing_non_prose")

    def credit_runs(self) -> None:
        """A paragraph opening with short unpunctuated name/role lines is a byline block."""
        lines = self.lines
        li = 0
        while li < len(lines):
            j = li
            while (
                j < len(lines)
                and (j == li or lines[j].blanks_before == 0)
                and not lines[j].prose
                and lines[j].chars <= MAX_CREDIT_LINE_CHARS
            ):
                j += 1
            run = range(li, j)
            if (
                len(run) >= 2
                and any(self.table.match("credit", lines[r].text) for r in run)
                and not any(self.marker[r] for r in run)
            ):
                for r in run:
                    self.mark_line(r, "structure.boilerplate.credit_block")
            li = max(j, li + 1)

    def affiliate_titles(self) -> None:
        """A short unpunctuated line right under a product recommendation is its title."""
        lines = self.lines
        for li in range(1, len(lines)):
            line, above = lines[li], lines[li - 1]
            if line.blanks_before or line.prose or line.chars > MAX_PLAIN_HEADING_CHARS:
                continue
            if above.prose and self.table.match("affiliate", above.text):
                self.mark_line(li, "structure.boilerplate.affiliate_title")

    # -- headings ------------------------------------------------------------------------
    def title(self) -> int:
        """Index of the title line (first line that is not boilerplate), or -1."""
        for li, line in enumerate(self.lines):
            if self.line_is_boilerplate(li):
                continue
            if (
                li + 1 < len(self.lines)
                and line.chars <= MAX_TITLE_CHARS
                and _final_char(line.text) not in "。．"
                and line.clean
            ):
                self.mark_line(li, "structure.heading.title", heading=True)
                return li
            return -1
        return -1

    def standfirst(self, title: int) -> None:
        """The paragraph glued under the title is a series blurb when it talks about the series."""
        lines = self.lines
        j = title + 1
        para: list[int] = []
        while j < len(lines) and lines[j].blanks_before == 0:
            para.append(j)
            j += 1
        if not para or j >= len(lines):
            return
        if any(self.table.match("standfirst", lines[p].text) for p in para):
            for p in para:
                self.mark_line(p, "structure.boilerplate.standfirst")

    def content_ahead(self) -> list[bool]:
        """Per line: some later line, before the next marked line, is the author's text."""
        lines = self.lines
        ahead = [False] * (len(lines) + 1)
        for j in range(len(lines) - 1, -1, -1):
            if self.marker[j]:
                ahead[j] = False
            elif not self.line_is_boilerplate(j):
                ahead[j] = True
            else:
                ahead[j] = ahead[j + 1]
        return ahead

    def section_headings(self, title: int) -> None:
        t = self.table
        lines = self.lines
        ahead = self.content_ahead()
        for li, line in enumerate(lines):
            if li == title or not line.clean:
                continue
            block = t.match("block", line.text)
            if self.line_is_boilerplate(li) and block is None:
                continue
            n = line.chars
            rule = None
            if t.match("marker", line.text) and n <= MAX_MARKED_HEADING_CHARS:
                rule = "structure.heading.marker"
            elif n <= MAX_PLAIN_HEADING_CHARS and self.plain_heading(li):
                rule = "structure.heading.section_line"
            if rule is None or li + 1 >= len(lines):
                continue
            # a heading introduces something: prose, or (for a links block) its glued members
            if ahead[li + 1] or (block is not None and lines[li + 1].blanks_before == 0):
                self.mark_line(li, block or rule, heading=True)

    def plain_heading(self, li: int) -> bool:
        """A short line without final punctuation that opens a block of prose."""
        t = self.table
        line = self.lines[li]
        last = line.last
        if last in "。．、，,":
            return False
        if t.match("list_item", line.text) or t.match("not_heading", line.text):
            return False
        if _LABELLED.match(line.text):
            return False  # 【占い師】name, 【人脈】gloss: a labelled entry, not a title
        after_break = line.blanks_before > 0 or (li > 0 and self.line_is_boilerplate(li - 1))
        if not after_break:
            return False
        if last in "！!" and line.blanks_before < 2:
            return False  # an exclamation between single blank lines is blog prose
        nxt = self.lines[li + 1] if li + 1 < len(self.lines) else None
        if nxt is None:
            return False
        # glued to another short unpunctuated line: a list or a byline block, not a heading
        return not (nxt.blanks_before == 0 and not nxt.prose and nxt.chars <= MAX_PLAIN_HEADING_CHARS)

    def run(self) -> Structure:
        if not self.spans:
            return Structure()
        self.sentence_boilerplate()
        self.blocks()
        self.trailing_lines()
        self.credit_runs()
        self.affiliate_titles()
        title = self.title()
        if title >= 0:
            self.standfirst(title)
        self.section_headings(title)
        return self.finish()

    def finish(self) -> Structure:
        out = Structure(heading=self.heading, boilerplate=self.boiler)
        section, first, title = 0, 0, ""
        for k in range(len(self.spans)):
            starts = self.heading[k] is not None and (k == 0 or self.heading[k - 1] is None)
            if starts:
                if k > first:
                    out.sections.append((title, first, k - 1))
                    section += 1
                first = k
                title = self.lines[self.owner[k]].text
            out.section.append(section)
        out.sections.append((title, first, len(self.spans) - 1))
        return out


def annotate_structure(text: str, spans: Sequence[tuple[int, int]]) -> Structure:
    """Headings, boilerplate and sections for the sentences ``spans`` of ``text``."""
    return _Annotator(text, spans).run()


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
        data["sections"] = [{"title": t, "start_sentence": a, "end_sentence": b} for t, a, b in result.sections]
        return doc


def _whole(sent: dict[str, Any], rule: str, label: str) -> dict[str, Any]:
    return {"text": sent["text"], "start": sent["start"], "end": sent["end"], "rule": rule, "label": label}


@Language.factory("jinmyaku_structure", assigns=["doc._.jinmyaku_data"], requires=["doc._.jinmyaku_data"])
def make_structure(nlp: Language, name: str) -> StructureAnnotator:
    return StructureAnnotator(nlp, name)
