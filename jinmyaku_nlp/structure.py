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

from jinmyaku_nlp.lexicon import CueRule, is_anchored, load_rules
from jinmyaku_nlp.pipeline import doc_tokens, state

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
    "profile",
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
#: an interviewer's turn in a Q&A: ——席替えはやっぱり必要なんですね
_TURN = re.compile(r"^[—―ー−\-－]{1,3}")
#: the opening of a line that refers back to the quotation above it as words said:
#: と語るのは / と彼は / こう評したのは / そんな台詞を (not とっておき, ところで: と + kana word)
_ECHO = re.compile(
    r"^(?:と(?:[、，\s]|[一-龥ァ-ヶ]|い[うっ]|つぶや|ぼや|の)|って|[^。、「」]{0,15}?(?:こう|そう|そんな|この(?:言葉|台詞|セリフ|一言)))"
)
#: a numbered list line: １．お客様 / （2）硬さ
_NUMBERED = re.compile(r"^(?:[0-9０-９]{1,2}[.．)）]|[（(][0-9０-９]{1,2}[)）])\s*")
#: a bracketed remark closing a line: 静止画も撮影できます（赤枠のアイコンをタップ）
_TRAILING_REMARK = re.compile(r"[（(][^（）()]*[）)]$")
#: a caption's link line: the short unpunctuated line glued above it is the caption
_CAPTION_LINK = "structure.boilerplate.caption"
MAX_PROFILE_NAME_CHARS = 30
#: a line led by a heading symbol, marked or not (a full sentence after ● is a list entry)
_SYMBOL_ENTRY = re.compile(r"^[■□◆◇●▼▽◎★☆]")
#: a profile's name line: a name, maybe with its role in brackets, or …プロフィール; no wording
_PROFILE_NAME = re.compile(r"^[^ぁ-ん（(、。！？!?]{2,20}(?:[（(][^）)]{1,20}[）)])?$|プロフィール$")
#: a comma past a short opener (では、 is fine) or a second comma: the line has clauses
_CLAUSE_COMMA = re.compile(r"^[^、，]{5,}[、，]|[、，][^、，]*[、，]")
#: a line that is one quotation and nothing else: someone's words, not a title
_QUOTE_LINE = re.compile(r"^「[^「」]*」$|^『[^『』]*』$")
#: not_heading rules that say the line runs on or is someone's words (the wording rules —
#: polite predicate, question, sentence opener — are outweighed by a set-off layout)
_RUN_ON_RULES = ("structure.not_heading.clause", "structure.not_heading.reported_speech")


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
        # Rules anchored at the start (^...) are combined apart and tried with .match: a search
        # of an alternation would try every branch at every position of the text.
        self.at_start: dict[str, re.Pattern[str] | None] = {}
        self.anywhere: dict[str, re.Pattern[str] | None] = {}
        for label, rs in self.rules.items():
            self.at_start[label] = _combined([r for r in rs if is_anchored(r.regex)])
            self.anywhere[label] = _combined([r for r in rs if not is_anchored(r.regex)])

    def match(self, label: str, text: str) -> str | None:
        """The id of the first ``label`` rule matching ``text``, or None."""
        at_start, anywhere = self.at_start[label], self.anywhere[label]
        if (at_start is None or at_start.match(text) is None) and (anywhere is None or anywhere.search(text) is None):
            return None
        for r in self.rules[label]:
            if r.regex.search(text) and not (r.unless is not None and r.unless.search(text)):
                return r.rule
        return None


def _combined(rules: Sequence[CueRule]) -> re.Pattern[str] | None:
    """One alternation of the rules' regexes: a miss costs one regex call, not one per rule."""
    return re.compile("|".join(f"(?:{r.regex.pattern})" for r in rules)) if rules else None


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
        n = len(self.sent_text)
        for k in range(n // 2, n):
            # a provider credit is itself a credit line, so only boilerplate sentences qualify; one
            # in the first half credits the article at its top (@type columns) and ends nothing
            if self.boiler[k] and t.match("tail_start", self.sent_text[k]):
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

    def after_related_links(self) -> None:
        """A related-links block in the second half, with no heading marker after it, ends the article.

        What follows it is the site's promotion of its own services (livedoor求人・転職は、…), written
        in sentences, so the trailing-non-prose rule alone does not catch it.
        """
        lines = self.lines
        start = -1
        for li in range(len(lines) - 1, len(lines) // 2 - 1, -1):
            if self.block[li] == "structure.block.related":
                start = li
                break
            if self.marker[li] and self.block[li] is None:
                return  # a later ■ section: the article goes on after its links
        for li in range(start + 1, len(lines)) if start >= 0 else ():
            self.mark_line(li, "structure.boilerplate.after_related_links")

    def trailing_lines(self) -> None:
        """Lines after the last line of prose are links, product data and navigation."""
        lines = self.lines
        last_prose = -1
        for li in range(len(lines) - 1, -1, -1):
            if self.ends_prose(li):
                last_prose = li
                break
        if last_prose < 0:
            return
        for li in range(last_prose + 1, len(lines)):
            if self.sign_off(li, last_prose):
                continue  # ではまた: the author's own unpunctuated sign-off is not boilerplate
            self.mark_line(li, "structure.boilerplate.trailing_non_prose")

    def ends_prose(self, li: int) -> bool:
        """The author's text on the line ends a sentence (a byline glued after it does not count).

        …余裕のある大人の女の証なのかもしれない。(栗頭渋子): the closing sentence is the author's,
        the bracketed credit after it is a separate boilerplate sentence.
        """
        line = self.lines[li]
        if line.prose or not line.sents:
            return line.prose and not self.headline(li)
        if self.unpunctuated_paragraph(li):
            return True
        tail = line.sents[-1]
        glued = self.boiler[tail] == "structure.boilerplate.pagination" or self.sent_text[tail][:1] in "（("
        if not self.boiler[tail] or not glued:
            return False  # only a bracketed credit or page links glued after the text, not a link or a label
        authored = [k for k in line.sents if not self.boiler[k]]
        if authored and self.boiler[tail] == "structure.boilerplate.pagination":
            return _final_char(self.sent_text[authored[-1]]) in _SENTENCE_END  # …です。1 2 3
        if not authored or self.table.match("list_item", line.text) or self.table.match("marker", line.text):
            return False  # ・リンク名！（提供元）: a list entry with its source is not the author's prose
        # 応募はこちらから！（※…）: a short call-out, not a paragraph of the article; a paragraph
        # with a credit glued on is the author's even unpunctuated: …利用するのも手だ（橋口まどか）
        if line.chars - len(self.sent_text[tail]) <= MAX_PLAIN_HEADING_CHARS:
            return False
        # the text before the credit ends a sentence or a predicate (…手だ), not a title (…を披露（社名）)
        last = _final_char(self.sent_text[authored[-1]])
        return last in _SENTENCE_END or "\u3041" <= last <= "\u309f"

    def unpunctuated_paragraph(self, li: int) -> bool:
        """A paragraph-long line ending in a quotation or a plain predicate: the author's text.

        Columns close a paragraph on someone's words (…嬉しいです」) or on a bare predicate
        (…利用するのも手だ); a link title or a data line is shorter, or is a list entry.
        """
        line = self.lines[li]
        if line.chars <= MAX_PLAIN_HEADING_CHARS or self.marker[li] or _SYMBOL_ENTRY.match(line.text):
            return False
        if _NUMBERED.match(line.text) or line.text[:1] in "・•‐-－*＊※":
            return False
        return line.text.rstrip()[-1:] in "」』" or _is_sign_off(line)

    def headline(self, li: int) -> bool:
        """A list entry or a marked line worded like a headline (・疑惑発覚！…とは？): a link title.

        Related-article lists close an article with such lines; the author's own prose does not
        open its sentences with a bullet or a ■ and end them with ！ or ？.
        """
        line = self.lines[li]
        if line.last not in "！？!?":
            return False
        return self.marker[li] or self.table.match("list_item", line.text) is not None

    def sign_off(self, li: int, last_prose: int) -> bool:
        """ではまた right after the last paragraph: the author's own unpunctuated farewell."""
        line = self.lines[li]
        if li != last_prose + 1 or not _is_sign_off(line) or self.marker[li]:
            return False
        # ・ウェブページを取り込むワザ / 出荷：5月25日より: a link or a data line, not a farewell
        return self.table.match("list_item", line.text) is None

    def captions(self) -> None:
        """The unpunctuated line glued above a caption link is the caption itself.

        方向幕にオレンジ帯がない編成 / （オリジナル解像度はこちら）: the link line alone carries the cue.
        """
        lines = self.lines
        # the caption rule itself, not whichever boilerplate rule matched the line first
        cues = [r.regex for r in self.table.rules["boilerplate"] if r.rule == _CAPTION_LINK]
        for li in range(1, len(lines)):
            line, above = lines[li], lines[li - 1]
            if line.blanks_before or above.prose or above.chars > MAX_MARKED_HEADING_CHARS:
                continue
            if line.text[:1] in "（(" and any(c.search(line.text) for c in cues):
                self.mark_line(li - 1, "structure.boilerplate.caption_text")

    def profiles(self) -> None:
        """A short name line with a career summary glued under it, late in the article, is a credit.

        児山 和弘（ゴルフライター） / 99年…に参加。各種媒体に寄稿する一方…: the writer's or the
        expert's profile, not the argument. Only the second half is searched: a biography opening
        an article is its subject.
        """
        lines = self.lines
        for li in range(len(lines) // 2, len(lines) - 1):
            line = lines[li]
            if line.prose or line.chars > MAX_PROFILE_NAME_CHARS or self.marker[li] or line.boiler:
                continue
            if not _PROFILE_NAME.search(line.text):
                continue  # 今回の説教 over a paragraph: a section title, not a person
            para = [li]
            while para[-1] + 1 < len(lines) and lines[para[-1] + 1].blanks_before == 0:
                para.append(para[-1] + 1)
            if any(self.table.match("profile", lines[j].text) for j in para[1:]):
                for j in para:
                    self.mark_line(j, "structure.boilerplate.profile")

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
                # １．お客様 ２．取引先 / 2.影響を受けたお客様: an enumerated list is the author's content
                and not any(_NUMBERED.match(lines[r].text) for r in run)
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
            if self.marker[j] or _SYMBOL_ENTRY.match(lines[j].text):
                ahead[j] = False  # ●得意技：中国語。 a symbol-led entry is a list, not the prose a heading opens
            elif not self.line_is_boilerplate(j):
                ahead[j] = True
            else:
                ahead[j] = ahead[j + 1]
        return ahead

    def section_headings(self, title: int) -> None:
        lines = self.lines
        ahead = self.content_ahead()
        gap = self.paragraph_gap()
        numbered = self.numbered_headings()
        for li, line in enumerate(lines):
            if li == title or not line.clean:
                continue
            block = self.block[li]
            if self.line_is_boilerplate(li) and block is None:
                continue
            n = line.chars
            rule = None
            if self.marker[li] and n <= MAX_MARKED_HEADING_CHARS:
                rule = "structure.heading.marker"
            elif n <= MAX_PLAIN_HEADING_CHARS and self.plain_heading(li):
                rule = "structure.heading.section_line"
            elif n <= MAX_PLAIN_HEADING_CHARS and self.set_off_heading(li, gap):
                rule = "structure.heading.set_off_line"
            elif li in numbered:
                rule = "structure.heading.numbered"
            if rule is None or li + 1 >= len(lines):
                continue
            # a heading introduces something: prose, or (for a links block) its glued members
            if ahead[li + 1] or (block is not None and lines[li + 1].blanks_before == 0):
                self.mark_line(li, block or rule, heading=True)

    def numbered_headings(self) -> set[int]:
        """Numbered lines that each head a paragraph (1.重さ … 2.硬さ …), when there are two or more.

        A numbered line followed by another numbered line, or following one, belongs to a list of
        steps (1. 問題を文章化する / 2. 側面を決める); one that opens the prose below it heads a
        section. A single numbered line is too little evidence of a numbered outline.
        """
        lines = self.lines
        found = set()
        for li in range(len(lines) - 1):
            m = _NUMBERED.match(lines[li].text)
            if m is None or lines[li].chars > MAX_PLAIN_HEADING_CHARS or not lines[li].clean:
                continue
            line, nxt = lines[li], lines[li + 1]
            label = line.text[m.end() :]
            if not label or line.last in "。．、，," or _CLAUSE_COMMA.search(label):
                continue
            if _NUMBERED.match(nxt.text) or (li > 0 and _NUMBERED.match(lines[li - 1].text)):
                continue  # a run of numbered lines is a list
            if self.table.match("not_heading", label) or not (nxt.prose or nxt.chars > line.chars):
                continue
            found.add(li)
        return found if len(found) >= 2 else set()

    def paragraph_gap(self) -> int:
        """The usual number of blank lines between two body paragraphs of this article (median).

        A body line is prose longer than a heading can be, so short set-off lines do not count.
        """
        lines = self.lines
        body = [line.prose and line.chars > MAX_PLAIN_HEADING_CHARS for line in lines]
        gaps = sorted(lines[j].blanks_before for j in range(1, len(lines)) if body[j] and body[j - 1])
        return gaps[len(gaps) // 2] if gaps else 1

    def set_off_heading(self, li: int, gap: int) -> bool:
        """A one-sentence line set apart by a wider gap than the article's paragraphs, opening prose.

        Survey reports and Q&A columns head each section with the question itself
        (共同購入型クーポンサイトを知っていますか？ / …を教えてください): the wording is a question or a
        polite request, so only the layout tells that the line introduces the block under it. The
        layout has to stand out from how this article spaces its own paragraphs, and the line must
        not be a list item, a speaker turn, a quotation or a clause that runs on.
        """
        lines = self.lines
        line = lines[li]
        if li + 1 >= len(lines) or len(line.sents) != 1:
            return False
        nxt = lines[li + 1]
        if line.blanks_before < max(2, gap + 1) or nxt.blanks_before < 1 or not nxt.prose:
            return False
        if nxt.chars <= line.chars:
            return False  # what follows is a paragraph, not another short line
        if line.last in "。．、，,":
            return False  # a finished sentence set off on its own is a photo caption or a punch line
        if self.table.match("list_item", line.text) or _QUOTE_LINE.match(line.text) or _TURN.match(line.text):
            return False
        if _CLAUSE_COMMA.search(line.text):
            return False  # …相棒だったら、あなたならどうする?: a clause break makes it a sentence of prose
        return self.table.match("not_heading", line.text) not in _RUN_ON_RULES

    def plain_heading(self, li: int) -> bool:
        """A short line without final punctuation that opens a block of prose."""
        t = self.table
        line = self.lines[li]
        last = line.last
        if last in "。．、，,":
            return False
        # layout first (cheap): a heading follows a break and something follows it
        after_break = line.blanks_before > 0 or (li > 0 and self.line_is_boilerplate(li - 1))
        if not after_break or li + 1 >= len(self.lines):
            return False
        if last in "！!" and line.blanks_before < 2:
            return False  # an exclamation between single blank lines is blog prose
        nxt = self.lines[li + 1]
        if nxt.blanks_before == 0 and not nxt.prose and nxt.chars <= MAX_PLAIN_HEADING_CHARS:
            return False  # glued to another short unpunctuated line: a list or a byline block
        if t.match("list_item", line.text) or t.match("not_heading", line.text):
            return False
        bare = _TRAILING_REMARK.sub("", line.text)
        if bare != line.text and t.match("not_heading", bare) == "structure.not_heading.polite":
            return False  # 静止画も撮影できます（赤枠のアイコンをタップ）: a sentence with a remark
        if _LABELLED.match(line.text):
            return False  # 【占い師】name, 【人脈】gloss: a labelled entry, not a title
        # 「…稀有な人」 then 谷さんをこう評したのは: the next line says these are someone's words
        return not (_QUOTE_LINE.match(line.text) and _ECHO.match(nxt.text))

    def run(self) -> Structure:
        if not self.spans:
            return Structure()
        self.sentence_boilerplate()
        self.blocks()
        self.captions()
        self.profiles()
        self.after_related_links()
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
        result = annotate_structure(doc_tokens(doc).text, [(s["start"], s["end"]) for s in sents])
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
