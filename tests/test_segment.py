"""Sentence segmentation (SPEC §4): one case per rule, the offsets invariant, dev-gold boundary F1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jinmyaku_nlp.segment import MAX_BRACKET_SPAN, split_sentences

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # split on 。！？!? and keep closers / ellipses / repeated marks with their sentence
        ("人脈は大切です。でも質が大事。", ["人脈は大切です。", "でも質が大事。"]),
        ("本当に?!そうなの？？ええ…。", ["本当に?!", "そうなの？？", "ええ…。"]),
        ("彼は言った。」次の文。", ["彼は言った。」", "次の文。"]),
        # never split inside 「」『』（）《》【】
        ("「なるほど。それで？」と彼は聞いた。", ["「なるほど。それで？」と彼は聞いた。"]),
        ("『曙光。』（出典です。）を読む。", ["『曙光。』（出典です。）を読む。"]),
        ("【重要。必読！】読んでください。", ["【重要。必読！】読んでください。"]),
        # a line without final punctuation is a sentence
        ("見出しの行\n本文です。", ["見出しの行", "本文です。"]),
        # a line ending in 、 (or an open bracket) joins the next, even across a blank line
        ("思いますが、\nそれ以上に大事です。", ["思いますが、\nそれ以上に大事です。"]),
        ("思いますが、\n\nそれ以上に大事です。", ["思いますが、\n\nそれ以上に大事です。"]),
        ("彼は「\nこんにちは」と言った。", ["彼は「\nこんにちは」と言った。"]),
        # 「つまり。」「でも…。」「なるほど。」 are sentences of their own
        ("つまり。\nこっちが選ぶんです。", ["つまり。", "こっちが選ぶんです。"]),
        ("でも…。そんな機会はない。", ["でも…。", "そんな機会はない。"]),
        ("なるほど。それ自体は正しい。", ["なるほど。", "それ自体は正しい。"]),
        # a laugh mark ends a sentence, unless the clause goes on
        ("メリットがあるんですよ（笑）その次が料理です。", ["メリットがあるんですよ（笑）", "その次が料理です。"]),
        ("そう思いますが（笑）、結局は続けた。", ["そう思いますが（笑）、結局は続けた。"]),
        ("転職します！（笑）。次です。", ["転職します！（笑）。", "次です。"]),
        # a byline in brackets after the last predicate of a line is its own sentence
        (
            "なかなか答えが出る問題ではないようである（橋口まどか）\n",
            ["なかなか答えが出る問題ではないようである", "（橋口まどか）"],
        ),
        # …but a name with its town, or a remark in brackets, is not a byline
        ("森川東雄さん（東京都調布市）\n", ["森川東雄さん（東京都調布市）"]),
        # a closing quote followed by a particle continues the sentence (even if never opened)
        ("許せない！辞めれば？』の嫌がらせはだめ。", ["許せない！", "辞めれば？』の嫌がらせはだめ。"]),
        # an indirect list of questions stays one sentence
        (
            "恋愛は向いているのか？直す所はあるか、というご相談ですね。",
            ["恋愛は向いているのか？直す所はあるか、というご相談ですね。"],
        ),
        # a ?/! followed by a quoting と is reported thought inside a longer sentence
        ("ないのか？と感じるようになった。次。", ["ないのか？と感じるようになった。", "次。"]),
        ("辞めてやれ！とも思った。", ["辞めてやれ！とも思った。"]),
        ("認められるのか？\u3000ということだろう。", ["認められるのか？\u3000ということだろう。"]),
        ("本当？ところで次。", ["本当？", "ところで次。"]),
        # a full-width period after a short label (Q, A, 1) is part of the line's first sentence
        ("聞いた。\nQ．新卒で入社したのですか？\nはい。", ["聞いた。", "Q．新卒で入社したのですか？", "はい。"]),
        ("第２．本文です。", ["第２．", "本文です。"]),
        # ?/! followed by って/など/なんて on the same line is quoted too
        ("楽しい！って笑った。次。", ["楽しい！って笑った。", "次。"]),
        ("どう使う？など、疑問は多い。", ["どう使う？など、疑問は多い。"]),
        # a line opening with a quoting particle continues the quotation that closed the line above
        ("「最高の夜でした」\nと彼女は振り返る。次。", ["「最高の夜でした」\nと彼女は振り返る。", "次。"]),
        ("何から始める？\nなど、質問が続いた。", ["何から始める？\nなど、質問が続いた。"]),
        ("（40歳・会社員）\nという声もあった。", ["（40歳・会社員）\nという声もあった。"]),
        # …but というのも / というわけで open a sentence, and so does と after a full stop
        ("「無理だ」\nというのも予算がない。", ["「無理だ」", "というのも予算がない。"]),
        ("「行こう」\nというわけで出発。", ["「行こう」", "というわけで出発。"]),
        ("楽しい日だった。\nと思えば雨が降る。", ["楽しい日だった。", "と思えば雨が降る。"]),
        # a face mark (顔文字) closes a sentence like a laugh mark, even alone on the next line
        ("うまくいった(^_^)次は夏だ。", ["うまくいった(^_^)", "次は夏だ。"]),
        ("完売です！\n（*^_^*）\n次の話。", ["完売です！\n（*^_^*）", "次の話。"]),
        ("眠い\n(T_T)\n次の話。", ["眠い\n(T_T)", "次の話。"]),
        # …but brackets holding words or numbers are not face marks
        ("手順（1）を読む。", ["手順（1）を読む。"]),
        ("A社（東京）と組んだ。", ["A社（東京）と組んだ。"]),
        # a pictograph after a terminator stays with it, and closes a sentence on its own
        ("最高！😊次も行く。", ["最高！😊", "次も行く。"]),
        ("楽しかった😊次も行く。", ["楽しかった😊", "次も行く。"]),
        ("今日は🍣を食べた。", ["今日は🍣を食べた。"]),
        # the older symbols decorate titles mid-line and do not end a sentence there
        ("新しくなった♪アプリの使い方", ["新しくなった♪アプリの使い方"]),
        # a mis-encoded range mark between digits is not a question mark
        ("読者の6割が20?30代だ。", ["読者の6割が20?30代だ。"]),
        # a line that cannot open a sentence continues the previous one (verse quoted mid-sentence)
        (
            "ゲエテも言ったように、\n\nWer nicht mehr liebt,\nDer lasse sich begraben.\n\nです。",
            ["ゲエテも言ったように、\n\nWer nicht mehr liebt,\nDer lasse sich begraben.\n\nです。"],
        ),
    ],
)
def test_rules(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_rule_names() -> None:
    rules = [s.rule for s in split_sentences("一文目。\n見出し\n笑える（笑）最後")]
    assert rules == ["terminator", "line_break", "laugh", "end_of_text"]


def test_unbalanced_opener_does_not_swallow_the_text() -> None:
    text = "「閉じない引用。" + "文です。" * 200
    spans = split_sentences(text)
    assert len(spans) > 100
    assert spans[-1].end == len(text)
    assert all(s.end - s.start <= MAX_BRACKET_SPAN + 10 for s in spans)


def test_unbalanced_opener_released_at_line_break() -> None:
    assert texts("「閉じない行\n次の行です。") == ["「閉じない行", "次の行です。"]


AWKWARD = [
    "",
    "   ",
    "\n\n\u3000\t\n",
    "一行目。\r\n二行目\r\n\r\n三行目。",
    "一行目\r二行目。\r\r三行目",
    "\tタブ\tの\t文。\t",
    "家族👨‍👩‍👧‍👦です。絵文字🙂！次",
    "「」「」『』（）",
    "」」」終わり。「「「",
    "（（（開いたまま。\n次。",
    "】】】閉じるだけ！？",
    "あ" * 5000 + "。" + "い" * 5000,
    "、\n、\n、",
    "（笑）（笑）",
    "\u3000全角スペース\u3000。\u3000",
    "ｗｗｗ。！？…",
    "\n(^^)\n(^^)\n",
    "😊\n😊。😊",
    "「」\nと\nって",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_offsets_invariant(text: str) -> None:
    spans = split_sentences(text)
    prev_end = 0
    for s in spans:
        piece = text[s.start : s.end]
        assert piece and piece == piece.strip()
        assert s.start >= prev_end
        assert text[prev_end : s.start].strip() == ""
        prev_end = s.end
    assert text[prev_end:].strip() == ""
    covered = "".join(text[s.start : s.end] for s in spans)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)


def _boundaries(text: str, ends: list[int]) -> set[int]:
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (not ch.isspace()))
    return {prefix[e] for e in ends}


@pytest.mark.shared
def test_dev_gold_boundary_f1() -> None:
    gold_dir = SHARED / "gold"
    if not gold_dir.is_dir():
        pytest.skip(f"no dev gold at {gold_dir}")
    tp = n_sys = n_gold = 0
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "sentences" not in gold:
            continue
        text = (gold_dir / gold["text_file"]).read_text(encoding="utf-8")
        expected, count = set(), 0
        for sentence in gold["sentences"]:
            count += len(re.sub(r"\s", "", sentence))
            expected.add(count)
        found = _boundaries(text, [s.end for s in split_sentences(text)])
        tp += len(expected & found)
        n_sys += len(found)
        n_gold += len(expected)
    p, r = tp / n_sys, tp / n_gold
    assert 2 * p * r / (p + r) >= 0.995


def test_a_bracket_pair_of_mixed_widths_still_closes() -> None:
    text = "話してくれたのはエミさん(31歳・営業事務）だ。「前の上司は大雑把でした」\n次の話。"
    assert texts(text) == [
        "話してくれたのはエミさん(31歳・営業事務）だ。",
        "「前の上司は大雑把でした」",
        "次の話。",
    ]


def test_tonokoto_on_its_own_line_goes_on_with_the_quote() -> None:
    text = "「それほど暇ではありません」\nとのこと。次の話。"
    assert texts(text) == ["「それほど暇ではありません」\nとのこと。", "次の話。"]
