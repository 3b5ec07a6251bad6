"""Blog-aware sentence segmentation (SPEC §4) over the untouched original text.

``split_sentences`` returns ``(start, end, rule)`` spans: the text between them is whitespace
only, and ``rule`` names the boundary rule that closed the sentence. The component stores the
sentences in ``doc._.jinmyaku_data`` and marks ``token.is_sent_start``.

The scanner only visits "event" characters (brackets, terminators, line breaks) found by one
compiled regex, so a megabyte of prose costs a few thousand Python steps, and every look-back or
look-ahead is bounded (by the current line, or by ``MAX_BRACKET_SPAN``) to keep time linear.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.pipeline import SPANS_SENTENCES, doc_tokens, new_state

OPENERS = "「『（(《【〈［[｛{〔“‘＜"
CLOSERS = "」』）)》】〉］]｝}〕”’＞"
_PAIR = dict(zip(OPENERS, CLOSERS, strict=True))
#: full-width closers folded to their ASCII twins, so that a pair of mixed widths still closes
_WIDTH = str.maketrans("）］｝", ")]}")
TERMINATORS = "。．！？!?"
#: characters absorbed into a sentence after its terminator (SPEC §4: keep runs of closers/ellipses)
TRAILERS = TERMINATORS + CLOSERS + "…‥・〜ー～♪☆★ｗw"
_JOINERS = "、，,"
#: a bracket left open for this many characters no longer blocks sentence ends (unbalanced input)
MAX_BRACKET_SPAN = 300
_NEWLINES = "\n\r"

#: pictographs (emoji) decorate the end of a blog sentence like a closer: 楽しかった！😊
#: Only the pictograph planes end a sentence by themselves: the older symbols (♪ ☆ ♥) also
#: decorate the middle of a title (新しくなった♪アプリの使い方) and only trail a terminator.
_PICTOGRAPHS = "\U0001f000-\U0001faff"
_EMOJI_RUN = re.compile(f"[{_PICTOGRAPHS}\u2600-\u27bf\ufe0f\u200d]+")
_EVENT = re.compile("[" + re.escape(OPENERS + CLOSERS + TERMINATORS + _NEWLINES) + _PICTOGRAPHS + "]")
#: a laugh/emotion mark closes a blog sentence like a terminator: …んですよ（笑）その次が…
#: and so does a face mark (顔文字) made of symbols: 売り切れ続出！(^_^;) / うれしい（*´ω｀*）次は…
_LAUGH = re.compile(
    r"[（(](?:笑|苦笑|爆笑|失笑|汗|泣)[）)]"
    r"|[（(](?=[^（）()\n\rぁ-んァ-ヶ一-龥]*[\^＾ω∀゜°∇_＿´｀≧≦ﾟдД;；])[^（）()\n\rぁ-んァ-ヶ一-龥]{2,12}[）)]"
)
#: a face mark alone on the next line still belongs to the sentence it decorates
_LAUGH_LINE = re.compile(
    r"[ \t\u3000]*(?:\r\n|\r|\n)[ \t\u3000]*(?P<mark>" + _LAUGH.pattern + r")[ \t\u3000]*(?=[\r\n]|$)"
)
#: a byline in brackets at the end of a line, right after a predicate: …ないようである（橋口まどか）
_BYLINE = re.compile(
    r"[（(][^（）()\s0-9０-９、。！？!?+＋]{1,11}[^（）()\s0-9０-９、。！？!?+＋るいたすうだ][）)][ \t\u3000]*(?:[\r\n]|$)"
)
_NOT_BYLINE = re.compile(r"発売|公開|予定|一部|仮名|笑|続")
#: the byline follows a finished predicate, not a name (…さん（東京都）) or a list item
_PREDICATE_END = set("だいうるたすねよかのぞわ")
_LIST_MARKS = set("・•■□◆◇●○◎▼▽★☆※-－*＊")
MIN_BYLINE_SENTENCE = 20
#: after a closing bracket, a particle continues the sentence even when the bracket never opened
_QUOTE_PARTICLES = set("とのをがにはもっ")
#: an indirect question list stays one sentence: 向いているのか？直す所はあるか、というご相談
_QUESTION_LIST = re.compile(r"[^。．！？!?\n\r]{1,60}?か[、，]?(?:という|との)")
#: a line that cannot open a sentence continues the previous one: (verse)\n\nです。
_CONTINUATION = re.compile(r"\s*(?:です|でした|でしょう|と(?:思|考え)[いうっわ])")
#: a bare ?/! followed by a quoting と is reported thought, not a sentence end:
#: …のではないか？と感じる / 辞めてやれ！とも思った / 認められるのか？ということだろう
_QUOTED_MARK = re.compile(
    r"[？?！!]+[ \u3000]*(?:と(?:いう|いっ|言|云|思|おも|感じ|考え|聞|訊|尋|叫|つぶや|呟|問|疑|も(?!かく|あれ)|の[声意思])"
    r"|って|など|なんて(?!った)"
    r"|(?:\r\n|\r|\n)[ \u3000]*(?=と|って|など|なんて))"
)
#: a line that opens with a quoting particle goes on with the quotation the previous line closed:
#: 「…最高ですね！」 / と興奮を隠せない。 ・ …どうする？ / など、想像力豊かな… ・ 「…」 / とのこと。
#: (but というのも, というわけで, ということは open a sentence of their own)
_QUOTE_CONTINUATION = re.compile(
    r"[ \u3000]*(?:と(?:[、，]|[一-龥]|い[うっ](?!の|わけ|こと)|か[、，]|も[、，]|の(?:こと|話))|って|など|なんて)"
)
#: a one-to-three character label before a full-width period is a list or Q/A mark, not a sentence: Q．本文
_LABEL_DOT = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ0-9０-９]{1,3}")
_NONSPACE = re.compile(r"\S")


class SentenceSpan(NamedTuple):
    start: int
    end: int
    rule: str


class _Scanner:
    """One left-to-right pass; state is the open-bracket stack and the current sentence start."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.spans: list[SentenceSpan] = []
        self.start = 0
        self.stack: list[tuple[str, int]] = []  # (expected closer, position of the opener)
        self.line_start = 0
        # last non-space character of the pending sentence seen at the previous line break
        self.carry_last = ""

    def emit(self, end: int, rule: str) -> None:
        text = self.text
        s, e = self.start, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            self.spans.append(SentenceSpan(s, e, rule))
        self.start = end

    def run(self) -> list[SentenceSpan]:
        text = self.text
        pos = 0
        while True:
            m = _EVENT.search(text, pos)
            if m is None:
                break
            i = m.start()
            ch = text[i]
            if self.stack and i - self.stack[0][1] > MAX_BRACKET_SPAN:
                self.stack.clear()  # an unbalanced bracket must not swallow the rest of the text
            if ch in _NEWLINES:
                pos = self.newline(i)
            elif ch in _PAIR:
                pos = self.opener(i, ch)
            elif ch in CLOSERS:
                self.closer(ch)
                pos = i + 1
            elif ch in TERMINATORS:
                pos = self.terminator(i, ch)
            else:
                pos = self.emoji(i)
        self.emit(self.n, "end_of_text")
        return self.spans

    def opener(self, i: int, ch: str) -> int:
        text = self.text
        if not self.stack:
            laugh = _LAUGH.match(text, i)
            if laugh and self._has_content(i):
                return self.close_after(laugh.end(), "laugh")
            if self._byline_at(i):
                self.emit(i, "byline")
        self.stack.append((_PAIR[ch], i))
        return i + 1

    def _byline_at(self, i: int) -> bool:
        text = self.text
        if i == 0 or text[i - 1] not in _PREDICATE_END:
            return False
        m = _BYLINE.match(text, i)
        if m is None or _NOT_BYLINE.search(text, i, m.end()):
            return False
        head = _NONSPACE.search(text, max(self.start, self.line_start), i)
        if head is None or text[head.start()] in _LIST_MARKS:
            return False
        return i - head.start() >= MIN_BYLINE_SENTENCE

    def _label_before(self, i: int) -> bool:
        """The sentence so far, on this line, is only a short label (Q, A, 12)."""
        head = _NONSPACE.search(self.text, max(self.start, self.line_start), i)
        return head is not None and _LABEL_DOT.fullmatch(self.text, head.start(), i) is not None

    def closer(self, ch: str) -> None:
        stack = self.stack
        ch = ch.translate(_WIDTH)  # (30歳・会社員） closes: writers mix the widths of one pair
        if stack and stack[-1][0].translate(_WIDTH) == ch:
            stack.pop()
        elif any(c.translate(_WIDTH) == ch for c, _ in stack):
            while stack and stack[-1][0].translate(_WIDTH) != ch:
                stack.pop()
            stack.pop()

    def terminator(self, i: int, ch: str) -> int:
        text = self.text
        if self.stack:
            return i + 1
        if ch in "?!" and 0 < i < self.n - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            return i + 1  # mis-encoded range mark: 20?30代
        if ch in "？?" and _QUESTION_LIST.match(text, i + 1):
            return i + 1
        if ch in "？?！!" and _QUOTED_MARK.match(text, i):
            return i + 1
        if ch == "．" and self._label_before(i):
            return i + 1
        return self.close_after(i + 1, "terminator")

    def emoji(self, i: int) -> int:
        """A pictograph run after some text closes the sentence like a laugh mark: 最高😊次は…"""
        if self.stack or not self._has_content(i):
            return i + 1  # inside a quotation, or an emoji opening the sentence (a bullet)
        return self.close_after(i, "emoji")

    def close_after(self, j: int, rule: str) -> int:
        """End the sentence after the trailer run that starts at ``j``."""
        text, n = self.text, self.n
        saw_closer = False
        while j < n:
            c = text[j]
            if c in _PAIR:
                laugh = _LAUGH.match(text, j)
                if laugh is None:
                    break
                j = laugh.end()
                continue
            if c not in TRAILERS:
                emoji = _EMOJI_RUN.match(text, j)
                if emoji is None:
                    break
                j = emoji.end()
                continue
            saw_closer = saw_closer or c in CLOSERS
            j += 1
        mark = _LAUGH_LINE.match(text, j)
        if mark is not None:
            j = mark.end("mark")
        if (saw_closer or rule in ("laugh", "emoji")) and j < n and text[j] in _QUOTE_PARTICLES:
            return j  # 辞めれば？』の嫌がらせ: the quote is part of a longer sentence
        if rule in ("laugh", "emoji") and j < n and text[j] in _JOINERS:
            return j  # …と思いますが（笑）、結局…: the clause goes on
        self.emit(j, rule)
        return j

    def _has_content(self, i: int) -> bool:
        return bool(_NONSPACE.search(self.text, self.start, i))

    def newline(self, i: int) -> int:
        text = self.text
        nxt = i + 1
        if text[i] == "\r" and nxt < self.n and text[nxt] == "\n":
            nxt += 1  # CRLF is one line break
        last = self._last_char_on_line(i)
        pending = self.start < self.line_start and bool(self.carry_last)
        self.line_start = nxt
        if not last:
            if not pending:  # a blank line with nothing pending
                self.carry_last = ""
                self.start = nxt
            return nxt  # blank lines never end a sentence that was kept open on purpose
        self.carry_last = last
        if last in _JOINERS or last in _PAIR:
            return nxt  # SPEC §4: a line ending in 、 or an open bracket joins the next
        if self.stack and self._closes_soon(nxt):
            return nxt
        if _CONTINUATION.match(text, nxt):
            return nxt
        if last in CLOSERS + "？?！!" and _QUOTE_CONTINUATION.match(text, nxt):
            return nxt
        if _LAUGH_LINE.match(text, i):
            return nxt  # うれしい / (^^): the face mark on the next line closes this sentence
        self.stack.clear()
        self.emit(i, "line_break")
        self.start = nxt
        return nxt

    def _last_char_on_line(self, i: int) -> str:
        """Last non-space character of the pending sentence on the line that ends at ``i``."""
        text = self.text
        k = i - 1
        floor = max(self.start, self.line_start)
        while k >= floor and text[k].isspace():
            k -= 1
        return text[k] if k >= floor else ""

    def _closes_soon(self, nxt: int) -> bool:
        """The innermost open bracket closes on the next line, within the bracket span limit."""
        closer, opened = self.stack[-1]
        limit = min(self.n, opened + MAX_BRACKET_SPAN)
        end = self.text.find("\n", nxt, limit)
        line = self.text[nxt : end if end >= 0 else limit]
        return bool(line.strip()) and closer in line


def split_sentences(text: str) -> list[SentenceSpan]:
    """Sentence spans over ``text`` in order; together they cover all non-whitespace."""
    return _Scanner(text).run()


class Segmenter:
    """Component: sentences into ``doc._.jinmyaku_data`` and ``token.is_sent_start``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        data = new_state(doc)
        text = doc_tokens(doc).text  # built once per Doc and shared by the later stages
        spans = split_sentences(text)
        data["sentences"] = [_sentence_record(k, s, text) for k, s in enumerate(spans)]
        set_sentence_boundaries(doc, [(s.start, s.end) for s in spans])
        return doc


def _sentence_record(i: int, span: SentenceSpan, text: str) -> dict[str, Any]:
    return {
        "i": i,
        "start": span.start,
        "end": span.end,
        "text": text[span.start : span.end],
        "heading": False,
        "boilerplate": False,
        "section": 0,
        "acts": [],
        "features": {"boundary": span.rule},
        "cues": [],
    }


def token_index(doc: Doc) -> np.ndarray:
    """Start offset of every token (for mapping characters to tokens with searchsorted)."""
    if len(doc) == 0:
        return np.zeros(0, dtype=np.int64)
    return doc.to_array([IDX]).astype(np.int64).reshape(-1)


def set_sentence_boundaries(doc: Doc, spans: list[tuple[int, int]]) -> None:
    """Mark sentence starts on tokens and record the sentences as the span group."""
    if len(doc) == 0:
        doc.spans[SPANS_SENTENCES] = []
        return
    starts = token_index(doc)
    # all sentences in one searchsorted each way (a numpy call per sentence costs more)
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    first = np.maximum(np.searchsorted(starts, bounds[:, 0], side="right") - 1, 0)
    last = np.maximum(np.searchsorted(starts, bounds[:, 1], side="left"), first + 1)
    group = [doc[t0:t1] for t0, t1 in zip(first.tolist(), last.tolist(), strict=True)]
    first_tokens = set(first.tolist())
    first_tokens.add(0)
    flags = np.full((len(doc), 1), -1, dtype=np.int32)
    flags[sorted(first_tokens), 0] = 1
    doc.from_array([SENT_START], flags.astype(np.uint64))
    doc.spans[SPANS_SENTENCES] = group


@Language.factory(
    "jinmyaku_segmenter",
    assigns=["token.is_sent_start", "doc.spans", "doc._.jinmyaku_data"],
)
def make_segmenter(nlp: Language, name: str) -> Segmenter:
    return Segmenter(nlp, name)
