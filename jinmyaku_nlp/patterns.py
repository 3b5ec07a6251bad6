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

from jinmyaku_nlp.lexicon import LEAD, TRAIL, CueRule, load_rules, match_rule, read_data
from jinmyaku_nlp.pipeline import SPANS_ACTS, SPANS_PATTERNS, state
from jinmyaku_nlp.record import ACT_TYPES

CUE_LABELS = (
    "belief",
    "belief_inline",
    "expectation",
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
#: assertion (…ばかりですよ?, …ってものよ?)
_ASSERTIVE_FORM = re.compile(
    r"(?<!よう)(?<!そう)(?<!ろう)(?:ない(?:です|でしょう|の|んです|のです)?か|ではないか|じゃない|"
    r"あるまいか|ないだろうか|であろうか|ものか|でき(?:ます|る)か|出来(?:ます|る)か|(?:られ|れ|え)ますか|"
    r"(?:の|(?<!せ)ん)か[?？]|よ[!！]?[?？])[!！]?[?？]?$"
)
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
    r"^(?:(―{2,}|—{2,}|ー{3,}|[QＱ][:：]|問[:：])|（[^）]{1,10}）|[AＡ答][:：]|"
    r"[^\s、。「」（）:：]{1,12}(?:（[^）]{1,12}）)?[:：])"
)
#: how far back a question's turn label may sit (a consultation letter of a few sentences)
TURN_LOOKBACK = 8
_DASHES = re.compile(r"^[―—ー‐-]+")


def _body_text(s: dict[str, Any]) -> str:
    return _DASHES.sub("", LEAD.sub("", s["text"]))


def is_main_question(s: dict[str, Any]) -> bool:
    """A question act whose main clause (not a quote inside it) is interrogative."""
    return "question" in s["acts"] and s["features"].get("mood", "interrogative") == "interrogative"


def is_assertive_question(s: dict[str, Any]) -> bool:
    """A question whose form asserts its implied answer (the candidates for rhetorical_question)."""
    core = s["text"].rstrip().rstrip("。．.")
    if _ASSERTIVE_FORM.search(core) is None:
        return False
    bare = TRAIL.sub("", core)
    return (
        _OPEN_QUESTION.search(core) is None
        or _RHETORICAL_WH.search(bare) is not None
        or _LITERARY_DOUBT.search(bare) is not None
    )


def _speaker(s: dict[str, Any]) -> tuple[str, bool] | None:
    """The speaker label opening a turn and whether it is the interviewer's, else None."""
    m = _SPEAKER.match(s["text"].lstrip())
    if m is None:
        return None
    return m.group(0), m.group(1) is not None


def _turn_of(sents: Sequence[dict[str, Any]], q: int) -> tuple[str, bool] | None:
    """The turn ``q`` belongs to: its own label, or an asker's label (Q：, ———) a few sentences up."""
    own = _speaker(sents[q])
    if own is not None:
        return own
    for j in range(q - 1, max(-1, q - 1 - TURN_LOOKBACK), -1):
        if not _plain(sents[j]):
            return None
        label = _speaker(sents[j])
        if label is not None:
            return label if label[1] else None
    return None


def _plain(s: dict[str, Any]) -> bool:
    return not (s["heading"] or s["boilerplate"])


def find_answer(sents: Sequence[dict[str, Any]], q: int, window: int = ANSWER_WINDOW) -> list[int]:
    """Indices of the sentences that answer the question at ``q`` ([] if it goes unanswered).

    - In an interview or consultation (speaker labels: ———, Q：, 水谷：, （Sさん）), the answer is
      the first sentence of the next speaker's turn.
    - A question that asserts its answer (おかしくないですか) is answered only by a reply that
      starts with an answer opener (そうです, いいえ, もちろん...) right after it.
    - Otherwise, after any chain of further questions and acknowledgements (そうですよね。), the
      first declarative sentence answers a wh-question (何, どう, なぜ...) or, for a yes/no
      question, starts with an answer opener.
    Headings and boilerplate end the search.
    """
    end = min(len(sents), q + 1 + window)
    turn = _turn_of(sents, q)
    if turn is not None:
        return _answer_turn(sents, q, end, turn)
    if is_assertive_question(sents[q]):
        k = q + 1
        if k < end and _plain(sents[k]) and _YES_NO.match(_body_text(sents[k])):
            return [k]
        return []
    wh = bool(_OPEN_QUESTION.search(sents[q]["text"]))
    answers: list[int] = []
    for k in range(q + 1, end):
        s = sents[k]
        if not _plain(s):
            break
        if "question" in s["acts"]:
            if answers:
                break
            continue
        body = _body_text(s)
        if _ACK.match(body):
            answers.append(k)
            continue
        if s["features"].get("mood") in ("volitional", "imperative") and not answers:
            break  # 本日はそのあたりを掘り下げていってみましょう: announces, does not answer
        if wh or _ANSWER_OPENERS.match(body):
            answers.append(k)
            if len(body) <= BARE_ANSWER_CHARS and k + 1 < end and _plain(sents[k + 1]):
                answers.append(k + 1)  # そうなんです。 + the content
            return answers
        break
    return []


def _answer_turn(sents: Sequence[dict[str, Any]], q: int, end: int, turn: tuple[str, bool]) -> list[int]:
    label, _ = turn
    for k in range(q + 1, end):
        s = sents[k]
        if not _plain(s):
            return []
        other = _speaker(s)
        if other is not None and other[0] != label and not other[1]:
            return [k]
    return []


def mark_rhetorical(sents: list[dict[str, Any]]) -> None:
    """Add ``rhetorical_question`` to questions of assertive form that the author leaves unanswered."""
    for k, s in enumerate(sents):
        if not is_main_question(s) or "rhetorical_question" in s["acts"] or not _plain(s):
            continue
        if "call_to_action" in s["acts"] or "summary" in s["acts"] or not is_assertive_question(s):
            continue
        if find_answer(sents, k):
            continue
        m = _ASSERTIVE_FORM.search(s["text"].rstrip().rstrip("。．."))
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
        ctx.body(k)
        and is_main_question(s)
        and "rhetorical_question" not in s["acts"]
        and "call_to_action" not in s["acts"]
        and "summary" not in s["acts"]
    )


def detect_question_answer(ctx: Context) -> list[dict[str, Any]]:
    out = []
    n = len(ctx.sents)
    for k in range(n):
        # the last question of a chain carries the look-ahead; the chain is the question role
        if not _asks(ctx, k) or (k + 1 < n and _asks(ctx, k + 1)):
            continue
        answers = find_answer(ctx.sents, k)
        if not answers:
            continue
        first = next((a for a in answers if not _ACK.match(_body_text(ctx.sents[a]))), answers[-1])
        if ctx.cue(first, "overturn") is not None:
            continue  # the reply overturns the question's presumption: a reversal, not an answer
        s = ctx.sents[k]
        cue = next((c for c in s["cues"] if c.get("label") == "question"), None)
        turn = _turn_of(ctx.sents, k)
        rule = "patterns.question_answer.next_turn" if turn else "patterns.question_answer.lookahead"
        out.append(
            _pattern("question_answer", {"question": _question_chain(ctx, k), "answer": answers}, [cue], rule, 0.7)
        )
    return out


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
            cue = _whole(s, "patterns.reversal.question_setup", "setup")
            answers = [a for a in find_answer(ctx.sents, j) if a < k]
            return "question", [*_question_chain(ctx, j), *answers], cue
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
            out.append(
                _pattern(
                    "reversal", {"setup": [k], "reversal": [k]}, [inline], inline["rule"], 0.6, {"setup": "belief"}
                )
            )
            continue
        over = ctx.cue(k, "overturn")
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
        else:
            kind, setup, setup_cue = _setup_before(ctx, k)
            if kind == "question" and "question" in ctx.sents[k]["acts"] and not over["rule"].endswith("strange"):
                continue  # a question after a question asks on; only おかしくないですか? overturns
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
            and len(ctx.sents[last]["text"]) <= 6
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
        if inline is not None:
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
        if negated is not None and "question" not in ctx.sents[k]["acts"]:
            # 〜ではありません。 + the alternative the author asserts instead
            out.append(_pattern("contrast", {"a": [k - 1], "b": [k]}, [negated], negated["rule"], 0.5))
            continue
        pair = _named_pair(ctx, k)
        if pair is not None and not (out and out[-1]["roles"]["b"] == [k] and out[-1]["roles"]["a"] == [k - 1]):
            cue, a, b = pair
            out.append(_pattern("contrast", {"a": a, "b": b}, [cue], cue["rule"], 0.5))
    return out


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
        for rule in self.rules:
            if rule.label in found:
                continue
            hit = match_rule(rule, sent["text"], sent["start"])
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
        mark_rhetorical(sents)
        ctx = Context(sents, [self.cues_for(s) for s in sents])
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
