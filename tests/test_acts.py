"""Sentence acts and features (jinmyaku_nlp.acts): one positive and one negative per rule family.

The sentences are written for these tests in the style of the genres (advice columns, self-help
blogs, written-style essays); none is copied from the dev gold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import jinmyaku_nlp
from jinmyaku_nlp.errors import LexiconError

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return jinmyaku_nlp.load()


def sentence(nlp: Language, text: str, fragment: str | None = None) -> dict[str, Any]:
    """The analysed sentence of ``text`` that contains ``fragment`` (default: the only one)."""
    sents = nlp(text)._.jinmyaku_data["sentences"]
    if fragment is None:
        assert len(sents) == 1, [s["text"] for s in sents]
        return sents[0]
    (hit,) = [s for s in sents if fragment in s["text"]]
    return hit


def acts(nlp: Language, text: str, fragment: str | None = None) -> list[str]:
    return sentence(nlp, text, fragment)["acts"]


# --- question ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "あなたは毎朝なにを食べていますか。",
        "本当にそれで幸せになれるのでしょうか",  # no final punctuation
        "そんな働き方で満足なの？",
        "一緒に考えてみませんか?",
        "それは誰のための努力だろう。",  # wh-word + conjecture
        "人は果たして自由であり得るか。",  # written style: final か
        "結局は自分次第ってことですよ?",  # assertion with a rising tone
    ],
)
def test_question_positive(nlp: Language, text: str) -> None:
    assert "question" in acts(nlp, text)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("え?", None),  # interjection
        ("先輩に「それ本当？」と聞かれました。", None),  # the ？ belongs to a quote
        ("明日はきっと晴れるだろう。", None),  # conjecture without a question word
        ("彼が何を考えているのか。その答えは誰にもわからない。", "何を考えている"),  # embedded 〜のか。
        ("課長はもうすぐ戻るのだとか。", None),  # hearsay とか
    ],
)
def test_question_negative(nlp: Language, text: str, fragment: str | None) -> None:
    assert "question" not in acts(nlp, text, fragment)


# --- call_to_action ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "今日から日記をつけましょう。",  # ましょう
        "まずは朝の散歩から始めよう！",  # plain volitional
        "迷ったら信頼できる人に相談してください。",  # てください
        "己を知れ。",  # written imperative
        "毎日少しずつ勉強せよ。",
        "失敗を恐れるな。",
        "嫌なことははっきり断って。",  # te-form request
        "若いうちに一度は海外に出るべきです。",
        "人は自分の言葉に責任を持たねばならない。",
        "もっと早く寝たほうがいいですよ。",
        "迷ったら両方試してみればいいんです。",
        "相手の話を最後まで聞くのがオススメです。",
        "約束の時間に遅れてはいけません。",
        "週末くらいは仕事を忘れてみてはいかがでしょうか。",
        "気になるなら本人に聞いてみれば？",  # suggestion asked as a question
        "焦らずに時間をかけて答えを見つけるのが良いでしょう。",  # 〜のがいい(でしょう)
        "断るときは理由を短く伝えるのがいい。",
        "会社の外にも目を向けるべきだと思う。",  # べき under the author's 思う
        "週末は思い切って遠くの温泉に行ってみては？",
        "思い切って別れてしまった方がいいのでは？",
        "いっそ転職したら？",
        "初対面でいきなり恋人の話をしてはいけないのかも。",  # a hedged prohibition
        "たまには自分から食事に誘ってもよさそうだ。",  # a hedged permission
        "言い返さず、適当に受け流すのが賢明かもしれない。",  # 〜のが賢明／正解／得策, hedged
        "具体的な言葉で約束しておくのが正解ね。",
        "一度は球場に足を運ぶことをオススメしたい。",
        "無料だからといってむやみに使わないこと。",  # a negative directive 〜ないこと
    ],
)
def test_call_to_action_positive(nlp: Language, text: str) -> None:
    assert "call_to_action" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "それでは、具体的な方法を見ていきましょう。",  # meta-discourse about the article
        "本日はこのテーマを掘り下げてみましょう。",
        "専門家の意見をご紹介しましょう。",
        "まず書類をそろえる。次に窓口で申請する。",  # plain-form steps
        "このまま今の会社にいたほうがいいのでしょうか？",  # asks for advice, does not give it
        "この結論は慎重に検討されねばならない。",  # passive obligation about a thing
        "会議は予定どおり終わるでしょう。",  # conjecture, not volition
        "この問題は簡単に解決するであろう。",
        "はじめまして。",
        "返事が遅くなってごめんなさい。",  # an apology in the imperative form
        "外見に惹かれてしまうのは仕方がないこと。",  # an adjective ない, not a directive
        "ここ以外では体験できないこと。",
        "今日もお疲れさま、おやすみなさい！",  # a greeting
        "この色が一番いいのか？",  # asks which is best
        "同じ悩みを抱える女子も多いのでは？",  # a conjecture, not a suggestion
        "もし身近な男性がヒーローだったら？",  # a hypothetical to imagine
        "「おばさん」と呼ばれたら？",
        "今はどうしたら？",  # asks how
    ],
)
def test_call_to_action_negative(nlp: Language, text: str) -> None:
    assert "call_to_action" not in " ".join(a for s in nlp(text)._.jinmyaku_data["sentences"] for a in s["acts"])


def test_imperative_in_a_heading_is_a_call_to_action(nlp: Language) -> None:
    text = "■迷ったら、まず行動せよ\n\n迷っている時間はもったいない。"
    assert "call_to_action" in acts(nlp, text, "まず行動せよ")


# --- definition -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "自己投資とは、将来の自分のためにお金や時間を使うことです。",
        "ここで言う「余白」というのは、予定を入れない時間のことです。",
        "私にとっての成功の定義は、好きな人と好きな仕事をすることだ。",
        "仕事を楽しめる人のことを「プロ」と呼ぶ。",
        "これが本当の「自立」の意味です。",
        "自由とは責任である、と私は考える。",
    ],
)
def test_definition_positive(nlp: Language, text: str) -> None:
    assert "definition" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "つまり、続けることが大切だということです。",  # restatement
        "彼とは大学時代からの付き合いです。",  # comitative とは
        "努力を続けることは簡単ではない。",  # ことは, not とは
        "まさかあの人が辞めるとは思わなかった。",
        "そもそも幸福とは何でしょうか？",  # a question about a meaning
        "「焦らないこと」とは先輩の田中さん（34歳）。",  # quote attribution
    ],
)
def test_definition_negative(nlp: Language, text: str) -> None:
    assert "definition" not in acts(nlp, text)


# --- generalization ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "誰でも一度は転職を考えるものです。",  # quantifier
        "ほとんどの男性は褒められると弱い。",
        "仕事ができる人は、決して言い訳をしません。",  # generic class topic with a relative clause
        "若者は変化を恐れない。",
        "自分を知らないものは、他人も知ることができない。",  # written style もの
        "社会人なら、時間を守るのは当然です。",  # class noun + なら
        "成功は常に準備の上に成り立つ。",  # habitual adverb makes the topic generic
        "若いうちは失敗することも多い。",
        "努力する人が報われるとは限らない。",
        "公務員は安定した職業だと思われている。",  # a role names a class
        "この季節を楽しみにしている女性は大勢いる。",  # an amount said of a class
        "はっきり断れる人は少ない。",
        "子どもが熱を出すのは珍しいことではありません。",
    ],
)
def test_generalization_positive(nlp: Language, text: str) -> None:
    assert "generalization" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "その人は昨日会社を辞めた。",  # one person
        "あの女性は毎朝六時に起きる。",
        "この公務員は昨日の会議を欠席した。",  # a determiner ties the role to one person
        "同僚は女子が少ないので、貴重ですね。",  # 少ない of one office, in a subordinate clause
        "今は付き合っている人はいません。",  # counts people, claims nothing of a class
        "隣の席の人は昨日も遅くまで残っていた。",  # one event in the past
        "私は料理が得意です。",
    ],
)
def test_generalization_negative(nlp: Language, text: str) -> None:
    assert "generalization" not in acts(nlp, text)


# --- summary ----------------------------------------------------------------------------------


def _article(body: list[str], closing: list[str]) -> str:
    return "\n".join(body + closing)


BODY = [f"第{i}の理由は、毎日の習慣が人生を形づくるからだ。" for i in range(1, 13)]


@pytest.mark.parametrize(
    "closing, fragment",
    [
        (["いかがでしたか？"], "いかがでしたか"),
        (["繰り返しになりますが、習慣がすべてです。"], "繰り返しになりますが"),
        (["要するに、小さな積み重ねが大きな差を生むのだ。"], "要するに"),
        (["結局のところ、習慣を変えるのが近道といえるだろう。"], "近道といえるだろう"),
        (["今回は「習慣」についてお話ししてきました。"], "お話ししてきました"),
    ],
)
def test_summary_positive(nlp: Language, closing: list[str], fragment: str) -> None:
    assert "summary" in acts(nlp, _article(BODY, closing), fragment)


def test_closing_opener_early_in_the_article_is_no_summary(nlp: Language) -> None:
    text = _article(["要するに、習慣の話をしたいのだ。", *BODY], [])
    assert "summary" not in acts(nlp, text, "要するに")


def test_closing_heading_and_its_first_sentence_are_a_summary(nlp: Language) -> None:
    text = _article(
        BODY, ["", "■今回のポイント", "", "毎日五分でいいから机に向かいなさい。", "それだけで人生は変わる。"]
    )
    assert "summary" in acts(nlp, text, "今回のポイント")
    assert "summary" in acts(nlp, text, "机に向かいなさい")
    assert "summary" not in acts(nlp, text, "それだけで")


# --- features ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, mood",
    [
        ("今すぐやめろ。", "imperative"),
        ("こちらに記入してください。", "imperative"),
        ("一緒に頑張りましょう。", "volitional"),
        ("明日から走ろう。", "volitional"),
        ("本当にそう思いますか？", "interrogative"),
        ("これで良いのだろうか。", "interrogative"),
        ("今日は雨が降っている。", "declarative"),
        ("たぶん明日は晴れるでしょう。", "declarative"),
    ],
)
def test_mood(nlp: Language, text: str, mood: str) -> None:
    assert sentence(nlp, text)["features"]["mood"] == mood


@pytest.mark.parametrize(
    "text, polarity",
    [("その方法はうまくいきません。", "negative"), ("彼は来ない。", "negative"), ("それは正しい。", "positive")],
)
def test_polarity(nlp: Language, text: str, polarity: str) -> None:
    assert sentence(nlp, text)["features"]["polarity"] == polarity


@pytest.mark.parametrize(
    "text, modality",
    [
        ("毎日続けるべきだ。", "obligation"),
        ("早めに寝たほうがいい。", "advice"),
        ("たぶん間に合うでしょう。", "conjecture"),
        ("彼は転職したらしい。", "evidential"),
        ("会議は三時に始まる。", "none"),
    ],
)
def test_modality(nlp: Language, text: str, modality: str) -> None:
    assert sentence(nlp, text)["features"]["modality"] == modality


@pytest.mark.parametrize(
    "text, connective",
    [
        ("しかし、現実は甘くない。", "しかし"),
        ("「つまり、そういうことです」", "つまり"),
        ("田中：だから言ったでしょう。", "だから"),  # after a speaker label
        ("しかしながら、現実は甘くない。", "しかしながら"),  # the longest connective that opens it
        ("ただし書きを読む。", "ただし"),
        ("現実は甘くない。", ""),
    ],
)
def test_connective(nlp: Language, text: str, connective: str) -> None:
    assert sentence(nlp, text)["features"]["connective"] == connective


def test_doc_morphs_read_what_the_tokens_say(nlp: Language) -> None:
    """The whole-Doc read (arrays and a cache shared across Docs) gives each token's own text,
    lemma, tag and conjugation form, and None for whitespace."""
    from jinmyaku_nlp.acts import doc_morphs, sentence_morphs

    cache: dict[Any, Any] = {}
    for text in ("早く行け。\n\n  走れ！", "行けば分かる。走れ。"):
        doc = nlp.make_doc(text)
        morphs = doc_morphs(doc, cache)
        assert len(morphs) == len(doc)
        for t, m in zip(doc, morphs, strict=True):
            if t.is_space:
                assert m is None
                continue
            infl = t.morph.get("Inflection")
            form = infl[0].split(";", 1)[1] if infl and ";" in infl[0] else ""
            assert m is not None and (m.text, m.lemma, m.tag, m.form) == (t.text, t.lemma_, t.tag_, form)
    assert any(m.form.startswith("命令形") for m in morphs if m is not None)
    # a sentence takes the tokens its characters overlap, whitespace left out
    assert [m.text for m in sentence_morphs(doc, 1, 4, morphs)] == [
        t.text for t in doc.char_span(1, 4, alignment_mode="expand")
    ]


def test_addressee_and_quotes(nlp: Language) -> None:
    feats = sentence(nlp, "あなたは「無理だ」と『自分』に言っていませんか？")["features"]
    assert feats["addressee"] is True
    assert feats["quotes"] == 2


def test_every_act_carries_its_cue(nlp: Language) -> None:
    text = "仕事ができる人は、決して言い訳をしません。"
    s = sentence(nlp, text)
    cue = next(c for c in s["cues"] if c["label"] == "generalization")
    assert cue["rule"] == "acts.generalization.class_topic"
    assert text[cue["start"] - s["start"] : cue["end"] - s["start"]] == cue["text"]


def test_boilerplate_sentences_get_no_acts(nlp: Language) -> None:
    sents = nlp("スポンサーリンク\n\n毎日の習慣を見直しましょう。")._.jinmyaku_data["sentences"]
    for s in sents:
        if s["boilerplate"]:
            assert s["acts"] == []


# --- user cue files ---------------------------------------------------------------------------


def _write(path: Path, rules: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rules) + "\n", encoding="utf-8")
    return path


def test_user_cue_file_adds_a_rule(tmp_path: Path) -> None:
    text = "迷ったら早めに動くが吉。"
    assert "call_to_action" not in acts(jinmyaku_nlp.load(), text)
    path = _write(
        tmp_path / "mine.jsonl",
        [{"rule": "user.cta.kichi", "label": "call_to_action", "regex": "が吉$", "where": "end"}],
    )
    s = sentence(jinmyaku_nlp.load(lexicons={"jinmyaku_acts": [path]}), text)
    assert "call_to_action" in s["acts"]
    assert any(c["rule"] == "user.cta.kichi" for c in s["cues"])


def test_user_cue_file_overrides_a_package_rule(tmp_path: Path) -> None:
    text = "相手の話を最後まで聞くのがオススメです。"
    path = _write(
        tmp_path / "override.jsonl",
        [{"rule": "acts.cta.osusume", "label": "call_to_action", "regex": "推奨します$", "where": "end"}],
    )
    assert "call_to_action" not in acts(jinmyaku_nlp.load(lexicons={"jinmyaku_acts": [path]}), text)


def test_user_veto_rule(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "veto.jsonl",
        [{"rule": "user.not_question.quiz", "label": "not_question", "regex": "^クイズ", "where": "start"}],
    )
    assert "question" not in acts(jinmyaku_nlp.load(lexicons={"jinmyaku_acts": [path]}), "クイズ：首都はどこ？")


def test_invalid_user_cue_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(
        '# my cues\n{"rule": "u.ok", "label": "summary", "regex": "^総じて"}\n{"rule": "u.bad", "label": "praise", "regex": "x"}\n',
        encoding="utf-8",
    )
    with pytest.raises(LexiconError) as err:
        jinmyaku_nlp.load(lexicons={"jinmyaku_acts": [path]})
    message = str(err.value)
    assert "broken.jsonl" in message and "3" in message and "praise" in message


def test_invalid_regex_in_user_cue_file(tmp_path: Path) -> None:
    path = tmp_path / "regex.jsonl"
    path.write_text('{"rule": "u.bad", "label": "question", "regex": "(unclosed"}\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"regex\.jsonl"):
        jinmyaku_nlp.load(lexicons={"jinmyaku_acts": [path]})


# --- families fitted on interview, survey and opinion columns ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "長く続けるには、まず自分が楽しめることを見つけるのが第一です。",  # 〜のが第一
        "焦らずに自分と向き合うことが大切です。",  # 〜ことが大切
        "これからの店には、独自のサービスを打ち出すことが必要となっています。",  # 必要となる
        "一度くらいは本気で休んでみるべきなのかも？",  # hedged べき with a rising tone
    ],
)
def test_call_to_action_advice_families(nlp: Language, text: str) -> None:
    assert "call_to_action" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "休日によく行くお店を教えてください",  # a questionnaire item asks respondents for information
        "もし良い方法があれば教えて下さい。",  # a reader's letter asks the columnist
        "Q．それで会社を辞めようと。",  # an interviewer's question; a quoted intention
        "Q．最後に読者へのメッセージをお願いします。",
        "最後に、前回の話題についても少し触れておこう。",  # meta-discourse about the article
        "その後の話題についても取り上げておきましょう。",
    ],
)
def test_call_to_action_negative_families(nlp: Language, text: str) -> None:
    assert "call_to_action" not in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "“門限”とは具体的にいうと“夜十時”。",  # とは with a quoted nominal predicate
        "まず過失というのは「注意を怠って結果を招くこと」というもので、日常でもよく問題になる。",
    ],
)
def test_definition_families(nlp: Language, text: str) -> None:
    assert "definition" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "料理の定義について改めて考えるきっかけになったのは確かだ。",  # about the definition
        "どんなに忙しくても約束は守る、それが彼女の流儀なのだ。",  # explanatory のだ, not a cleft gloss
    ],
)
def test_definition_negative_families(nlp: Language, text: str) -> None:
    assert "definition" not in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "「学生でも社会人でも、朝型の生活は得だと思います」",  # AでもBでも: any member
        "どんな職場であっても、挨拶のできない人は信用されない。",
        "多くの企業が在宅勤務を取り入れている。",
        "自炊している人とそうでない人とでは、食費にかなり差がある。",  # class contrast
        "人に優しくできるのは、心に余裕がある証拠だ。",  # 〜のは…の証拠
        "そういう人はきっと同じ失敗を繰り返す。",  # a kind demonstrative names a class
        "いくら景気が良くても、世間はそう甘くないのだ。",  # concessive ても is no topic
        "この調査は若者が対象なので、日本人は全体に慎重だと言えそうだ。",  # main-clause topic
    ],
)
def test_generalization_families(nlp: Language, text: str) -> None:
    assert "generalization" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "スマホならいつでもどこでも記事が読める。",  # wh-でも ranges over times, not a class
        "彼は好きでも嫌いでもなかったそうだ。",
        "そういえば、その人は先月引っ越した。",
    ],
)
def test_generalization_negative_families(nlp: Language, text: str) -> None:
    assert "generalization" not in acts(nlp, text)


def test_hedged_last_sentence_closes_the_article(nlp: Language) -> None:
    closing = ["習慣を変えるのは、思うほど難しくないのかもしれない。"]
    assert "summary" in acts(nlp, _article(BODY, closing), "難しくないのかもしれない")
    # the same hedge before the end is no close
    text = _article([*closing, *BODY], [])
    assert "summary" not in acts(nlp, text, "難しくないのかもしれない")


def test_closing_cue_after_a_clause(nlp: Language) -> None:
    text = _article(BODY, ["せっかくなので、最後にひとつだけ助言を。", "第13の理由は、習慣が自信を生むからだ。"])
    assert "summary" in acts(nlp, text, "最後にひとつだけ")
    early = _article(["せっかくなので、最後にひとつだけ助言を。", *BODY], [])
    assert "summary" not in acts(nlp, early, "最後にひとつだけ")


def test_recap_of_the_article_so_far(nlp: Language) -> None:
    assert "summary" in acts(nlp, "ここまで転職の手順を見てきたが、次は面接の話だ。")


# --- issue 4: rules that generalise -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "夜遅くに甘いものを食べるのは禁物です。",  # a prohibition said as an evaluation
        "元恋人の悪口を人前で言うのは絶対にダメ。",
        "思い切って上司に相談してみてもいいかもしれません。",  # permission as a suggestion
        "週末だけ副業を試すのも一つの手です。",  # one option among others
        "アンケートにご協力いただけると幸いです。",  # a request by its benefit
        "くれぐれも体調を崩さないように。",  # 〜ないように。
        "ぜひ一度、朝活に参加してみませんか。",  # an invitation adverb + ませんか
        "貯金は若いうちから始めるべきだろう。",  # べき hedged by だろう
        "迷ったら、まず信頼できる人に聞くといいだろう。",  # ばいい／といい hedged
        "転職の前に一度、自分の強みを書き出す必要があるだろう。",
        "若いうちは大いに学ぶべし。",  # written-style べし
        "困ったときは一人で悩まずに、早めに周りを頼ったほうがいいのではないでしょうか。",
        "心配しないで。",  # negative te-request
        "焦らず、比べず、自分のペースを忘れずに。",  # 〜ずに。
        "さあ、新しい一歩へ！",  # elliptical request: noun + へ／を and an exclamation
        "今すぐ行動を！",
        "面接の前には、相手の会社の沿革を押さえておきたいところ。",  # editorial 〜たいところ
        "雨の日は足元に注意したいところだ。",
        "迷ったら、小さいサイズを選ぶのがよさそうだ。",  # hedged recommendation
    ],
)
def test_call_to_action_indirect_forms(nlp: Language, text: str) -> None:
    assert "call_to_action" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "なぜ彼女はダメなのだろう？",  # asks; no のは／ては before ダメ
        "お土産は駅で買うお菓子でも良いと思います。",  # Nでもいい: a choice of things, not a te-form
        "この場合、何をすべきだろう。",  # a wh-question about what to do asks, it urges nothing
        "最後にひとつだけ助言を。",  # the author's own next step, no exclamation
        "友達が褒めてくれると嬉しい。",  # a feeling about someone else's act, no request
        "来年の新製品にも期待したいところだ。",  # the writer's hope, nothing for the reader to do
        "メーカーには早めに対応してもらいたいところです。",  # a wish aimed at a third party
    ],
)
def test_call_to_action_indirect_negatives(nlp: Language, text: str) -> None:
    assert "call_to_action" not in acts(nlp, text)


def test_negative_te_request_needs_a_final_stop(nlp: Language) -> None:
    # 〜ないで、… goes on: the clause is subordinate, not a request
    assert "call_to_action" not in acts(nlp, "朝ご飯を食べないで、そのまま会社に向かった。")


@pytest.mark.parametrize(
    "text",
    [
        "若者にとっては、どの仕事も新鮮に映る。",  # a class as experiencer (Xにとっては)
        "現在は在宅で働いていても、人と話す機会を大切にしている人は強い。",  # frame topic 現在は skipped
        "最近は、若者は車を買わない。",
        "年を重ねると、人は保守的になる傾向がある。",  # tendency
        "悩みごとなんて誰にでもあるものです。",  # quantifier variants
        "大多数の社員は定時に帰りたいと思っている。",
    ],
)
def test_generalization_generalised_forms(nlp: Language, text: str) -> None:
    assert "generalization" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "旅行は非常に楽しい。",  # 非常に holds the characters of 常に, not the adverb
        "夏の京都は非常に暑い。",
        "今回は、若者はどんな副業を選ぶのかを調べました。",  # the class is the subject of a reported question
        "では、「なぜ人は占いを信じるのか？」という疑問から始めよう。",
        "独身の女性も中にはいるのではないだろうか。",  # some members exist, not most
        "部長にとっては、それが最後の仕事だった。",  # one person as experiencer
    ],
)
def test_generalization_generalised_negatives(nlp: Language, text: str) -> None:
    assert "generalization" not in acts(nlp, text)


def test_habitual_adverb_still_makes_a_topic_generic(nlp: Language) -> None:
    # UniDic splits つねに into 常 + に: the habitual is found by lemma
    assert "generalization" in acts(nlp, "幸福はつねに内側から生まれる。")
    assert "generalization" in acts(nlp, "健康は常に失って初めて気づくものだ。")


@pytest.mark.parametrize(
    "text",
    [
        "「朝活」は、出勤前の時間を勉強や運動にあてる新しい習慣です。",  # quoted term + gloss
        "“婚活”は結婚相手を見つけるために行う一連の活動である。",
        "要は良い上司というのは、部下の失敗を自分の責任として引き受ける人だということです。",
        "仕事とは、誰かの困りごとを解決することだと思います。",  # a definition hedged by と思う
    ],
)
def test_definition_generalised_forms(nlp: Language, text: str) -> None:
    assert "definition" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "「朝活」は最近とても人気があります。",  # describes the term, does not say what it is
        "「朝活」は嘘です。",  # renames, glosses nothing
        "「もう無理かも？」は、誰もが一度は思う言葉ですね。",  # a quoted clause is speech, not a term
        "「朝活」は、去年までは一部の人の習慣でした。",  # past
        "大事なことは、毎日少しずつ続けるということである。",  # 〜ことは: no term is defined
    ],
)
def test_definition_generalised_negatives(nlp: Language, text: str) -> None:
    assert "definition" not in acts(nlp, text)


def test_look_back_at_this_time_closes_the_article(nlp: Language) -> None:
    closing = ["今回の騒動は、多くの人に働き方を考えさせるきっかけになった。", "第13の理由は、習慣が自信を生むからだ。"]
    assert "summary" in acts(nlp, _article(BODY, closing), "今回の騒動")
    early = _article(["今回の騒動は、多くの人に働き方を考えさせるきっかけになった。", *BODY], [])
    assert "summary" not in acts(nlp, early, "今回の騒動")


# --- the issue-4 bars on the dev gold ---------------------------------------------------------


@pytest.mark.shared
@pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold is not beside this checkout")
def test_acts_bars_on_dev_gold() -> None:
    from jinmyaku_nlp.evaluate import evaluate

    report = evaluate([GOLD])
    scores = report["acts"]
    assert scores["micro"]["f1"] >= 0.85, scores["micro"]
    for act in ("question", "rhetorical_question", "call_to_action", "definition", "generalization", "summary"):
        assert scores[act]["f1"] >= 0.70, (act, scores[act])
    assert report["per_article"]["seed-jinmyaku-article"]["acts"]["micro"]["f1"] >= 0.90


@pytest.mark.parametrize(
    "text",
    [
        "迷ったときは「急がば回れ」でしょう。",  # a quoted maxim in the imperative, adopted
        "先輩の教えは「考える前にまず行動しろ」ということです。",
        "要は「自分の頭で考えろよ」というのです。",  # よ after the imperative
    ],
)
def test_adopted_quoted_command_is_a_call_to_action(nlp: Language, text: str) -> None:
    assert "call_to_action" in acts(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "上司に「早く帰れ」と言われた。",  # reported: someone told someone
        "「急がば回れ」という言葉の意味を調べた。",  # the quote is only mentioned
        "座右の銘は「石の上にも三年」です。",  # a quoted saying, but no command in it
    ],
)
def test_quoted_command_reported_or_mentioned_is_not_advice(nlp: Language, text: str) -> None:
    assert "call_to_action" not in acts(nlp, text)
