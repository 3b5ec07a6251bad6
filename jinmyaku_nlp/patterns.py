"""Multi-sentence rhetorical patterns with roles and cues (SPEC §3 "Rhetorical patterns").

Cue regexes live in ``data/patterns.jsonl`` and ``data/contrast_pairs.txt``; this module holds
the sequencing logic: which sentences play which role. It also decides whether a question is
answered (:func:`find_answer`): an assertive question left unanswered gets the
``rhetorical_question`` act here, an answered one becomes a ``question_answer`` pattern. Each detector is a small function
``detect_<type>(ctx) -> list[pattern dict]``; patterns are numbered in text order at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import (
    LEAD,
    TRAIL,
    CueRule,
    candidate_rules,
    load_rules,
    load_wordlist,
    match_prepared,
    prepare_sentence,
    read_data,
)
from jinmyaku_nlp.pipeline import SPANS_ACTS, SPANS_PATTERNS, doc_tokens, expand_range, state
from jinmyaku_nlp.record import ACT_TYPES

CUE_LABELS = (
    "belief",
    "belief_inline",
    "expectation",
    "expectation_inline",
    "counter_view",
    "overturn",
    "concession",
    "concession_inline",
    "adversative",
    "restatement",
    "contrast_inline",
    "contrast_negated",
    "contrast_opener",
    "reason_opener",
    "reason_final",
    "consequence_opener",
)
#: how far (in sentences) a received view may sit before the sentence that overturns it
REVERSAL_WINDOW = 6
#: how far a question or an expectation may sit before the sentence that overturns it
SETUP_WINDOW = 3
#: how many sentences after a question are searched for its answer (ANNOTATION.md: ~5)
ANSWER_WINDOW = 5
CONCESSION_WINDOW = 5


# --- questions and their answers -------------------------------------------------------------

#: question forms that assert their implied answer: negative questions (おかしくないですか),
#: literary doubt (であろうか, ではあるまいか), potential yes/no (出来ますか), and a rising
#: assertion (…ばかりですよ?, …ってものよ?). A bare 〜のか？ asks (本当に幸せなのか？ opens an
#: inquiry the article goes on to answer), and 〜ようではないか exhorts rather than asserts.
_ASSERTIVE_FORM = re.compile(
    r"(?<!よう)(?<!そう)(?<!ろう)(?<!ようでは)(?<!そうでは)(?<!ろうでは)(?<!ようじゃ)"
    r"(?:ない(?:です|でしょう|の|んです|のです)?か|ではないか|じゃない|"
    r"あるまいか|ないだろうか|であろうか|ものか|でき(?:ます|る)か|出来(?:ます|る)か|(?:られ|れ|え)ますか|"
    r"(?<!せ)んか[?？]|よ[!！]?[?？])[!！]?[?？]?$"
)
#: skeptical 果たして…だろうか？ doubts what it asks about: the implied answer is "no"
_SKEPTICAL_DOUBT = re.compile(r"(?:果たして|はたして)[^。]*(?:だろう|でしょう)か[!！]?[?？]?$")
#: literary doubt asserts its answer even around a wh-word (誰が感じなかったであろうか)
_LITERARY_DOUBT = re.compile(r"(?:であろうか|あるまいか|ものか)$")
#: a wh-word asking for information; indefinites (何か, 誰か, いつも, なんだか, どうしても) excluded
_OPEN_QUESTION = re.compile(
    # a wh-word opens a phrase: after a non-hiragana character or a particle (not 味わいつくす)
    r"(?:(?<![ぁ-ん])|(?<=[はがをにでともてのへやらば]))"
    r"(?:何|なに|なん|誰|だれ|どこ|どれ|どの|どんな|どう|いつ|なぜ|何故|どうして|いくら|どれくらい|どちら)"
    r"(?!か|と(?:なく|か)|だか|とも|でも|も|て|しても|せ|ら|とも)"
)
#: a wh-question whose negated predicate makes it assert (誰が感じなかったであろうか = everyone did)
_RHETORICAL_WH = re.compile(r"(?:なかった|ない)(?:であろう|だろう|でしょう)か$")
#: a bare answer opener (そうなんです。) whose content follows in the next sentence
BARE_ANSWER_CHARS = 8
#: a yes/no reply: the only answer a question that asserts its answer can get
_YES_NO = re.compile(r"^(?:そうです|そうなんです|そう、|はい|いいえ|いや|もちろん|勿論|違います)")
_ANSWER_OPENERS = re.compile(
    r"^(?:そうです|そうなんです|そう、|はい|いいえ|いや|答えは|正解は|ズバリ|もちろん|勿論|違います|"
    r"それは|結論から言うと|結論から言えば)"
)
#: a short acknowledgement before the real answer (そうですよね。「…」を作るべく行ってるんですよね。)
_ACK = re.compile(r"^(?:そうですよね|そうですね|そうでしょう|そうだよね|なるほど|ええ|うん)[。！!…]*$")
#: a speaker label opening an interview or consultation turn; group 1 marks the interviewer's turn
_SPEAKER = re.compile(
    r"^(?:(―{2,}|—{2,}|ー{3,}|[QＱ][:：．.]|問[:：])|（[^）]{1,10}）|[AＡ答][:：]|"
    r"[^\s、。「」（）:：]{1,12}(?:（[^）]{1,12}）)?[:：])"
)
#: how far back a question's turn label may sit (a consultation letter of a few sentences)
TURN_LOOKBACK = 8
_DASHES = re.compile(r"^[―—ー‐-]+")
#: 〜はどうか？ asks "what about X" (a wh-question), unlike the embedded 〜かどうか
_WH_DOUKA = re.compile(r"(?<!か)どうか[!！]?[?？]?$")
#: 〜とは？ / 〜って？ asks what something is (その秘密とは？ 人脈って？): answered like a wh-question
_WHAT_IS = re.compile(r"(?<=[^\s、。])(?:とは|って)$")
#: a sentence that changes the subject (ところで, さて): it answers nothing asked before it
_TOPIC_SHIFT = re.compile(r"^(?:ところで|さて|話は変わ|それはさておき|閑話休題)")
#: a reply that talks about the answer itself (答えは…, 答えが出る問題ではない, 結論から言うと)
_ANSWER_TALK = re.compile(r"答え(?:は|が|も|と)|結論(?:は|から|を言)")
#: a request for information: the consultation's "please tell me" and the survey question
_INFO_REQUEST = re.compile(
    r"(?:(?:を|が|か|は|あれば|なら|ら)、?(?:ぜひ)?(?:教えて|聞かせて)(?:ください|下さい|くださいませ|欲しい|ほしい)"
    r"|(?:アドバイス|ご意見|ご教示)(?:を)?(?:ください|下さい|お願いします|お願い致します))(?:ね|よ)?[。！!]*$"
)
#: the heading or label that opens the reply of a Q&A column (＜鑑定結果＞, 〜からのアドバイス, 今回の説教, A：)
_REPLY_MARK = re.compile(
    r"鑑定結果|回答|アドバイス|お答え|答え|説教|返答|診断結果|アンサー|Answer|ANSWER|^[「『【＜<（(]?[AＡ答][:：]"
)
#: the courtesies that open a reply before its content (カオリさん、はじめまして。 …と申します。 …というご相談ですね。)
REPLY_COURTESY = re.compile(
    r"はじめまして|初めまして|こんにちは|こんばんは|^どうも|と申します|ご相談(?:ですね|ありがとう|いただ)|お便り|"
    r"ご質問(?:ですね|ありがとう)|お答えします"
)
#: the longest heading read as a reply-section heading (＜鑑定結果＞, 山葵姐さんからの激辛アドバイス)
REPLY_HEADING_CHARS = 24
#: how many sentences of a reply section make its answer role (the first content sentences)
REPLY_ANSWER = 2
#: an item of a ranking or list (第2位：…, No.3, 3位) — a question just before it is a teaser of the item
_ITEM_MARK = re.compile(
    r"^[\s【■●◆★☆＜<]*(?:第?[0-9０-９一二三四五六七八九十]+位|No\.?\s?[0-9０-９]+|[0-9０-９]+[.．)）])"
)
#: how far ahead an item marker makes a question a teaser
TEASER_REACH = 3


@dataclass(frozen=True, slots=True)
class Lex:
    """The content words of a sentence (lemmas of nouns, verbs, adjectives) and its main predicate."""

    content: frozenset[str] = frozenset()
    #: the last verb or adjective: the predicate a yes/no answer repeats (知っていますか → 知る)
    pred: str = ""
    #: the topics (noun + は, outside quotes) in order, each with how the clause before it was cut:
    #: "but" after が、／けど、, "comma" after another 、, "" when no clause boundary came between
    topics: tuple[tuple[str, str], ...] = ()


_CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ")
_CLAUSE_CUT = re.compile(r"^(?:が|けど|けれど|けれども|のに|ものの)$")


def _stop_lemmas() -> frozenset[str]:
    return load_wordlist("patterns_stop_lemmas")


def sentence_lex(tokens: Sequence[Any]) -> Lex:
    """The :class:`Lex` of one sentence from its spaCy tokens (lemma, pos_, tag_)."""
    texts = [t.text for t in tokens]
    return _lex(texts, [t.lemma_ or t.text for t in tokens], [t.tag_ for t in tokens], [t.pos_ for t in tokens])


def _lex(texts: Sequence[str], lemmas: Sequence[str], tags: Sequence[str], pos: Sequence[str]) -> Lex:
    """The :class:`Lex` of one sentence given as parallel token lists (text, lemma, tag, pos)."""
    stop = _stop_lemmas()
    content: set[str] = set()
    pred = ""
    topics: list[tuple[str, str]] = []
    cut = ""
    depth = 0
    for k, text in enumerate(texts):
        lemma = lemmas[k]
        tag = tags[k]
        p = pos[k]
        if text in ("「", "『"):
            depth += 1
        elif text in ("」", "』"):
            depth = max(0, depth - 1)
        elif depth == 0 and text in ("、", ",") and k > 0:
            cut = "but" if _CLAUSE_CUT.match(texts[k - 1]) else (cut or "comma")
        elif depth == 0 and text == "は" and k > 0 and tag.startswith("助詞-係助詞"):
            if pos[k - 1] in ("NOUN", "PROPN", "PRON"):
                topics.append((lemmas[k - 1], cut))
                cut = ""
        if p not in _CONTENT_POS or lemma in stop or text in stop or (len(lemma) < 2 and "ぁ" <= lemma <= "ん"):
            continue
        if tag.startswith(("接尾辞", "名詞-数詞")):
            continue
        content.add(lemma)
        if p in ("VERB", "ADJ") or "サ変" in tag:
            pred = lemma  # a noun (…問題があるのだろうか) is what is asked about, not the predicate
    return Lex(frozenset(content), pred, tuple(topics))


NO_LEX = Lex()


def _body_text(s: dict[str, Any]) -> str:
    return _DASHES.sub("", LEAD.sub("", s["text"]))


def is_main_question(s: dict[str, Any]) -> bool:
    """A question act whose main clause (not a quote inside it) is interrogative."""
    return "question" in s["acts"] and s["features"].get("mood", "interrogative") == "interrogative"


def is_assertive_question(s: dict[str, Any]) -> bool:
    """A question whose form asserts its implied answer (the candidates for rhetorical_question)."""
    core = s["text"].rstrip().rstrip("。．.")
    if _SKEPTICAL_DOUBT.search(core) is not None and _OPEN_QUESTION.search(core) is None:
        return True
    if _ASSERTIVE_FORM.search(core) is None:
        return False
    bare = TRAIL.sub("", core)
    return (
        _OPEN_QUESTION.search(core) is None
        or _RHETORICAL_WH.search(bare) is not None
        or _LITERARY_DOUBT.search(bare) is not None
    )


def speaker(s: dict[str, Any]) -> tuple[str, bool] | None:
    """The speaker label opening a turn and whether it is the interviewer's, else None."""
    m = _SPEAKER.match(s["text"].lstrip())
    if m is None:
        return None
    return m.group(0), m.group(1) is not None


def _turn_of(sents: Sequence[dict[str, Any]], q: int) -> tuple[str, bool] | None:
    """The turn ``q`` belongs to: its own label, or an asker's label (Q：, ———) a few sentences up."""
    own = speaker(sents[q])
    if own is not None:
        return own
    for j in range(q - 1, max(-1, q - 1 - TURN_LOOKBACK), -1):
        if not _plain(sents[j]):
            return None
        label = speaker(sents[j])
        if label is not None:
            # a dash opens an interviewer's turn only when it asks (―――…でしょうか？); in an
            # essay 「――もちろんそれはいい事です。」 is a dash of style, not a speaker
            asks = "question" in sents[j]["acts"] or not _DASHES.match(label[0])
            return label if label[1] and asks else None
    return None


def _plain(s: dict[str, Any]) -> bool:
    return not (s["heading"] or s["boilerplate"])


def find_answer(
    sents: Sequence[dict[str, Any]],
    q: int,
    window: int = ANSWER_WINDOW,
    lex: Sequence[Lex] | None = None,
    *,
    run_on: bool = True,
) -> list[int]:
    """Indices of the sentences that answer the question at ``q`` ([] if it goes unanswered).

    - In an interview or consultation (speaker labels: ———, Q：, 水谷：, （Sさん）), the answer is
      the first sentence of the next speaker's turn.
    - In a Q&A column the reply section (＜鑑定結果＞, 〜からのアドバイス, A：) that follows the
      consultation answers its last question, however long the letter was: the answer is the
      reply's first content sentences (greetings and 〜というご相談ですね set aside).
    - A question just before a list item (第2位：…) is that item's teaser: the answer is elsewhere.
    - A question that asserts its answer (おかしくないですか) is answered only by a reply that
      starts with an answer opener (そうです, いいえ, もちろん...) right after it.
    - Otherwise, after any chain of further questions and acknowledgements (そうですよね。), the
      first declarative sentence answers a wh-question (何, どう, なぜ...); a yes/no question or a
      request for information (〜を教えてください) is answered by it when it starts with an answer
      opener, talks of the answer (答えは…), or repeats the asked predicate (知っていますか? →
      「知っている」が半数) — ``lex`` gives the content words for that echo. What a wh-question
      asks for usually takes more than one sentence to say: the answer runs on into the next
      declarative sentence (``run_on``; off where only the answer's start matters).
    Other headings and boilerplate end the search.
    """
    end = min(len(sents), q + 1 + window)
    turn = _turn_of(sents, q)
    if turn is not None:
        return _answer_turn(sents, q, end, turn)
    if _is_teaser(sents, q):
        return []
    asked_in_reply = _in_reply(sents, q)
    text = TRAIL.sub("", sents[q]["text"])
    request = "question" not in sents[q]["acts"] and _INFO_REQUEST.search(text) is not None
    if is_assertive_question(sents[q]) and not request:
        k = q + 1
        if k < end and _plain(sents[k]) and _YES_NO.match(_body_text(sents[k])):
            return [k]
        return _reply_section(sents, k) if k < end and not asked_in_reply and _is_reply_mark(sents[k]) else []
    wh = not request and bool(
        _OPEN_QUESTION.search(sents[q]["text"]) or _WH_DOUKA.search(text) or _WHAT_IS.search(text)
    )
    answers: list[int] = []
    for k in range(q + 1, end):
        s = sents[k]
        if not _plain(s):
            return _reply_section(sents, k) if not (answers or asked_in_reply) and _is_reply_mark(s) else []
        if "question" in s["acts"]:
            if answers:
                break
            continue
        body = _body_text(s)
        if _ACK.match(body):
            answers.append(k)
            continue
        if REPLY_COURTESY.search(body) and not answers:
            continue  # どうもチリだよ。今日も悩みにお答えします♪ — the reply has not begun yet
        if _REPLY_LABEL.match(body) and not asked_in_reply:
            return _reply_section(sents, k)  # the consultation ends: A：… replies
        if s["features"].get("mood") in ("volitional", "imperative") and not answers:
            break  # 本日はそのあたりを掘り下げていってみましょう: announces, does not answer
        if _TOPIC_SHIFT.match(body):
            break  # ところで以前、…: the author moves on and leaves the question open
        if wh or _ANSWER_OPENERS.match(body) or _ANSWER_TALK.search(body) or _echoes(lex, q, k, end, request):
            answers.append(k)
            if len(body) <= BARE_ANSWER_CHARS and k + 1 < end and _plain(sents[k + 1]):
                answers.append(k + 1)  # そうなんです。 + the content
            elif run_on and wh and k + 1 < end and _plain(sents[k + 1]) and "question" not in sents[k + 1]["acts"]:
                answers.append(k + 1)
            return answers
        break
    return []


#: a reply turn opened by its label (A：…, 回答：…) right after the consultation
_REPLY_LABEL = re.compile(r"^[「『【＜<（(]?(?:[AＡ答]|回答)[:：]")


def _is_reply_mark(s: dict[str, Any]) -> bool:
    """A heading (or label line) that opens the reply section of a Q&A column."""
    text = _body_text(s)
    if s["heading"]:
        # a section heading, not the article's title (「…」 - 辛口説教部屋 vol.25)
        return len(text) <= REPLY_HEADING_CHARS and _REPLY_MARK.search(text) is not None
    return _REPLY_LABEL.match(text) is not None


#: how far back a reply mark is looked for to tell a question of the reply from one of the letter
REPLY_LOOKBACK = 40


def _in_reply(sents: Sequence[dict[str, Any]], q: int) -> bool:
    """Whether ``q`` sits in a reply section already (the counsellor's own questions)."""
    return any(_is_reply_mark(sents[j]) for j in range(q - 1, max(-1, q - 1 - REPLY_LOOKBACK), -1))


def _reply_section(sents: Sequence[dict[str, Any]], mark: int) -> list[int]:
    """The first content sentences of the reply section opened at ``mark`` (a heading or A：…)."""
    start = mark if not sents[mark]["heading"] else mark + 1
    found: list[int] = []
    for k in range(start, min(len(sents), start + 2 * ANSWER_WINDOW)):
        s = sents[k]
        if s["boilerplate"]:
            continue
        if s["heading"]:
            break
        body = _body_text(s)
        if REPLY_COURTESY.search(body) or s["features"].get("mood") == "volitional":
            continue  # カオリさん、はじめまして。 / …というご相談ですね。 / 聞いてみましょう。
        found.append(k)
        if len(found) == REPLY_ANSWER:
            break
    return found


def _is_teaser(sents: Sequence[dict[str, Any]], q: int) -> bool:
    """A question closing a list item's blurb: the next item (第3位：…) follows within a few
    sentences, and an item opened before the question too. A question before the list's first
    item asks what the list answers (どうすれば良いのでしょう？ それには3つの要素が… 1．…)."""
    if not any(_ITEM_MARK.match(sents[k]["text"]) for k in range(q + 1, min(len(sents), q + 1 + TEASER_REACH))):
        return False
    return any(_ITEM_MARK.match(sents[k]["text"]) for k in range(max(0, q - TEASER_REACH), q + 1))


def _echoes(lex: Sequence[Lex] | None, q: int, k: int, end: int, request: bool) -> bool:
    """Whether sentence ``k`` repeats what the yes/no question (or request) ``q`` asks about.

    A yes/no answer repeats the asked predicate (使ったことがありますか? → 「使ったことがある」は8%);
    the answer to a request shares a content word with it, in ``k`` or the sentence after
    (行ってみたい施設を教えてください → 1番多かったのは温泉 … 施設名では…).
    """
    if lex is None:
        return False
    if request:
        words = lex[k].content | (lex[k + 1].content if k + 1 < end else frozenset())
        return bool(lex[q].content & words)
    return bool(lex[q].pred) and lex[q].pred in lex[k].content


def _answer_turn(sents: Sequence[dict[str, Any]], q: int, end: int, turn: tuple[str, bool]) -> list[int]:
    label, asker = turn
    unlabelled: list[int] = []
    for k in range(q + 1, end):
        s = sents[k]
        if not _plain(s):
            break
        other = speaker(s)
        if other is not None and other[0] != label and not other[1]:
            return [k]
        if other is None and not unlabelled and "question" not in s["acts"]:
            unlabelled.append(k)
        if other is not None and other[1]:
            break  # the interviewer asks again before anyone answered
    # Q．… with answers that carry no label: the interviewee's reply is what follows the question
    return unlabelled if asker else []


def mark_rhetorical(sents: list[dict[str, Any]], lex: Sequence[Lex] | None = None) -> None:
    """Add ``rhetorical_question`` to questions of assertive form that the author leaves unanswered."""
    for k, s in enumerate(sents):
        if not is_main_question(s) or "rhetorical_question" in s["acts"] or not _plain(s):
            continue
        if "call_to_action" in s["acts"] or "summary" in s["acts"] or not is_assertive_question(s):
            continue
        if find_answer(sents, k, lex=lex):
            continue
        core = s["text"].rstrip().rstrip("。．.")
        m = _ASSERTIVE_FORM.search(core) or _SKEPTICAL_DOUBT.search(core)
        if m is None:
            continue
        s["acts"] = [a for a in ACT_TYPES if a in (*s["acts"], "rhetorical_question")]
        s["cues"].append(
            {
                "text": m.group(0),
                "start": s["start"] + m.start(),
                "end": s["start"] + m.end(),
                "rule": "acts.rhetorical.unanswered_assertive_question",
                "label": "rhetorical_question",
            }
        )


@dataclass
class Context:
    sents: list[dict[str, Any]]
    #: per sentence: cue label -> cue dict
    cues: list[dict[str, dict[str, Any]]]
    found: list[dict[str, Any]] = field(default_factory=list)
    #: per sentence: content words for the lexical checks (empty profiles when not given)
    lex: list[Lex] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.lex) != len(self.sents):
            self.lex = [NO_LEX] * len(self.sents)

    def body(self, k: int) -> bool:
        s = self.sents[k]
        return not (s["heading"] or s["boilerplate"])

    def cue(self, k: int, label: str) -> dict[str, Any] | None:
        return self.cues[k].get(label)


def _pattern(
    ptype: str,
    roles: dict[str, list[int]],
    cues: Sequence[dict[str, Any] | None],
    rule: str,
    confidence: float,
    attrs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": "",
        "type": ptype,
        "roles": {k: sorted(set(v)) for k, v in roles.items()},
        "attrs": dict(attrs or {}),
        "cues": [dict(c) for c in cues if c is not None],
        "confidence": confidence,
        "rule": rule,
    }


def _whole(s: dict[str, Any], rule: str, label: str) -> dict[str, Any]:
    return {"text": s["text"], "start": s["start"], "end": s["end"], "rule": rule, "label": label}


def _question_chain(ctx: Context, k: int) -> list[int]:
    """The run of consecutive plain questions that ends at ``k`` (a consultation's list of asks)."""
    chain = [k]
    j = k - 1
    while j >= 0 and k - j < ANSWER_WINDOW and _asks(ctx, j):
        chain.insert(0, j)
        j -= 1
    return chain


def _asks(ctx: Context, k: int) -> bool:
    s = ctx.sents[k]
    return (
        (ctx.body(k) or _section_question(s))
        and is_main_question(s)
        and "rhetorical_question" not in s["acts"]
        and "call_to_action" not in s["acts"]
        and "summary" not in s["acts"]
    )


def _section_question(s: dict[str, Any]) -> bool:
    """A section heading that asks (a survey item, 〜の魅力とは？) is answered by the text under it;
    the article's title is not: what follows a title is its lead, not an answer."""
    return (
        s["heading"] and not s["boilerplate"] and not any(c.get("rule") == "structure.heading.title" for c in s["cues"])
    )


def _requests(ctx: Context, k: int) -> bool:
    """A request for information (何か対処法があれば教えて下さい) asks like a question."""
    s = ctx.sents[k]
    return ctx.body(k) and "question" not in s["acts"] and _INFO_REQUEST.search(s["text"]) is not None


def _replies(ctx: Context, k: int, nxt: int) -> bool:
    """Sentence ``nxt`` opens the answerer's turn after the interviewer's question ``k``
    (———…どんな合コンでしょうか？ 水谷：“気遣いの見える合コン”でしょうか。)."""
    turn = _turn_of(ctx.sents, k)
    other = speaker(ctx.sents[nxt])
    return turn is not None and turn[1] and other is not None and not other[1]


def detect_question_answer(ctx: Context) -> list[dict[str, Any]]:
    out = []
    n = len(ctx.sents)
    for k in range(n):
        asks = _asks(ctx, k)
        if not (asks or _requests(ctx, k)):
            continue
        # the last question of a chain carries the look-ahead; the chain is the question role
        if asks and k + 1 < n and _asks(ctx, k + 1) and not _replies(ctx, k, k + 1):
            continue
        chain = _question_chain(ctx, k) if asks else [k]
        answers = find_answer(ctx.sents, k, lex=ctx.lex)
        if not answers and k + 1 < n and ctx.body(k + 1) and ctx.cue(k + 1, "overturn") is not None:
            answers = [k + 1]  # …ですか? くだらないです。: looked at below
        if not answers:
            continue
        first = next((a for a in answers if not _ACK.match(_body_text(ctx.sents[a]))), answers[-1])
        rule = "patterns.question_answer.lookahead"
        interview = _turn_of(ctx.sents, k) is not None
        if ctx.cue(first, "overturn") is not None and not interview:
            # the reply overturns the question's presumption: a reversal, not an answer — but a
            # wh-question opening a chain of straw men (…ってなんですか? 〜ですか? 〜ですか?
            # くだらないです。) is answered after the dismissal
            after = _after_dismissal(ctx, chain, first)
            if after is None:
                continue
            chain, answers, rule = [chain[0]], [after], "patterns.question_answer.after_straw_men"
        s = ctx.sents[k]
        cue = next((c for c in s["cues"] if c.get("label") == "question"), None)
        if interview:
            rule = "patterns.question_answer.next_turn"
        elif any(_is_reply_mark(ctx.sents[j]) for j in range(k + 1, answers[0] + 1)):
            rule = "patterns.question_answer.reply_section"
        elif not asks:
            rule = "patterns.question_answer.request"
        out.append(_pattern("question_answer", {"question": chain, "answer": answers}, [cue], rule, 0.7))
    return out


def _after_dismissal(ctx: Context, chain: list[int], first: int) -> int | None:
    """The declarative sentence after the dismissal of straw-man questions, answering ``chain[0]``."""
    if len(chain) < 2 or not _OPEN_QUESTION.search(ctx.sents[chain[0]]["text"]):
        return None
    k = first
    while k < len(ctx.sents) and ctx.body(k) and ctx.cue(k, "overturn") is not None:
        k += 1
    if k >= min(len(ctx.sents), chain[0] + 1 + ANSWER_WINDOW) or not ctx.body(k):
        return None
    s = ctx.sents[k]
    return None if "question" in s["acts"] or s["features"].get("mood") == "volitional" else k


#: a hearsay sentence pointing back at the view it reports (こんなことを言われた, よく聞きますよね)
_ANAPHOR = re.compile(
    r"^(?:[^、。]{0,12}[、,])?(?:本当に|ほんとうに)?(?:こんな|そんな|こういう|そういう|これ|それ|よく)"
)


def _setup_before(ctx: Context, k: int) -> tuple[str, list[int], dict[str, Any] | None]:
    """The setup a sentence ``k`` overturns: (kind, sentences, cue), kind "" when there is none.

    A received view (an explicit belief cue) within ``REVERSAL_WINDOW`` sentences wins; else the
    nearest question (with its acknowledged answers) or expectation within ``SETUP_WINDOW``. A
    granted point on the way (確かに…) makes it a concession instead.
    """
    reach = []
    for j in range(k - 1, max(-1, k - 1 - REVERSAL_WINDOW), -1):
        if not ctx.body(j) or ctx.cue(j, "concession"):
            break
        reach.append(j)
    for j in reach:
        b = ctx.cue(j, "belief")
        if b is not None:
            setup = [j]
            if j + 1 < k and ctx.cue(j + 1, "belief"):
                setup.append(j + 1)
            if (
                j - 1 >= 0
                and b["rule"].endswith("hearsay")
                and (ctx.cue(j - 1, "belief") or _ANAPHOR.match(_body_text(ctx.sents[j])))
            ):
                setup.insert(0, j - 1)  # 「…一番だ。」 本当によく聞きますよね / 「…」 こんなことを言われた
            return "belief", setup, b
    for j in reach[:SETUP_WINDOW]:
        s = ctx.sents[j]
        if is_main_question(s) and "rhetorical_question" not in s["acts"]:
            if _turn_of(ctx.sents, j) is not None:
                break  # an interviewer's question is answered, not overturned (Q．…ですか？ いえ、…)
            cue = _whole(s, "patterns.reversal.question_setup", "setup")
            answers = [a for a in find_answer(ctx.sents, j, lex=ctx.lex, run_on=False) if a < k]
            setup = [*_question_chain(ctx, j), *answers]
            if max(setup) + 1 < k:
                break  # something else came between: k goes on from that, it does not overturn the question
            return "question", setup, cue
        e = ctx.cue(j, "expectation")
        if e is not None:
            return "expectation", [j], e
    return "", [], None


#: how far back a reply may echo a question it overturns (a consultation letter and its answer)
ECHO_WINDOW = 20
#: the denied alternative of 〜ではなく: the phrase between the last punctuation and the cue
_DENIED = re.compile(r"([^、。「」『』\s]{4,})(?:のでは|では|じゃ)なく")


def _echoed_question(ctx: Context, k: int) -> tuple[list[int], dict[str, Any]] | None:
    """A question that ``k`` (「AではなくB」) answers by denying its A (私はAでしょうか？ … Aではなく、B).

    Returns the setup (the question and the sentence before it that voices the same A) and a cue.
    """
    m = _DENIED.search(ctx.sents[k]["text"])
    if m is None:
        return None
    denied = m.group(1)[-8:]
    for j in range(k - 1, max(-1, k - 1 - ECHO_WINDOW), -1):
        s = ctx.sents[j]
        if is_main_question(s) and denied in s["text"]:
            setup = [j]
            # the asker may have voiced the same doubt a few sentences before (…向いていないのでは」と考える)
            for i in range(j - 1, max(-1, j - 1 - ANSWER_WINDOW), -1):
                if denied in ctx.sents[i]["text"] and "question" not in ctx.sents[i]["acts"]:
                    setup.insert(0, i)
                    break
            start = ctx.sents[k]["start"] + m.start()
            cue = {
                "text": m.group(0),
                "start": start,
                "end": start + len(m.group(0)),
                "rule": "patterns.reversal.echoed_question",
                "label": "overturn",
            }
            return setup, cue
    return None


#: overturn cues strong enough to deny what precedes them without a marked setup (違う, 間違い, 幻想)
_STRONG_OVERTURN = ("wrong", "dismiss", "not_recommended")
#: the shortest view a quote must voice before its own denial (「韓国はイケメンが多い？幻想でしょ」)
QUOTED_VIEW_CHARS = 4
#: overturn cues too common to deny on their own (意外にも, 〜わけではない): they overturn only a
#: view, question or expectation marked just before them, never a plain statement
_WEAK_OVERTURN = ("surprise", "not_really")
#: 果たして／本当に … だろうか: doubting the statement before (しかし、果たして…なのだろうか？)
_DOUBT = re.compile(r"^[^。]{0,6}(?:果たして|はたして|本当に|ほんとうに)")
#: a sentence reporting a view (…と言えそうだ, …らしい, …とされる): what a doubt overturns is a belief
_REPORTED = re.compile(r"と(?:言|い)え(?:そう|る)|とされ|らしい|そうだ|そうです|と(?:言|い)われ")


def _marks_view(kind: str, cue: dict[str, Any] | None) -> bool:
    """A setup a weak overturn (〜わけではない, 意外にも) may deny: a received view, a question, or
    an appearance (素敵に見える) — not a hope (〜てみたい), which a later 〜わけではない rarely answers."""
    if kind in ("belief", "question"):
        return True
    return kind == "expectation" and cue is not None and cue["rule"].endswith("appearance")


def _contradicted(ctx: Context, k: int, over: dict[str, Any]) -> tuple[str, list[int], dict[str, Any] | None]:
    """The setup of an overturn with no marked setup before it: (kind, sentences, cue).

    - the author sets their view against the one before (これに反して私は考える。): a belief;
    - a strong denial (実際のホンネは違う, 幻想でしょ) denies the sentence before, or the quoted
      view earlier in its own sentence;
    - an adversative doubt (しかし、果たして…だろうか？) questions the statement before;
    - an adversative opener (しかし, 実を言えば, しかるに) contradicts the sentence before when it
      speaks of the same thing (a shared content word) under the same topic — with no point granted
      (a concession) and not a parallel of two topics (行為は…。しかし感覚は…: a contrast).
    """
    s = ctx.sents[k]
    rule = over["rule"].rsplit(".", 1)[-1]
    before = s["text"][: max(0, over["start"] - s["start"])]
    if rule in _STRONG_OVERTURN and before.count("「") > before.count("」"):
        # 「韓国はイケメンが多い？幻想でしょ」: the view and its denial in one quote, whatever comes
        # before the sentence (even a title); a quote that only denies (「そうじゃないんだ」というアピール)
        # states no view to overturn
        voiced = before[before.rfind("「") + 1 :]
        return ("belief", [k], over) if len(voiced) >= QUOTED_VIEW_CHARS else ("", [], None)
    if k == 0 or not ctx.body(k - 1):
        return "", [], None
    p = _voice_of(ctx, k - 1)
    prev = ctx.sents[p]
    text = _body_text(s)
    counter = ctx.cue(k, "counter_view")
    if counter is not None:
        return "belief", [k - 1], counter
    if rule in _STRONG_OVERTURN:
        denial = _DENIAL.search(over["text"]) is not None or len(LEAD.sub("", before)) <= 2
        if not denial or _turn_of(ctx.sents, k - 1) is not None:
            return "", [], None  # 業種によって利益率もぜんぜん違いますからね: a difference, not a denial
        return "expectation", [p], over
    if rule != "but" or not _ADVERSATIVE.match(over["text"]) or ctx.cue(k, "concession") or _granted_before(ctx, k):
        return "", [], None
    if LEAD.match(s["text"]) and s["text"].lstrip()[:1] in "「『":
        return "", [], None  # 「実は…」 in an interviewee's quoted speech tells a story, it overturns nothing
    rest = text[len(over["text"]) :].lstrip("、, ")
    if "question" in s["acts"]:
        if _DOUBT.match(rest) and ctx.lex[k].content & ctx.lex[p].content:
            kind = "belief" if _REPORTED.search(prev["text"]) else "expectation"
            return kind, [p], over
        return "", [], None
    if "question" in prev["acts"] or not ctx.lex[k].content & ctx.lex[p].content:
        return "", [], None
    if _parallel_topics(ctx, p, k):
        return "", [], None
    return "expectation", [p], over


#: a line naming who spoke the quote before it (そう言って笑うのは絵美さん（34歳）。)
_ATTRIBUTION = re.compile(r"^(?:そう|こう)[^。「」]{0,15}(?:言|い|話|語|笑|明か|嘆|こぼ)[^。「」]{0,15}のは")


def _voice_of(ctx: Context, j: int) -> int:
    """The sentence whose content ``j`` carries: the quote before ``j`` when ``j`` only names its
    speaker (「…」 + そう話すのは○○さん。), else ``j`` itself."""
    if j > 0 and ctx.body(j - 1) and _ATTRIBUTION.match(_body_text(ctx.sents[j])):
        if ctx.sents[j - 1]["text"].lstrip().startswith(("「", "『")):
            return j - 1
    return j


#: denials that stand on their own: 本音は違う, 幻想だ, 間違いです
_DENIAL = re.compile(r"は(?:違|別)|幻想|思い込み|迷信|誤解|錯覚|勘違い|間違")
#: adversative connectives (not a topic noun such as 現実は) that may contradict the sentence before
_ADVERSATIVE = re.compile(
    r"^(?:しかし|でも|ところが|だが|けれども|実は|実を言えば|実を言うと|実際は|実際には|実際のところ|実のところ|"
    r"本当は|ほんとうは|本当のところ|しかるに)"
)


def _parallel_topics(ctx: Context, a: int, b: int) -> bool:
    """Two sentences about different topics (行為は…できる。 感覚は…できない。)."""
    ta, tb = ctx.lex[a].topics, ctx.lex[b].topics
    return bool(ta and tb) and ta[0][0] != tb[0][0]


def _granted_before(ctx: Context, k: int) -> bool:
    """A point granted in the few sentences before ``k`` (then ``k`` is the claim of a concession)."""
    for j in range(k - 1, max(-1, k - 1 - CONCESSION_WINDOW), -1):
        if not ctx.body(j):
            return False
        if ctx.cue(j, "concession") or ctx.cue(j, "concession_inline"):
            return True
    return False


#: a sentence announcing the view the next one states (これに反して私は考える。)
_ANNOUNCES_VIEW = re.compile(r"(?:考える|思う|考えます|思います)[。．]?$")


def detect_reversal(ctx: Context) -> list[dict[str, Any]]:
    out = []
    used: set[int] = set()
    used_setup: set[int] = set()
    n = len(ctx.sents)
    for k in range(n):
        if not ctx.body(k) or k in used:
            continue
        inline = ctx.cue(k, "belief_inline")
        if inline is not None:
            used.add(k)
            setup = [k]
            if k > 0 and ctx.body(k - 1) and _ANAPHOR.match(_body_text(ctx.sents[k])):
                setup.insert(0, k - 1)  # 「…」 + こんなふうに思っている人も多いようですが、実は…: the view is before
            used_setup.update(setup)
            out.append(
                _pattern(
                    "reversal", {"setup": setup, "reversal": [k]}, [inline], inline["rule"], 0.6, {"setup": "belief"}
                )
            )
            continue
        inline = ctx.cue(k, "expectation_inline")
        if inline is not None and not used_setup.intersection([k]):
            # 〜と思っていたのですが、内容は営業職でした / 〜かと思いきや・・・。 + what came instead
            rev = [k]
            if TRAIL.sub("", ctx.sents[k]["text"]).endswith(inline["text"]) and k + 1 < n and ctx.body(k + 1):
                rev = [k + 1]
            used.update(rev)
            used_setup.add(k)
            out.append(
                _pattern(
                    "reversal", {"setup": [k], "reversal": rev}, [inline], inline["rule"], 0.6, {"setup": "expectation"}
                )
            )
            continue
        over = ctx.cue(k, "overturn") or ctx.cue(k, "counter_view")
        echo = _echoed_question(ctx, k) if over is None and ctx.cue(k, "contrast_inline") else None
        if echo is not None and not used_setup.intersection(echo[0]):
            used.add(k)
            used_setup.update(echo[0])
            out.append(
                _pattern(
                    "reversal",
                    {"setup": echo[0], "reversal": [k]},
                    [echo[1]],
                    echo[1]["rule"],
                    0.5,
                    {"setup": "question"},
                )
            )
            continue
        if over is None:
            # そんなことよりも after a list of questions brushes their presumed answers aside
            over = ctx.cue(k, "contrast_opener")
            if over is None or "よりも" not in over["text"]:
                continue
            kind, setup, setup_cue = _setup_before(ctx, k)
            if kind != "question":
                continue
        elif over["label"] == "counter_view":
            kind, setup, setup_cue = _contradicted(ctx, k, over)
        else:
            kind, setup, setup_cue = _setup_before(ctx, k)
            if kind == "question" and "question" in ctx.sents[k]["acts"] and not over["rule"].endswith("strange"):
                continue  # a question after a question asks on; only おかしくないですか? overturns
            if over["rule"].rsplit(".", 1)[-1] in _WEAK_OVERTURN and not _marks_view(kind, setup_cue):
                continue
        if not setup:
            kind, setup, setup_cue = _contradicted(ctx, k, over)
        if not setup or used_setup.intersection(setup):
            continue  # a view is overturned once; a later しかし goes on from the first reversal
        used_setup.update(setup)
        rev = [k]
        # a run of overturning sentences is one reversal (ん〜? よく考えてください。おかしくないですか?)
        while rev[-1] + 1 < n and ctx.body(rev[-1] + 1) and ctx.cue(rev[-1] + 1, "overturn") is not None:
            rev.append(rev[-1] + 1)
        # a short overturn sentence (でも…。) is followed by the sentence that says it
        last = rev[-1]
        if (
            last + 1 < n
            and ctx.body(last + 1)
            and (len(ctx.sents[last]["text"]) <= 6 or _ANNOUNCES_VIEW.search(ctx.sents[last]["text"]))
            and "question" not in ctx.sents[last + 1]["acts"]
        ):
            rev.append(last + 1)
        used.update(rev)
        out.append(
            _pattern(
                "reversal",
                {"setup": setup, "reversal": rev},
                [setup_cue, over],
                f"patterns.reversal.{kind}",
                0.6,
                {"setup": kind},
            )
        )
    return out


def detect_concession(ctx: Context) -> list[dict[str, Any]]:
    out = []
    n = len(ctx.sents)
    claimed: set[int] = set()
    for k in range(n):
        if not ctx.body(k):
            continue
        inline = ctx.cue(k, "concession_inline")
        if inline is not None and not _asks_on(ctx.sents[k]):
            # 〜とは思いますが、それ以上に〜: both roles quote the one sentence
            out.append(_pattern("concession", {"concession": [k], "claim": [k]}, [inline], inline["rule"], 0.5))
            adv = ctx.cue(k + 1, "adversative") if k + 1 < n and ctx.body(k + 1) else None
            if adv is not None:  # …ありましたが、最近は…。 それでも…: the point is pushed back again
                out.append(
                    _pattern(
                        "concession",
                        {"concession": [k], "claim": [k + 1]},
                        [inline, adv],
                        "patterns.concession.inline_then_but",
                        0.5,
                    )
                )
            continue
        grant = ctx.cue(k, "concession")
        if grant is None or k in claimed:
            continue
        # a hedge (〜かもしれない。〜でしょう。) grants only when the next sentence pushes back
        # (reasons for the granted point — 宿命ですから。 — may sit in between)
        hedge = grant["rule"].endswith("hedge")
        conc = [k]
        for j in range(k + 1, min(n, k + 1 + CONCESSION_WINDOW)):
            if not ctx.body(j):
                break
            adv = ctx.cue(j, "adversative")
            if adv is None and not hedge:
                over = ctx.cue(j, "overturn")
                adv = over if over is not None and over["rule"].endswith(("but", "dismiss")) else None
            if adv is not None and _asks_on(ctx.sents[j]) and _asks_what(ctx.sents[j]):
                # 確かに…。しかし…場合はどうだろうか？: a new case is opened, nothing is asserted
                # against the point (a doubt — しかし果たして納得するかどうか？ — does push back)
                break
            if adv is not None:
                claim = [j]
                if len(ctx.sents[j]["text"]) <= 6 and j + 1 < n and ctx.body(j + 1):
                    claim.append(j + 1)
                claimed.update(conc)
                out.append(
                    _pattern(
                        "concession",
                        {"concession": conc, "claim": claim},
                        [grant, adv],
                        "patterns.concession.grant_then_but",
                        0.6,
                    )
                )
                break
            if ctx.cue(j, "concession"):
                conc.append(j)
            elif hedge and ctx.cue(j, "reason_final") is None:
                break
    return out


def _asks_on(s: dict[str, Any]) -> bool:
    """A question that asks (not a rhetorical one): it grants or claims nothing, so it cannot
    close a concession (…と思いますが、…はあるのでしょうか？)."""
    return is_main_question(s) and "rhetorical_question" not in s["acts"]


def _asks_what(s: dict[str, Any]) -> bool:
    """A wh-question (…はどうだろうか？ 〜はどうか？), as opposed to a yes/no doubt."""
    text = TRAIL.sub("", s["text"])
    return _OPEN_QUESTION.search(text) is not None or _WH_DOUKA.search(text) is not None


def detect_restatement(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for k, s in enumerate(ctx.sents):
        cue = ctx.cue(k, "restatement")
        if cue is None or not ctx.body(k):
            continue
        roles = {"restatement": [k]}
        rest = s["text"][cue["end"] - s["start"] :]
        if rest.strip("。…、.!！ \u3000") == "" and k + 1 < len(ctx.sents):
            roles["restatement"].append(k + 1)  # a bare 「つまり。」 and its punch line
        if k > 0:
            roles["source"] = [k - 1]
        out.append(_pattern("restatement", roles, [cue], cue["rule"], 0.8))
    return out


@lru_cache(maxsize=1)
def contrast_pairs() -> tuple[tuple[str, str], ...]:
    pairs = []
    for raw in read_data("contrast_pairs.txt").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            a, _, b = line.partition(" / ")
            pairs.append((a.strip(), b.strip()))
    return tuple(pairs)


#: opposed categories named by a shared suffix: 与える側／求める側, 賛成派／反対派, 一流／三流
_SIDE_TERM = re.compile(r"[ぁ-んァ-ヶ一-龥]{1,6}(?:側|派)|[一二三四五]流")


def _opposed_terms(text: str) -> tuple[str, str] | None:
    """Two different category terms with the same suffix (〜側, 〜派, N流) in ``text``."""
    seen: dict[str, str] = {}
    for m in _SIDE_TERM.finditer(text):
        term = m.group(0)
        suffix = term[-1]
        if suffix in seen and seen[suffix] != term and not term.endswith(seen[suffix]):
            return seen[suffix], term
        seen.setdefault(suffix, term)
    return None


def _named_pair(ctx: Context, k: int) -> tuple[dict[str, Any], list[int], list[int]] | None:
    s = ctx.sents[k]
    text = s["text"]
    found = _opposed_terms(text)
    if found is not None:
        return _term_cue(s, found[0], "patterns.contrast.suffix_pair"), [k], [k]
    for a, b in contrast_pairs():
        if a in text and b in text:
            return _term_cue(s, a, "patterns.contrast.named_pair"), [k], [k]
    if k + 1 < len(ctx.sents) and ctx.body(k + 1):
        nxt = ctx.sents[k + 1]["text"]
        for a, b in contrast_pairs():
            if (a in text and b in nxt and a not in nxt) or (b in text and a in nxt and b not in nxt):
                first = a if a in text else b
                return _term_cue(s, first, "patterns.contrast.named_pair_adjacent"), [k], [k + 1]
    return None


def detect_contrast(ctx: Context) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for k in range(len(ctx.sents)):
        if not ctx.body(k):
            continue
        inline = ctx.cue(k, "contrast_inline")
        if inline is not None:
            out.append(_pattern("contrast", {"a": [k], "b": [k]}, [inline], inline["rule"], 0.6))
            continue
        opener = ctx.cue(k, "contrast_opener")
        if opener is not None and k > 0 and ctx.body(k - 1):
            out.append(_pattern("contrast", {"a": [k - 1], "b": [k]}, [opener], opener["rule"], 0.6))
            continue
        negated = ctx.cue(k - 1, "contrast_negated") if k > 0 and ctx.body(k - 1) else None
        if negated is not None and _asserts_instead(ctx.sents[k]):
            # 〜ではありません。 + the alternative the author asserts instead
            out.append(_pattern("contrast", {"a": [k - 1], "b": [k]}, [negated], negated["rule"], 0.5))
            continue
        but = _opposed_topics(ctx, k)
        if but is not None:
            # 行為は約束できる。しかし、感覚は約束できない。: two topics, opposite predicates
            out.append(_pattern("contrast", {"a": [k - 1], "b": [k]}, [but], "patterns.contrast.parallel_topics", 0.5))
            continue
        pair = _named_pair(ctx, k)
        if pair is not None and not (out and out[-1]["roles"]["b"] == [k] and out[-1]["roles"]["a"] == [k - 1]):
            cue, a, b = pair
            out.append(_pattern("contrast", {"a": a, "b": b}, [cue], cue["rule"], 0.5))
    return out


def _opposed_topics(ctx: Context, k: int) -> dict[str, Any] | None:
    """The adversative cue of ``k`` when it sets a topic against the one before with the opposite
    polarity (AはP。しかしBはPない。: contrastive は), else None.

    Both sentences must state (no question) and ``k``'s topic must be a content noun (not それ, 場合):
    then the two sentences oppose two things rather than deny one (which is a reversal).
    """
    if k == 0 or not (ctx.body(k) and ctx.body(k - 1)):
        return None
    over = ctx.cue(k, "overturn")
    if over is None or not over["rule"].endswith(".but") or not _ADVERSATIVE.match(over["text"]):
        return None
    if over["text"].startswith("実"):
        return None  # 実は／実を言えば tells what is really so: it overturns, it does not contrast
    a, b = ctx.sents[k - 1], ctx.sents[k]
    if "question" in a["acts"] or "question" in b["acts"]:
        return None
    ta, tb = ctx.lex[k - 1].topics, ctx.lex[k].topics
    if not (ta and tb) or tb[0][0] in _stop_lemmas():
        return None
    pa, pb = a["features"].get("polarity"), b["features"].get("polarity")
    return over if pa in ("positive", "negative") and pb in ("positive", "negative") and pa != pb else None


def _asserts_instead(s: dict[str, Any]) -> bool:
    """A plain positive statement: the alternative put in place of a negated identity
    (大切なのは才能ではありません。毎日机に向かう習慣です。), not a further denial or a question."""
    f = s["features"]
    return "question" not in s["acts"] and f.get("mood") == "declarative" and f.get("polarity") == "positive"


def _term_cue(s: dict[str, Any], term: str, rule: str) -> dict[str, Any]:
    i = s["text"].find(term)
    return {
        "text": term,
        "start": s["start"] + i,
        "end": s["start"] + i + len(term),
        "rule": rule,
        "label": "contrast_pair",
    }


def detect_reason(ctx: Context) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for k in range(1, len(ctx.sents)):
        if not ctx.body(k) or not ctx.body(k - 1):
            continue
        prev = ctx.sents[k - 1]
        opener = ctx.cue(k, "reason_opener")
        if opener is not None:
            reason = [k]
            if ctx.sents[k]["text"].rstrip().endswith("、") and k + 1 < len(ctx.sents):
                reason.append(k + 1)
            out.append(_pattern("reason", {"claim": [k - 1], "reason": reason}, [opener], opener["rule"], 0.8))
            continue
        final = ctx.cue(k, "reason_final")
        if final is not None and "question" not in ctx.sents[k]["acts"]:
            # a 〜から sentence continuing a reason already given (なぜなら…。また…からです。
            # 宿命ですから。…ものですから。) extends that reason; it explains no new claim
            if out and k - 1 in out[-1]["roles"]["reason"]:
                out[-1]["roles"]["reason"].append(k)
                continue
            if prev["text"].rstrip().endswith("、") or ctx.cue(k - 1, "reason_opener") or "question" in prev["acts"]:
                continue
            out.append(_pattern("reason", {"claim": [k - 1], "reason": [k]}, [final], final["rule"], 0.5))
            continue
        cons = ctx.cue(k, "consequence_opener")
        if cons is not None:
            out.append(_pattern("reason", {"claim": [k], "reason": [k - 1]}, [cons], cons["rule"], 0.6))
    return out


DETECTORS: tuple[Callable[[Context], list[dict[str, Any]]], ...] = (
    detect_question_answer,
    detect_reversal,
    detect_concession,
    detect_restatement,
    detect_contrast,
    detect_reason,
)


class PatternFinder:
    """Component: ``patterns`` in ``doc._.jinmyaku_data`` and role spans in ``doc.spans``."""

    def __init__(self, nlp: Language, name: str, lexicons: Sequence[str | Path] = ()) -> None:
        self.name = name
        self.lexicons = [str(p) for p in lexicons]
        self.rules: list[CueRule] = load_rules("patterns", CUE_LABELS, self.lexicons)

    def cues_for(self, sent: dict[str, Any]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        prepared = prepare_sentence(sent["text"], sent["start"])
        for rule in candidate_rules(self.rules, prepared):  # the rules that can match, in order
            if rule.label in found:
                continue
            hit = match_prepared(rule, prepared)
            if hit is not None:
                found[rule.label] = {
                    "text": hit[0],
                    "start": hit[1],
                    "end": hit[2],
                    "rule": rule.rule,
                    "label": rule.label,
                }
        return found

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        sents = data["sentences"]
        lex = sentence_lexes(doc, sents)
        mark_rhetorical(sents, lex)
        ctx = Context(sents, [self.cues_for(s) for s in sents], lex=lex)
        patterns: list[dict[str, Any]] = []
        for detect in DETECTORS:
            patterns.extend(detect(ctx))
        patterns.sort(key=lambda p: (min(min(v) for v in p["roles"].values() if v), p["type"]))
        spans = []
        for n, p in enumerate(patterns):
            p["id"] = f"p{n}"
            for role, idx in p["roles"].items():
                for k in idx:
                    span = doc.char_span(
                        sents[k]["start"],
                        sents[k]["end"],
                        label=f"{p['type']}.{role}",
                        alignment_mode="expand",
                    )
                    if span is not None:
                        spans.append(span)
        data["patterns"] = patterns
        doc.spans[SPANS_PATTERNS] = spans
        _add_rhetorical_spans(doc, sents)
        return doc


def sentence_lexes(doc: Doc, sents: Sequence[dict[str, Any]]) -> list[Lex]:
    """The :class:`Lex` of every sentence, read from the Doc's shared token table
    (the tokens ``doc.char_span(start, end, alignment_mode="expand")`` would give)."""
    tok = doc_tokens(doc)
    out = []
    for s in sents:
        found = expand_range(tok, s["start"], s["end"])
        if found is None:
            out.append(NO_LEX)
            continue
        lo, hi = found
        out.append(_lex(tok.orth[lo:hi], tok.lemma[lo:hi], tok.tag[lo:hi], tok.pos[lo:hi]))
    return out


def _add_rhetorical_spans(doc: Doc, sents: list[dict[str, Any]]) -> None:
    group = doc.spans[SPANS_ACTS] if SPANS_ACTS in doc.spans else []
    extra = []
    for s in sents:
        if "rhetorical_question" in s["acts"]:
            span = doc.char_span(s["start"], s["end"], label="rhetorical_question", alignment_mode="expand")
            if span is not None:
                extra.append(span)
    if extra:
        doc.spans[SPANS_ACTS] = [*group, *extra]


@Language.factory(
    "jinmyaku_patterns",
    assigns=["doc._.jinmyaku_data", "doc.spans"],
    requires=["doc._.jinmyaku_data"],
    default_config={"lexicons": []},
)
def make_patterns(nlp: Language, name: str, lexicons: list[str]) -> PatternFinder:
    return PatternFinder(nlp, name, lexicons=lexicons)
