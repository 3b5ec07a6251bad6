"""Rhetorical patterns, rhetorical questions and the answer look-ahead (jinmyaku_nlp.patterns).

The mini-articles are written for these tests in the style of the genres (self-help blogs,
advice columns, interviews, written-style essays); none is copied from the dev gold. The last
test checks the issue-4 bars on the dev gold in ../shared (skipped when it is absent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import jinmyaku_nlp

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return jinmyaku_nlp.load()


#: every mini-article opens with a title line, as real ones do (the first line is a heading)
TITLE = "今日のコラム\n\n"


def analyse(nlp: Language, text: str) -> dict[str, Any]:
    doc = nlp(TITLE + text)
    return {**doc._.jinmyaku_data, "text": doc.text}


def index(data: dict[str, Any], fragment: str) -> int:
    (hit,) = [s["i"] for s in data["sentences"] if fragment in s["text"]]
    return int(hit)


def patterns(data: dict[str, Any], ptype: str) -> list[dict[str, Any]]:
    return [p for p in data["patterns"] if p["type"] == ptype]


def has(data: dict[str, Any], ptype: str, **roles: str) -> dict[str, Any] | None:
    """The first pattern of ``ptype`` whose each role includes the sentence holding the fragment."""
    for p in patterns(data, ptype):
        if all(index(data, frag) in p["roles"].get(role, []) for role, frag in roles.items()):
            return p
    return None


# --- question_answer and rhetorical_question ------------------------------------------------


def test_wh_question_answered_after_acknowledgement(nlp: Language) -> None:
    text = (
        "毎朝ジョギングをしている人は多いですよね。\n"
        "あなたは何のために走っているのですか?\n"
        "そうですよね。\n"
        "健康のために走っているんですよね。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "question_answer", question="何のために", answer="健康のために")
    assert p is not None
    q = data["sentences"][index(data, "何のために")]
    assert "rhetorical_question" not in q["acts"]


def test_wh_answer_runs_on_into_the_next_sentence(nlp: Language) -> None:
    text = (
        "では実際の働きぶりはどうなのか？\n"
        "もちろん職場によって事情はさまざまだ。\n"
        "しかし本省に勤めるA子さんは「毎晩深夜まで働いている」と断言する。\n"
        "これには驚かされる。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "question_answer", question="働きぶり", answer="さまざまだ")
    assert p is not None
    assert index(data, "断言する") in p["roles"]["answer"]
    assert index(data, "驚かされる") not in p["roles"]["answer"]


def test_an_inquiry_or_an_exhortation_is_not_rhetorical(nlp: Language) -> None:
    for text in (
        "しかし、几帳面な男性と付き合うことは本当に幸せなのか？\n",
        "若いうちは大いに旅をしようではないか。\n",
    ):
        data = analyse(nlp, text)
        assert all("rhetorical_question" not in s["acts"] for s in data["sentences"]), text


def test_assertive_question_left_unanswered_is_rhetorical(nlp: Language) -> None:
    text = "高いセミナーに通えば成功できますか?\n本を一冊読むほうがずっと役に立ちます。\n"
    data = analyse(nlp, text)
    q = data["sentences"][index(data, "成功できますか")]
    assert "rhetorical_question" in q["acts"]
    cue = next(c for c in q["cues"] if c["label"] == "rhetorical_question")
    assert data["text"][cue["start"] : cue["end"]] == cue["text"]
    assert cue["rule"] == "acts.rhetorical.unanswered_assertive_question"
    assert not patterns(data, "question_answer")


def test_assertive_question_answered_yes_no_is_not_rhetorical(nlp: Language) -> None:
    text = "それって少しおかしくないですか?\nいいえ、おかしくはありません。\n"
    data = analyse(nlp, text)
    assert "rhetorical_question" not in data["sentences"][index(data, "おかしくない")]["acts"]


def test_plain_yes_no_question_is_neither(nlp: Language) -> None:
    text = "皆さんは毎日日記を書いていますか?\n今日は日記の続け方をお話しします。\n"
    data = analyse(nlp, text)
    assert "rhetorical_question" not in data["sentences"][index(data, "日記を書いて")]["acts"]
    assert not patterns(data, "question_answer")


def test_literary_doubt_is_rhetorical_even_with_wh_word(nlp: Language) -> None:
    text = "努力が報われることを誰が疑わなかったであろうか。\n努力はつねに報われるのである。\n"
    data = analyse(nlp, text)
    assert "rhetorical_question" in data["sentences"][index(data, "誰が疑わなかった")]["acts"]


def test_interview_question_is_answered_by_next_speaker(nlp: Language) -> None:
    text = (
        "———転職で一番大事なポイントはあるのでしょうか?\n"
        "佐藤:まずは自分の強みを言葉にすることですね。\n"
        "面接ではそこが必ず聞かれます。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "question_answer", question="一番大事なポイント", answer="自分の強み")
    assert p is not None
    assert p["rule"] == "patterns.question_answer.next_turn"


def test_meta_announcement_does_not_answer(nlp: Language) -> None:
    text = "では、どうすれば貯金が増えるのでしょうか。\n本日はそのあたりを詳しく見ていきましょう。\n"
    data = analyse(nlp, text)
    assert not patterns(data, "question_answer")


# --- reversal and its setup kinds -------------------------------------------------------------


def test_belief_reversal_with_hearsay_pointing_back(nlp: Language) -> None:
    text = (
        "「若いうちは貯金より経験にお金を使え。」\n本当によく聞きますよね。\nはっきり言います。\nそれは間違いです。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="若いうちは", reversal="それは間違いです")
    assert p is not None
    assert p["attrs"] == {"setup": "belief"}
    assert index(data, "よく聞きます") in p["roles"]["setup"]
    assert all(data["text"][c["start"] : c["end"]] == c["text"] for c in p["cues"])


def test_question_setup_overturned(nlp: Language) -> None:
    text = "あなたはなぜ資格を取るのですか?\nそうですよね。\n給料を上げたいからですよね。\nでも資格だけで給料が上がる会社はほとんどありません。\n"
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="なぜ資格", reversal="資格だけで")
    assert p is not None
    assert p["attrs"]["setup"] == "question"


def test_straw_man_questions_then_dismissal(nlp: Language) -> None:
    text = "あなたにとって成功とは何ですか?\n高級車に乗ることですか?\n毎晩飲み歩くことですか?\nくだらないです。\n"
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="高級車", reversal="くだらない")
    assert p is not None
    assert p["attrs"]["setup"] == "question"
    assert not has(data, "question_answer", answer="くだらない")


def test_expectation_then_but(nlp: Language) -> None:
    text = "憧れの作家に会えたら、いろいろ質問してみたいものです。\nでも…。\nそんな機会はめったに訪れません。\n"
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="質問してみたい", reversal="めったに")
    assert p is not None
    assert p["attrs"]["setup"] == "expectation"


def test_inline_belief_reversal(nlp: Language) -> None:
    text = "在宅勤務は楽だと思われがちですが、実際は自己管理の負担がとても大きいのです。\n"
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="在宅勤務", reversal="在宅勤務")
    assert p is not None and p["attrs"]["setup"] == "belief"


def test_reply_denying_an_earlier_question(nlp: Language) -> None:
    text = (
        "最近は「自分は営業に向いていないのでは」と悩むようになりました。\n"
        "私は営業に向いていないのでしょうか?\n"
        "よろしくお願いします。\n"
        "お便りありがとうございます。\n"
        "営業に向いていないのではなく、準備の仕方を変えれば結果は出るのです。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="向いていないのでしょうか", reversal="準備の仕方")
    assert p is not None and p["attrs"]["setup"] == "question"
    assert index(data, "悩むようになりました") in p["roles"]["setup"]


# --- concession vs reversal -----------------------------------------------------------------


def test_grant_then_but_is_concession_not_reversal(nlp: Language) -> None:
    text = "確かに資格の勉強は大切です。\nもちろん知識は武器になります。\nしかし現場で使わなければ意味がありません。\n"
    data = analyse(nlp, text)
    p = has(data, "concession", concession="資格の勉強", claim="現場で使わなければ")
    assert p is not None
    assert index(data, "知識は武器") in p["roles"]["concession"]
    assert not has(data, "reversal", reversal="現場で使わなければ")


def test_intra_sentence_concession(nlp: Language) -> None:
    text = "忙しいという事情もあるとは思いますが、それ以上に優先順位の付け方に問題があるのです。\n"
    data = analyse(nlp, text)
    assert has(data, "concession", concession="忙しい", claim="忙しい") is not None


def test_hedge_grants_only_when_pushed_back_at_once(nlp: Language) -> None:
    granted = "その方法で一時的に痩せるかもしれません。\nただ、リバウンドの危険が大きいのです。\n"
    assert has(analyse(nlp, granted), "concession", concession="痩せる", claim="リバウンド") is not None
    plain = "その方法で一時的に痩せるかもしれません。\n詳しくは次回お話しします。\n"
    assert not patterns(analyse(nlp, plain), "concession")


# --- restatement, contrast, reason ----------------------------------------------------------


def test_bare_tsumari_and_punch_line(nlp: Language) -> None:
    text = "人に会う前に、自分が何を差し出せるかを考える。\nつまり。\n先に与える人が最後に選ばれるんです。\n"
    data = analyse(nlp, text)
    p = has(data, "restatement", restatement="つまり")
    assert p is not None
    assert index(data, "先に与える人") in p["roles"]["restatement"]


def test_apposition_tsumari_is_not_restatement(nlp: Language) -> None:
    data = analyse(nlp, "まずは内側、つまり自分の習慣を見直してください。\n")
    assert not patterns(data, "restatement")


def test_clause_level_restatement(nlp: Language) -> None:
    data = analyse(nlp, "習慣は意志より強い、言い換えると、環境が人を作るのである。\n")
    assert patterns(data, "restatement")


def test_contrast_dewanaku_and_not_dake(nlp: Language) -> None:
    data = analyse(nlp, "量ではなく質で勝負するべきです。\n")
    assert has(data, "contrast", a="量ではなく", b="量ではなく") is not None
    assert not patterns(analyse(nlp, "彼は英語だけでなく中国語も話せます。\n"), "contrast")
    assert not patterns(analyse(nlp, "毎日続けなくてはならないのです。\n"), "contrast")


def test_contrast_opener_and_negated_identity(nlp: Language) -> None:
    data = analyse(nlp, "成功者は失敗を恐れません。\n逆に、凡人は挑戦する前にあきらめます。\n")
    assert has(data, "contrast", a="成功者は", b="凡人は") is not None
    data = analyse(nlp, "大切なのは才能ではありません。\n毎日机に向かう習慣です。\n")
    assert has(data, "contrast", a="才能ではありません", b="習慣です") is not None


def test_contrast_pairs_by_suffix(nlp: Language) -> None:
    data = analyse(nlp, "職場には教える側と教わる側がいて、役割はまるで違います。\n")
    p = has(data, "contrast", a="教える側", b="教える側")
    assert p is not None and p["rule"] == "patterns.contrast.suffix_pair"
    assert not patterns(analyse(nlp, "相手側の都合も聞いておきましょう。\n"), "contrast")


def test_reason_roles(nlp: Language) -> None:
    data = analyse(nlp, "朝の散歩をおすすめします。\nなぜなら、日光を浴びると眠りが深くなるからです。\n")
    assert has(data, "reason", claim="朝の散歩", reason="日光") is not None
    data = analyse(nlp, "睡眠不足は判断力を鈍らせます。\nだから、大事な決断は朝にするべきです。\n")
    assert has(data, "reason", claim="大事な決断", reason="睡眠不足") is not None
    # a second 〜から sentence goes on with the same reason instead of explaining the first
    data = analyse(nlp, "それは仕方がないことです。\n性格ですから。\n生まれつきですから。\n")
    assert len(patterns(data, "reason")) == 1
    assert not patterns(analyse(nlp, "雨が降ったので、試合は中止になった。\n"), "reason")


def test_every_pattern_cue_indexes_the_original_text(nlp: Language) -> None:
    text = "\u3000「お金は貯めるものだ。」\n本当によく聞きますよね。\n\nぜんぜん違います。\nつまり、お金は使い方なんです。\n"
    data = analyse(nlp, text)
    assert data["patterns"]
    for p in data["patterns"]:
        assert p["rule"]
        for c in p["cues"]:
            assert data["text"][c["start"] : c["end"]] == c["text"]


def test_user_lexicon_adds_a_cue(tmp_path: Path) -> None:
    extra = tmp_path / "my_patterns.jsonl"
    extra.write_text(
        '{"rule": "my.restatement.kekkyoku", "label": "restatement", "regex": "^結局のところ", "where": "start"}\n',
        encoding="utf-8",
    )
    custom = jinmyaku_nlp.load(lexicons={"jinmyaku_patterns": [extra]})
    data = custom("結局のところ、続けた人が勝つのです。\n")._.jinmyaku_data
    assert [p["rule"] for p in data["patterns"] if p["type"] == "restatement"] == ["my.restatement.kekkyoku"]


# --- answers found by structure and lexical echo ----------------------------------------------


def test_yes_no_question_answered_by_echo_of_its_predicate(nlp: Language) -> None:
    text = "在宅勤務を経験したことがありますか？\n「経験したことがある」と答えた人は3割でした。\n"
    data = analyse(nlp, text)
    assert has(data, "question_answer", question="ありますか", answer="3割") is not None
    # the next sentence speaks of something else: a yes/no question is left unanswered
    text = "毎朝の通勤は楽しいですか？\n駅前のパン屋が新しくなりました。\n"
    assert not patterns(analyse(nlp, text), "question_answer")


def test_survey_request_answered_by_a_sentence_sharing_its_words(nlp: Language) -> None:
    text = "休日に行ってみたい場所を教えてください\n最も多かったのは温泉で、次が海外の場所でした。\n"
    data = analyse(nlp, text)
    p = has(data, "question_answer", question="教えてください", answer="温泉")
    assert p is not None and p["rule"] == "patterns.question_answer.request"
    # a request quoted inside a report is not the author asking
    text = "番組では「おすすめの店を教えてください」という投稿が紹介された。\n司会者は笑っていた。\n"
    assert not patterns(analyse(nlp, text), "question_answer")


def test_consultation_answered_by_the_reply_section(nlp: Language) -> None:
    text = (
        "＜ご相談＞\n"
        "32歳の会社員です。\n"
        "同僚との雑談が苦手で、昼休みが憂うつです。\n"
        "話題を増やすにはどうすればいいのでしょうか？\n"
        "＜先生のお答え＞\n"
        "ご相談ありがとうございます。\n"
        "雑談は話題より相づちで決まります。\n"
        "相手の話を繰り返すだけで会話は続きます。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "question_answer", question="どうすればいい", answer="相づち")
    assert p is not None and p["rule"] == "patterns.question_answer.reply_section"
    assert index(data, "ご相談ありがとう") not in p["roles"]["answer"]


def test_question_inside_the_reply_does_not_look_for_another_reply(nlp: Language) -> None:
    text = (
        "＜先生のお答え＞\n"
        "毎日残業していますね。\n"
        "たまには早く帰ってもいいんじゃない？\n"
        "今回の説教\n"
        "自分の時間を取り戻せ！\n"
    )
    assert not patterns(analyse(nlp, text), "question_answer")


def test_listicle_teaser_is_not_answered(nlp: Language) -> None:
    text = (
        "第3位：朝5分のストレッチ\n"
        "なぜ朝のほうが体が硬いの？\n"
        "寝ている間に筋肉が冷えているからかも——。\n"
        "第4位：夜のハーブティー\n"
    )
    assert not patterns(analyse(nlp, text), "question_answer")


def test_a_question_before_the_first_item_is_answered_by_the_list(nlp: Language) -> None:
    text = (
        "では、信頼される上司になるには、どうすれば良いのでしょう？\n"
        "それには、３つの要素があると専門家は言います。\n"
        "1．自分の軸を持つ\n"
        "2．困難を楽しむ\n"
    )
    assert has(analyse(nlp, text), "question_answer", question="どうすれば", answer="３つの要素") is not None


def test_interviewee_answer_in_question_form_and_unlabelled_answers(nlp: Language) -> None:
    text = "———理想の上司ってどんな人でしょうか？\n佐藤：“待てる人”でしょうか。\n部下が失敗しても口を出さない人です。\n"
    data = analyse(nlp, text)
    assert has(data, "question_answer", question="理想の上司", answer="待てる人") is not None
    text = "Q．\n最初から営業志望だったのですか？\nいえ、そうではありません。\n最初は企画志望でした。\n"
    data = analyse(nlp, text)
    assert has(data, "question_answer", question="営業志望", answer="そうではありません") is not None
    assert not patterns(data, "reversal")  # the interviewee answers "no"; nothing is overturned


def test_essay_dash_is_not_an_interviewer(nlp: Language) -> None:
    text = "――もちろんそれは良い方法です。\n型にはめてばかりいます。\nそれでどんな子どもが育ちますか。\n自分で考えない子どもです。\n"
    data = analyse(nlp, text)
    assert has(data, "question_answer", question="どんな子ども", answer="考えない子ども") is not None


def test_wh_question_answered_after_straw_men_are_dismissed(nlp: Language) -> None:
    text = (
        "あなたにとって成功ってなんですか?\n"
        "年収を上げることですか?\n"
        "高級車に乗ることですか?\n"
        "くだらないです。\n"
        "私が考える成功とは、昨日の自分を超え続けることです。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "question_answer", question="成功ってなんですか", answer="昨日の自分")
    assert p is not None and p["rule"] == "patterns.question_answer.after_straw_men"
    assert has(data, "reversal", setup="年収を上げる", reversal="くだらない") is not None


# --- reversals without a marked setup ---------------------------------------------------------


def test_expectation_and_what_came_instead_in_one_sentence(nlp: Language) -> None:
    data = analyse(nlp, "開発の仕事ができると思っていたのですが、配属先は経理部でした。\n")
    p = has(data, "reversal", setup="思っていた", reversal="経理部")
    assert p is not None and p["attrs"]["setup"] == "expectation"
    data = analyse(nlp, "週末は晴れるかと思いきや・・・。\n朝から大雨だった。\n")
    assert has(data, "reversal", setup="思いきや", reversal="大雨") is not None
    assert not patterns(analyse(nlp, "明日は晴れると思います。\n"), "reversal")


def test_author_sets_own_view_against_the_one_before(nlp: Language) -> None:
    text = (
        "努力と才能を対立させるのは古い考え方である。\nこれに反して私は考える。\n才能とは続けられる努力のことだ、と。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="古い考え方", reversal="これに反して")
    assert p is not None and p["attrs"]["setup"] == "belief"


def test_adversative_contradicting_the_same_topic_is_a_reversal(nlp: Language) -> None:
    text = "その町には若者の働く場所がありません。\n実を言えばその町の働く場所は、小さな工房の形で路地裏にいくつもあるのです。\n"
    data = analyse(nlp, text)
    assert has(data, "reversal", setup="ありません", reversal="実を言えば") is not None
    # two topics side by side (行為は…。しかし感覚は…) are a parallel, not a reversal
    text = "約束は守れるものだ。\nしかし、気分は守れない。\n"
    assert not patterns(analyse(nlp, text), "reversal")
    # after a granted point the しかし sentence is the claim of a concession
    text = "確かに早起きは大変です。\nしかし、早起きすると一日が長くなります。\n"
    data = analyse(nlp, text)
    assert not patterns(data, "reversal") and patterns(data, "concession")


def test_doubting_the_statement_before(nlp: Language) -> None:
    text = "調査によれば、若者は貯金に熱心だと言えそうだ。\nしかし、果たして貯金の額イコール若者の安心なのだろうか？\n"
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="言えそうだ", reversal="果たして")
    assert p is not None and p["attrs"]["setup"] == "belief"


def test_strong_denial_without_a_marked_setup(nlp: Language) -> None:
    text = (
        "「お金持ちは幸せだ」と彼女は言う。\nそう語るのは会社員の花子さん。\n確かにそう見えるが、実際のホンネは違う。\n"
    )
    assert patterns(analyse(nlp, text), "reversal")
    # a plain difference (利益率もぜんぜん違いますからね) denies nothing
    text = "他の業界の人と話すのは勉強になります。\n業界によって利益率などもぜんぜん違いますからね。\n"
    assert not patterns(analyse(nlp, text), "reversal")


def test_negated_identity_needs_a_positive_alternative(nlp: Language) -> None:
    text = "大切なのは才能だけではない。\n努力も大切だ。\n"
    assert not [p for p in patterns(analyse(nlp, text), "contrast") if p["rule"].endswith("negated_identity")]
    text = "それは誰にも予見できるものではありません。\n本人にも分からないのです。\n"
    assert not patterns(analyse(nlp, text), "contrast")


def rules(data: dict[str, Any], ptype: str) -> list[str]:
    return [p["rule"] for p in patterns(data, ptype)]


def test_parallel_topics_with_opposite_predicates_are_a_contrast(nlp: Language) -> None:
    text = "朝は自由に時間を使える。\nしかし、夜は自由に時間を使えない。\n"
    data = analyse(nlp, text)
    p = has(data, "contrast", a="朝は", b="夜は")
    assert p is not None and p["rule"] == "patterns.contrast.parallel_topics"
    assert data["text"][p["cues"][0]["start"] : p["cues"][0]["end"]] == "しかし"
    assert not patterns(data, "reversal")
    # the same polarity on both sides goes on from the first sentence, it does not oppose it
    text = "会議は長い。\nしかし、内容は充実している。\n"
    assert "patterns.contrast.parallel_topics" not in rules(analyse(nlp, text), "contrast")
    # 実は tells what is really so (a reversal), and a question opposes nothing yet
    text = "都会の家賃は高くない。\n実は、郊外の家賃は意外に高いのです。\n"
    assert "patterns.contrast.parallel_topics" not in rules(analyse(nlp, text), "contrast")
    text = "若い頃の失敗は許される。\nしかし、大人の失敗は許されないのだろうか？\n"
    assert "patterns.contrast.parallel_topics" not in rules(analyse(nlp, text), "contrast")


def test_then_and_now_are_a_contrast(nlp: Language) -> None:
    data = analyse(nlp, "以前は毎日残業していましたが、今は定時に帰っています。\n")
    assert rules(data, "contrast") == ["patterns.contrast.then_now"]
    data = analyse(nlp, "昔は手紙で近況を伝え合った。\n今はメッセージが一瞬で届く。\n")
    assert has(data, "contrast", a="手紙", b="メッセージ") is not None
    # one time frame alone opposes nothing
    data = analyse(nlp, "今は仕事が楽しくて仕方がない。\n毎朝早く目が覚める。\n")
    assert not patterns(data, "contrast")


def test_clause_granted_by_its_form_is_a_concession(nlp: Language) -> None:
    for text in (
        "高い買い物ではありますが、十年使えば十分に元が取れます。\n",
        "遠回りをしたとも言えるが、その経験が今の仕事を支えている。\n",
        "反対する人もいると思うが、私はこの制度に賛成だ。\n",
        "初心者とはいえ、準備を怠ってよい理由にはならない。\n",
        "時間はかかったものの、最後には全員が納得した。\n",
    ):
        data = analyse(nlp, text)
        assert rules(data, "concession") == ["patterns.concession_inline.granted_clause"], text
    # the casual 〜と思うけど hedges the speaker's own feeling; a question grants nothing
    for text in (
        "あの頃は楽しかったと思うけど、よく覚えていない。\n",
        "いろいろな方法があると思いますが、一番簡単なのはどれでしょうか？\n",
    ):
        assert not patterns(analyse(nlp, text), "concession"), text


def test_a_new_question_after_a_granted_point_is_not_its_claim(nlp: Language) -> None:
    text = "確かに一人旅は気楽です。\nしかし、病気になった場合はどうだろうか？\n"
    assert not patterns(analyse(nlp, text), "concession")
    # a doubt (果たして…かどうか？) pushes back against the point
    text = "確かに一人旅は気楽です。\nしかし、それで家族は果たして納得するかどうか？\n"
    assert has(analyse(nlp, text), "concession", concession="気楽", claim="果たして") is not None


def test_setup_of_a_denial_is_the_quote_not_its_attribution(nlp: Language) -> None:
    text = (
        "「貯金なんて若いうちは要らないですよ。使ったほうが経験になるし」\n"
        "そう言って笑うのは会社員の次郎さん（28歳）。\n"
        "もっともらしく聞こえるが、実際のホンネは違う。\n"
    )
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="貯金なんて", reversal="ホンネは違う")
    assert p is not None and index(data, "そう言って") not in p["roles"]["setup"]
    # without an attribution line the sentence before is the setup
    text = "次郎さんは営業の仕事をしている。\nその仕事は楽に稼げる。\nでも、実際のホンネは違う。\n"
    data = analyse(nlp, text)
    assert has(data, "reversal", setup="楽に稼げる", reversal="ホンネは違う") is not None


def test_a_hope_voiced_in_a_quote_is_an_expectation(nlp: Language) -> None:
    text = "彼女は入社の理由をこう話す。\n「いつかは海外で働きたいなあって」\nしかし、その会社は国内の仕事しか扱っていない。\n"
    data = analyse(nlp, text)
    p = has(data, "reversal", setup="働きたい", reversal="扱っていない")
    assert p is not None and p["attrs"]["setup"] == "expectation"


# --- the issue-4 bars on the dev gold ------------------------------------------------------


@pytest.mark.shared
@pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold is not beside this checkout")
def test_dev_gold_pattern_bars() -> None:
    from jinmyaku_nlp.evaluate import evaluate

    report = evaluate([GOLD])
    pats = report["patterns"]
    assert pats["micro"]["f1"] >= 0.75
    for ptype in ("question_answer", "reversal", "concession", "restatement", "contrast", "reason"):
        assert pats[ptype]["f1"] >= 0.60, ptype
    assert pats["setup_accuracy"] >= 0.80
    assert report["acts"]["rhetorical_question"]["f1"] >= 0.70
    seed = report["per_article"]["seed-jinmyaku-article"]
    assert seed["patterns"]["micro"]["f1"] >= 0.85


#: texts with the awkward cases for token offsets: spaces between tokens, full-width spaces,
#: blank lines, an emoji, a sentence of one character, and nothing at all
TABLE_TEXTS = (
    TITLE + "「幸福は人格である」と言われる。しかし、本当にそうだろうか？\n",
    "  前置き\u3000です。 Hello world です。\n\n短い。\n😀絵文字の後も。\nあ\n",
    "",
)


def test_token_table_matches_the_doc(nlp: Language) -> None:
    from jinmyaku_nlp.pipeline import doc_tokens

    for text in TABLE_TEXTS:
        doc = nlp(text)
        tok = doc_tokens(doc)
        assert tok.orth == [t.text for t in doc]
        assert tok.lemma == [t.lemma_ or t.text for t in doc]
        assert tok.tag == [t.tag_ for t in doc]
        assert tok.pos == [t.pos_ for t in doc]
        assert tok.start == [t.idx for t in doc]
        assert tok.end == [t.idx + len(t) for t in doc]
        assert tok.space == [bool(t.whitespace_) for t in doc]
        assert tok.text == doc.text
        assert doc_tokens(doc) is tok  # shared by the components that read the same Doc


def test_token_table_is_not_serialised(nlp: Language) -> None:
    from spacy.tokens import Doc

    from jinmyaku_nlp.pipeline import doc_tokens

    doc = nlp(TABLE_TEXTS[0])
    data = doc.to_bytes()
    doc_tokens(doc)
    assert doc.to_bytes() == data
    restored = Doc(nlp.vocab).from_bytes(data)
    assert doc_tokens(restored).orth == doc_tokens(doc).orth


def test_expand_range_is_char_span_expand(nlp: Language) -> None:
    from jinmyaku_nlp.pipeline import doc_tokens, expand_range

    for text in TABLE_TEXTS:
        doc = nlp(text)
        tok = doc_tokens(doc)
        n = len(text)
        for start in range(n + 1):
            for end in range(start, min(n, start + 12) + 1):
                span = doc.char_span(start, end, alignment_mode="expand")
                want = None if span is None else (span.start, span.end)
                assert expand_range(tok, start, end) == want, (text, start, end)


def test_sentence_lexes_read_the_char_span_tokens(nlp: Language) -> None:
    from jinmyaku_nlp.patterns import NO_LEX, sentence_lex, sentence_lexes

    for text in (*TABLE_TEXTS, TITLE + "行為は変えられる。しかし感覚は、けど、変えられない。私は「猫は」と言った。"):
        doc = nlp(text)
        sents = doc._.jinmyaku_data["sentences"]
        spans = [doc.char_span(s["start"], s["end"], alignment_mode="expand") for s in sents]
        assert sentence_lexes(doc, sents) == [NO_LEX if sp is None else sentence_lex(sp) for sp in spans]


def test_a_section_heading_that_asks_is_answered_by_the_text_under_it(nlp: Language) -> None:
    data = analyse(
        nlp,
        "新型タブレットの噂まとめ\n\n来月の発表に向けて、噂を整理してみた。\n\n\n"
        "■プロセッサはどうなる？\n\n処理性能を決めるのはプロセッサだ。新型では最新のチップが載るとみられる。\n",
    )
    q = index(data, "プロセッサはどうなる")
    assert data["sentences"][q]["heading"]
    qa = [p["roles"] for p in patterns(data, "question_answer")]
    assert qa == [{"question": [q], "answer": [index(data, "処理性能を決める"), index(data, "最新のチップ")]}]


def test_a_title_that_asks_is_not_answered_by_its_lead(nlp: Language) -> None:
    doc = nlp("なぜ若者は車を買わないのか？\n\n先日、ある調査の結果が発表された。\n\n若者の車離れは進んでいる。\n")
    data = {**doc._.jinmyaku_data, "text": doc.text}
    title = index(data, "なぜ若者は")
    assert data["sentences"][title]["heading"]
    assert "question" in data["sentences"][title]["acts"]
    assert all(title not in p["roles"]["question"] for p in patterns(data, "question_answer"))


# --- reversals set up in the many ways persuasive writing voices a view (issue 4) ---------------


def reversal_kinds(data: dict[str, Any]) -> list[tuple[list[int], list[int], str]]:
    return [(p["roles"]["setup"], p["roles"]["reversal"], p["attrs"]["setup"]) for p in patterns(data, "reversal")]


@pytest.mark.parametrize(
    "sentence",
    [
        "朝型の人ほど仕事ができるというイメージが強いですが、実際には夜型でも成果を上げる人はたくさんいます。",
        "筋トレは若い人のものと思い込んでいる人が大勢いますが、それは誤解です。",
        "炭水化物は太るとされてきましたが、量と時間を守れば問題ありません。",
        "転職は35歳までと言われますが、いまは40代の採用も増えています。",
        "カフェインは体に悪いと思いがちですが、適量なら集中力を助けてくれます。",
        "高い化粧品を使えば肌がきれいになると考える女性は多いですが、大切なのは睡眠です。",
    ],
)
def test_a_common_view_turned_in_one_sentence_is_a_belief_reversal(nlp: Language, sentence: str) -> None:
    data = analyse(nlp, sentence + "\n")
    k = index(data, sentence[:8])
    assert ([k], [k], "belief") in reversal_kinds(data)


@pytest.mark.parametrize(
    "sentence",
    [
        # a view confirmed, not overturned
        "職人の町というイメージを持っていた私ですが、訪ねてみると想像を裏切らない町並みでした。",
        # a second common practice added to the first
        "週末に山に登る人は多いですが、川でキャンプをする人も多いです。",
        # a plain condition: 〜と思ったら、すぐ…
        "面白いと思ったら、すぐ行動に移すのが彼女の流儀です。",
    ],
)
def test_a_view_confirmed_or_a_condition_is_not_a_reversal(nlp: Language, sentence: str) -> None:
    data = analyse(nlp, sentence + "\n")
    assert patterns(data, "reversal") == []


def test_a_common_image_overturned_by_the_next_sentence(nlp: Language) -> None:
    text = "料理上手な男性には「細かくて面倒な人」のイメージがある。\nだが、意外にも女性たちの評価は「頼もしい」がほとんどだった。\n"
    data = analyse(nlp, text)
    assert ([index(data, "料理上手")], [index(data, "意外にも")], "belief") in reversal_kinds(data)


def test_an_inline_view_pointing_back_takes_the_quotes_before_it(nlp: Language) -> None:
    text = "節約の話です。\n「節約とは、欲しいものを我慢することだ。」\nこんなふうに考えている人も多いようですが、実はそうではありません。\n"
    data = analyse(nlp, text)
    k = index(data, "こんなふうに")
    assert ([index(data, "節約とは"), k], [k], "belief") in reversal_kinds(data)


@pytest.mark.parametrize(
    "sentence",
    [
        "開店前に行けば並ばずに入れると思っていたら、すでに長い行列ができていました。",
        "店員さんが声をかけてくるかと思ったら、最後まで放っておいてくれた。",
        "うまく説明したつもりでも、相手には半分も伝わっていないことがあります。",
        "一週間で慣れるはずが、結局ひと月かかってしまった。",
        "新しい職場は想像とは全然違っていて、毎日が驚きの連続でした。",
    ],
)
def test_an_expectation_contradicted_in_a_story(nlp: Language, sentence: str) -> None:
    data = analyse(nlp, sentence + "\n")
    k = index(data, sentence[:8])
    assert ([k], [k], "expectation") in reversal_kinds(data)


def test_a_weak_denial_needs_a_marked_view_before_it(nlp: Language) -> None:
    marked = "年上の上司は頼もしく見える。\n話し上手なのも、経験を積んだからで、決して特別な才能があるわけではない。\n"
    data = analyse(nlp, marked)
    assert ([index(data, "頼もしく")], [index(data, "特別な才能")], "expectation") in reversal_kinds(data)
    # a hope before it (…してみたい) is not what 〜わけではない denies
    hope = "いつか海外で働いてみたい。\n誰もが留学できるわけではない。\n"
    assert patterns(analyse(nlp, hope), "reversal") == []


def test_a_difference_is_not_a_denial(nlp: Language) -> None:
    text = "器を変えると、いつものご飯も美味しく感じませんか？\n同じ料理でも、盛り付けひとつで見え方が全然違います。\n"
    data = analyse(nlp, text)
    assert patterns(data, "reversal") == []


def test_a_bare_denial_in_a_quote_states_no_view(nlp: Language) -> None:
    text = "面接では「そうじゃないんだ」という強い意志を見せることが大切です。\n"
    assert patterns(analyse(nlp, text), "reversal") == []


def test_a_question_overturned_only_right_after_it_and_its_answer(nlp: Language) -> None:
    adjacent = "夏の肌ケアは日焼け止めだけで十分だと思っていませんか？\n実は夏の汗が冬の乾燥を招いているのです。\n"
    data = analyse(nlp, adjacent)
    assert ([index(data, "夏の肌ケア")], [index(data, "冬の乾燥")], "question") in reversal_kinds(data)
    apart = (
        "みなさんは毎朝どんな飲み物を飲んでいますか？\n"
        "コーヒー派、紅茶派、いろいろだと思います。\n"
        "今回は朝の水分補給について専門家に聞きました。\n"
        "でも、朝いちばんに必要なのは実は常温の水なのです。\n"
    )
    data = analyse(nlp, apart)
    assert all(index(data, "毎朝どんな") not in p["roles"]["setup"] for p in patterns(data, "reversal"))


def test_what_is_question_is_answered_by_the_next_sentence(nlp: Language) -> None:
    data = analyse(
        nlp, "最近よく聞く「睡眠負債」とは？\n毎日の少しずつの寝不足が、借金のように積み重なった状態のことです。\n"
    )
    qa = [p["roles"] for p in patterns(data, "question_answer")]
    assert qa == [{"question": [index(data, "睡眠負債")], "answer": [index(data, "借金のように")]}]


def test_a_change_of_subject_does_not_answer(nlp: Language) -> None:
    text = "彼女が自分を名前で呼ぶのは、甘えの表れなのだろうか？\nところで先日、駅前に新しいカフェができた。\n"
    data = analyse(nlp, text)
    assert patterns(data, "question_answer") == []


def test_a_view_overturned_by_its_contrary_a_few_sentences_on(nlp: Language) -> None:
    text = (
        "営業部の健二さんは、その鋭い目つきから「怖い人」と思われがち。\n"
        "本人も気にしているそうだ。\n"
        "だが健二さんは第一印象とは裏腹に、後輩の相談に何時間でも付き合う世話好きだ。\n"
    )
    data = analyse(nlp, text)
    assert ([index(data, "営業部")], [index(data, "第一印象")], "belief") in reversal_kinds(data)
    # without a view set up before it, 〜とは反対に only compares
    plain = "姉は朝型だ。\n妹は姉の習慣とは反対に、夜中に勉強する。\n"
    assert patterns(analyse(nlp, plain), "reversal") == []


def test_what_the_public_thinks_is_a_belief_setup(nlp: Language) -> None:
    text = "副業は会社への裏切りだ、これが世間の感覚なのだ。\nしかし、副業を認める会社はここ数年で急に増えている。\n"
    data = analyse(nlp, text)
    assert ([index(data, "副業は会社")], [index(data, "副業を認める")], "belief") in reversal_kinds(data)


def test_a_quoted_view_and_its_denial_right_after_the_title(nlp: Language) -> None:
    # the sentence before is a heading, yet the view and its denial sit in one quote
    text = "■朝型生活のすすめ\n俳優の某氏が番組で「早起きは三文の得？迷信でしょ」と語り、話題になっている。\n"
    data = analyse(nlp, text)
    k = index(data, "俳優の某氏")
    assert ([k], [k], "belief") in reversal_kinds(data)


def test_skeptical_doubt_is_rhetorical_but_a_wh_question_is_not(nlp: Language) -> None:
    text = "年収が上がれば満足できると言う人は多い。\nしかし、果たして収入の多さイコール幸せなのだろうか？\n"
    data = analyse(nlp, text)
    assert "rhetorical_question" in data["sentences"][index(data, "果たして")]["acts"]
    wh = "果たして、どんな人がこの賞を受け取るのだろうか？\n"
    assert "rhetorical_question" not in analyse(nlp, wh)["sentences"][0]["acts"]


def test_hanmen_and_a_difference_between_two_groups_contrast(nlp: Language) -> None:
    for text, fragment in (
        ("スマホは持ち歩きやすい反面、置き忘れやすい。\n", "反面"),
        ("結婚への考え方は、二十代と四十代とでは大きく違う。\n", "とでは"),
    ):
        data = analyse(nlp, text)
        assert has(data, "contrast", a=fragment, b=fragment) is not None, text
    data = analyse(nlp, "影響を受けるのは悪いことではないのだが、受け方を間違えると評価を下げる。\n")
    assert not any("とでは" in c["text"] for p in patterns(data, "contrast") for c in p["cues"])


def test_announcing_the_next_step_sets_up_no_expectation(nlp: Language) -> None:
    meta = "それでは、二人の相性を一つ一つみていきたいと思います。\nしかし、これはあなたも同じです。\n"
    assert patterns(analyse(nlp, meta), "reversal") == []
    hope = "いつか彼と海外旅行に行ってみたいと思います。\nしかし、そんな機会はそうそうありません。\n"
    assert patterns(analyse(nlp, hope), "reversal") != []
