"""Core claims (jinmyaku_nlp.claims): ranking signals, kind, stance, topic/predicate.

The mini-articles are written for these tests in the style of the genres; none is copied from
the dev gold. The last test checks the issue-4 claim bars on the dev gold in ../shared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import jinmyaku_nlp
from jinmyaku_nlp.claims import claim_kind, paragraph_edges
from jinmyaku_nlp.lexicon import load_wordlist

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold"
TITLE = "今日のコラム\n\n"

ARTICLE = (
    "「副業をすればすぐにお金持ちになれる。」\n"
    "本当によく聞きますよね。\n"
    "ぜんぜん違います。\n"
    "副業の多くは時間を切り売りしているだけなんです。\n"
    "私が考える「副業」の定義は「本業で得た技術を別の市場で試す場」です。\n"
    "まずは本業の技術を磨いてください。\n"
    "昨日は駅前のカフェで友人と話しました。\n"
    "つまり、副業は本業の延長でしかないということです。\n"
)


@pytest.fixture(scope="module")
def claims() -> list[dict[str, Any]]:
    doc = jinmyaku_nlp.load()(TITLE + ARTICLE)
    found: list[dict[str, Any]] = doc._.jinmyaku_data["claims"]
    return found


def claim(claims: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    (hit,) = [c for c in claims if fragment in c["text"]]
    return hit


def test_rejected_belief(claims: list[dict[str, Any]]) -> None:
    c = claim(claims, "お金持ちになれる")
    assert c["stance"] == "rejected"
    assert "rejected_belief" in c["signals"]
    assert c["evidence"]


def test_kinds(claims: list[dict[str, Any]]) -> None:
    assert claim(claims, "の定義は")["kind"] == "definition"
    assert claim(claims, "磨いてください")["kind"] == "prescription"
    assert claim(claims, "時間を切り売り")["kind"] == "thesis"
    assert all(c["stance"] == "endorsed" for c in claims if "お金持ち" not in c["text"])
    # the hearsay line points at the view; it is not a view of its own
    assert not [c for c in claims if c["text"].startswith("本当によく聞き") and c["stance"] == "rejected"]


def test_ranking_is_explained_and_ordered(claims: list[dict[str, Any]]) -> None:
    assert [c["rank"] for c in claims] == list(range(1, len(claims) + 1))
    scores = [c["score"] for c in claims]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0
    for c in claims:
        assert c["signals"], c["text"]
    # a personal anecdote is not a claim the argument stands on
    assert not [c for c in claims if "カフェ" in c["text"]]
    top = {c["text"] for c in claims[:4]}
    assert any("定義" in t for t in top)
    assert any("つまり" in t for t in top)


def test_topic_and_predicate(claims: list[dict[str, Any]]) -> None:
    c = claim(claims, "時間を切り売り")
    assert c["topic"] == "副業の多く"
    assert c["predicate"].endswith("だけなんです")
    assert c["polarity"] in ("positive", "negative")


def test_evaluation_sits_in_the_predicate(nlp_claims: list[dict[str, Any]]) -> None:
    assert claim(nlp_claims, "危険です")["kind"] == "evaluation"
    assert claim(nlp_claims, "大切なのは")["kind"] == "evaluation"
    evaluative = load_wordlist("evaluative")
    # an evaluative word in the topic does not make a value judgement
    topic_only = {"text": "悪い習慣は少しずつ変えていけるものです。", "acts": []}
    assert claim_kind(topic_only, evaluative) == ("thesis", None)
    predicate = {"text": "その習慣は悪いです。", "acts": []}
    assert claim_kind(predicate, evaluative)[0] == "evaluation"


def test_impersonal_obligation_is_a_prescription(nlp: Language) -> None:
    text = "努力は才能を育てる土台である。\n才能よりもまず習慣が見直されねばならぬ。\n"
    claims = nlp(TITLE + text)._.jinmyaku_data["claims"]
    c = claim(claims, "見直されねばならぬ")
    assert c["kind"] == "prescription"
    assert "prescription" not in c["signals"]  # the kind only: as a ranking signal it measured worse


def test_emphasis_lifts_the_insisted_point(nlp: Language) -> None:
    text = "朝に運動する人が増えている。\n健康を支えるのは、毎日の睡眠こそである。\n"
    claims = nlp(TITLE + text)._.jinmyaku_data["claims"]
    focus = claim(claims, "睡眠こそ")
    assert "emphasis" in focus["signals"]
    assert focus["rank"] == 1


@pytest.fixture(scope="module")
def nlp_claims() -> list[dict[str, Any]]:
    text = "借金をしてまで投資を始めるのは危険です。\n大切なのは、毎月少しずつ積み立てることです。\n"
    found: list[dict[str, Any]] = jinmyaku_nlp.load()(TITLE + text)._.jinmyaku_data["claims"]
    return found


def test_intra_sentence_denial_is_endorsed(nlp: Language) -> None:
    text = "努力を才能の代わりと考えることは間違っている。\n努力は才能を育てる土台である。\n"
    claims = nlp(TITLE + text)._.jinmyaku_data["claims"]
    assert claim(claims, "間違っている")["stance"] == "endorsed"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return jinmyaku_nlp.load()


CLOSING = (
    "睡眠の質を上げる三つの習慣\n\n"
    "仕事の帰りに駅前の書店へ寄りました。\n"
    "寝る前のスマホは脳を興奮させると語るのは医師の佐藤さん（45歳）。\n"
    "おすすめの枕があれば教えてください。\n"
    "毎朝同じ時間に起きる人は、夜も自然に眠くなるものです。\n"
    "睡眠の質は寝る前の一時間の過ごし方で決まります。\n"
    "気になる方は今夜から試してみてはいかがでしょうか。\n"
    "要するに、睡眠は夜ではなく朝から始まるということだ。\n"
)


@pytest.fixture(scope="module")
def closing_claims(nlp: Language) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = nlp(CLOSING)._.jinmyaku_data["claims"]
    return found


def test_closing_conclusion_is_a_top_claim(closing_claims: list[dict[str, Any]]) -> None:
    # a 要するに close is the author's conclusion, not meta-talk about the article
    c = claim(closing_claims, "要するに")
    assert {"closing_cue", "final"} <= set(c["signals"])
    assert c["rank"] <= 2
    # …てみてはいかがでしょうか urges the reader although it ends in a question
    assert claim(closing_claims, "いかがでしょうか")["kind"] == "prescription"


def test_title_words_reward_the_subject(closing_claims: list[dict[str, Any]]) -> None:
    on_topic = claim(closing_claims, "睡眠の質は")
    assert on_topic["signals"]["title_words"] > 0
    assert "title_words" not in claim(closing_claims, "毎朝同じ時間")["signals"]
    assert on_topic["rank"] < claim(closing_claims, "毎朝同じ時間")["rank"]


def test_reported_speech_and_requests_sink(closing_claims: list[dict[str, Any]]) -> None:
    assert not [c for c in closing_claims if "書店" in c["text"]]  # narrative past
    for fragment, signal in (("と語るのは", "reported"), ("教えてください", "request")):
        hits = [c for c in closing_claims if fragment in c["text"]]
        assert all(c["signals"][signal] < 0 for c in hits)
        assert all(c["rank"] > claim(closing_claims, "睡眠の質は")["rank"] for c in hits)


def test_hedged_close_is_a_claim_and_meta_close_is_not(nlp: Language) -> None:
    text = "合コンの極意\n\n合コンは準備で決まります。\n成功する合コンは気配りと予算配分といったところか。\nいかがでしたか？\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    assert claim(claims, "といったところか")["stance"] == "endorsed"
    assert not [c for c in claims if "いかが" in c["text"]]


@pytest.mark.shared
@pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold is not beside this checkout")
def test_dev_gold_claim_bars() -> None:
    from jinmyaku_nlp.evaluate import evaluate

    report = evaluate([GOLD])
    c = report["claims"]
    assert c["precision_at_k"] >= 0.70
    assert c["stance_accuracy"] >= 0.90
    assert c["kind_accuracy"] >= 0.80
    assert c["rejected_recall"] >= 0.60
    assert c["core_recall_at_2k"] >= 0.80
    assert report["per_article"]["seed-jinmyaku-article"]["claims"]["rejected_recall"] == 1.0


def test_paragraph_edges_are_the_first_and_last_body_sentences() -> None:
    parts = ["見出し", "一文目です。", "二文目です。", "三文目です。", "独立した段落です。", "最初です。", "最後です。"]
    text = "見出し\n\n一文目です。二文目です。三文目です。\n独立した段落です。\n最初です。最後です。"
    sents = []
    for i, part in enumerate(parts):
        start = text.index(part)
        sents.append({"i": i, "start": start, "end": start + len(part), "boilerplate": False, "heading": i == 0})
    # the heading is not a body sentence; 二文目 sits inside its paragraph
    assert paragraph_edges(sents, text) == {1, 3, 4, 5, 6}


def test_paragraph_edge_signal_marks_the_topic_sentence(nlp: Language) -> None:
    text = "習慣は才能を超える力だと思う。毎朝の散歩を十年続けた人の話を聞いた。その人はいつも穏やかに笑っていた。\n"
    claims = nlp(TITLE + text)._.jinmyaku_data["claims"]
    assert "paragraph_edge" in claim(claims, "習慣は才能を超える")["signals"]
    middle = [c for c in claims if "十年続けた" in c["text"]]
    assert not middle or "paragraph_edge" not in middle[0]["signals"]


def test_emphasis_is_focus_not_a_ranking_by_count(nlp: Language) -> None:
    text = "先週最も多く読まれた記事を紹介します。\n仕事でむしろ大切なのは、休む勇気を持つことです。\n"
    claims = nlp(TITLE + text)._.jinmyaku_data["claims"]
    assert "emphasis" in claim(claims, "むしろ大切")["signals"]
    counted = [c for c in claims if "最も多く" in c["text"]]
    assert not counted or "emphasis" not in counted[0]["signals"]


def test_hearsay_sinks_but_the_authors_conjecture_does_not(nlp: Language) -> None:
    text = "褒め言葉の選び方\n\n彼にとって褒め言葉は心に響くそうだ。\n一言だけ褒めるのがよさそうだ。\n仕事は幸せの基礎であるとも言えそうだ。\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    assert claim(claims, "響くそうだ")["signals"]["reported"] < 0
    assert "reported" not in claim(claims, "よさそうだ")["signals"]
    conjecture = claim(claims, "言えそうだ")["signals"]
    assert "reported" not in conjecture
    assert "conclusion" in conjecture  # …とも言えそうだ draws the author's conclusion


def test_a_quote_with_its_speakers_particulars_is_a_third_party_quote(nlp: Language) -> None:
    text = "デートの誘い方\n\n「まずは食事に誘うのが一番です」（32歳・会社員）\n誘い方は相手との距離で変えるべきだ。\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    quoted = [c for c in claims if "食事に誘う" in c["text"]]
    assert not quoted or quoted[0]["signals"]["third_party_quote"] < 0
    assert "third_party_quote" not in claim(claims, "距離で変える")["signals"]


def test_a_grant_inside_a_quote_is_not_the_authors_concession(nlp: Language) -> None:
    text = (
        "友達の多い男性\n\n"
        "「女友達は多いですね。でも彼女たちは本当にただの友達なんです」（30歳）\n"
        "確かに友達が多いのは良いことだ。でも、それだけで人柄はわからない。\n"
    )
    claims = nlp(text)._.jinmyaku_data["claims"]
    quoted = [c for c in claims if "女友達" in c["text"]]
    assert not quoted or "concession_claim" not in quoted[0]["signals"]
    assert "concession_claim" in claim(claims, "それだけで人柄")["signals"]  # the author's own push-back


def test_the_experts_turn_opens_on_its_point(nlp: Language) -> None:
    text = "合コンの極意\n\nQ：会費はどう分けるべきでしょうか。\n水谷：お店選びに予算の多くを使うのが正解です。\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    assert "answer_turn" in claim(claims, "お店選びに")["signals"]
    assert not [c for c in claims if c["text"].startswith("Q：") and "answer_turn" in c["signals"]]


def test_an_epistemic_frame_keeps_the_judgement_it_wraps(nlp: Language) -> None:
    evaluative = load_wordlist("evaluative")
    framed = {"text": "そう考えると、不倫は信頼を失う非常に危険な行為だということがよくわかる。", "acts": []}
    assert claim_kind(framed, evaluative)[0] == "evaluation"
    text = "不倫の代償\n\n法律は不倫を罰しない。\nそう考えると、不倫は信頼を失う非常に危険な行為だということがよくわかる。\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    assert "conclusion" in claim(claims, "そう考えると")["signals"]


def test_kaette_is_corrective_emphasis(nlp: Language) -> None:
    text = "年齢の違う同僚\n\n職場に同世代がいないと寂しい。\nかえって違う世代と話すほうが視野が広がるものだ。\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    assert "emphasis" in claim(claims, "かえって")["signals"]


def test_a_greeting_is_no_claim_and_a_short_directive_is_not_short(nlp: Language) -> None:
    text = "恋の相談室\n\nカオリさん、はじめまして。\n彼の気持ちは少しずつ変わっていきます。\n体当たりは禁物。\n"
    claims = nlp(text)._.jinmyaku_data["claims"]
    assert not [c for c in claims if "はじめまして" in c["text"]]
    directive = claim(claims, "禁物")
    assert directive["kind"] == "prescription"
    assert "short" not in directive["signals"]


def test_a_cleft_on_the_articles_key_term_defines_it(nlp: Language) -> None:
    evaluative = load_wordlist("evaluative")
    cleft = {"text": "互いの弱さを受け入れられることが、友情です。", "acts": []}
    assert claim_kind(cleft, evaluative, ["友情"]) == ("definition", "definition")
    assert claim_kind(cleft, evaluative, ["仕事"]) == ("thesis", None)  # focus is not the subject
