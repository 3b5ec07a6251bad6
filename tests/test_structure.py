"""Headings, boilerplate and sections: one case per rule (positive and negative), the component, dev gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jinmyaku_nlp.segment import split_sentences
from jinmyaku_nlp.structure import Structure, annotate_structure

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

BODY = "これは本文の段落です。筆者の主張が続きます。"


def analyse(text: str) -> tuple[list[str], Structure]:
    spans = [(s.start, s.end) for s in split_sentences(text)]
    return [text[s:e] for s, e in spans], annotate_structure(text, spans)


def headings(text: str) -> list[str]:
    sents, st = analyse(text)
    return [s for s, h in zip(sents, st.heading, strict=True) if h]


def boilerplate(text: str) -> list[str]:
    sents, st = analyse(text)
    return [s for s, b in zip(sents, st.boilerplate, strict=True) if b]


# ---------------------------------------------------------------- headings


def test_title_line_after_url_and_date_is_a_heading_even_split_at_exclamation() -> None:
    text = f"http://news.example.com/1/\n2011-07-20T11:00:00+0900\nココが違う！-採用ウラ話 vol.2\n{BODY}\n"
    assert headings(text) == ["ココが違う！", "-採用ウラ話 vol.2"]
    assert boilerplate(text) == ["http://news.example.com/1/", "2011-07-20T11:00:00+0900"]


def test_first_line_of_prose_is_not_a_title() -> None:
    assert headings(f"{BODY}\n\n{BODY}\n") == []


def test_short_unpunctuated_line_opening_a_section_is_a_heading() -> None:
    text = f"題名\n\n{BODY}\n\n今回の説教\n\n{BODY}\n"
    assert headings(text) == ["題名", "今回の説教"]


def test_marked_lines_are_headings() -> None:
    text = (
        f"題名\n{BODY}\n■営業マン必見！情報の調べ方\n{BODY}\n＜相談内容＞\n{BODY}\n第1位：超簡単に脂肪燃焼！\n{BODY}\n"
    )
    assert headings(text)[1:] == ["■営業マン必見！", "情報の調べ方", "＜相談内容＞", "第1位：超簡単に脂肪燃焼！"]


def test_polite_predicate_or_question_line_is_prose_not_a_heading() -> None:
    text = f"題名\n\n{BODY}\n\nぜんぜん違います\n\n{BODY}\n\nでは、どうすれば良いのでしょうか\n\n{BODY}\n"
    assert headings(text) == ["題名"]


def test_plain_form_line_after_ad_break_is_a_heading() -> None:
    text = f"題名\n\n{BODY}\n\nスポンサーリンク\n「虎の巻」交流会の無意味さを知れ\n\n{BODY}\n\nそもそも考え方が真逆だよ\n\n{BODY}\n"
    assert headings(text) == ["題名", "「虎の巻」交流会の無意味さを知れ", "そもそも考え方が真逆だよ"]


def test_punctuated_short_line_is_not_a_heading() -> None:
    assert headings(f"題名\n\n{BODY}\n\nつまり。\n\n{BODY}\n") == ["題名"]


def test_exclamation_line_needs_a_strong_break_to_be_a_heading() -> None:
    assert headings(f"題名\n\n{BODY}\n\nいいですね！\n\n{BODY}\n") == ["題名"]
    assert headings(f"題名\n\n{BODY}\n\n\nココが違う！\n\n\n{BODY}\n") == ["題名", "ココが違う！"]


def test_list_items_and_labelled_entries_are_not_headings() -> None:
    text = f"題名\n\n{BODY}\n\n1. 問題を文章化する\n\n{BODY}\n\n【人脈】じん-みゃく\n\n{BODY}\n"
    assert headings(text) == ["題名"]


def test_short_line_glued_to_another_short_line_is_not_a_heading() -> None:
    text = f"題名\n\n{BODY}\n\n通信関連会社\n採用担当\n白石 康祐氏（仮名）\n{BODY}\n"
    assert headings(text) == ["題名"]
    assert boilerplate(text) == ["通信関連会社", "採用担当", "白石 康祐氏（仮名）"]


def test_quoted_label_line_opening_a_block_is_a_heading_but_quoted_speech_is_not() -> None:
    text = f"題名\n\n{BODY}\n\n（超訳ニーチェ）「疲れたらたっぷり眠れ」\n（Sさん）寝てるけど…いい？\n\n「たくさんの人脈を作ることこそ、成功への近道」\n\n{BODY}\n"
    assert headings(text) == ["題名", "（超訳ニーチェ）「疲れたらたっぷり眠れ」"]


def test_marked_line_with_nothing_after_it_is_not_a_heading() -> None:
    text = f"題名\n\n{BODY}\n■ITニュース - iTunes App Store\n■ITニュース - Google Play\n"
    assert headings(text) == ["題名"]
    assert boilerplate(text) == ["■ITニュース - iTunes App Store", "■ITニュース - Google Play"]


#: a paragraph longer than any heading, so the article's paragraph spacing can be measured
PARA = BODY * 2


def test_question_lines_set_off_by_a_wider_gap_head_the_paragraph_they_introduce() -> None:
    text = (
        f"調査レポート\n{PARA}\n{PARA}\n\n\n朝ごはんを毎日食べていますか？\n\n\n{PARA}\n\n"
        f"\n好きなおかずを教えてください\n\n\n{PARA}\n{PARA}\n\n{PARA}\n"
    )
    assert headings(text) == ["調査レポート", "朝ごはんを毎日食べていますか？", "好きなおかずを教えてください"]


def test_set_off_line_is_prose_when_the_article_spaces_its_paragraphs_as_widely() -> None:
    text = f"題名\n\n\n{PARA}\n\n\n{PARA}\n\n\n朝ごはんを毎日食べていますか？\n\n\n{PARA}\n"
    assert headings(text) == ["題名"]


@pytest.mark.parametrize(
    "line",
    [
        "裏蓋を外したところ。",  # a photo caption: a finished sentence
        "——席替えはやっぱり必要なんですか？",  # an interviewer's turn
        "こんな相棒だったら、あなたならどうする？",  # a clause break: prose
    ],
)
def test_set_off_lines_that_are_not_headings(line: str) -> None:
    assert headings(f"題名\n{PARA}\n{PARA}\n\n\n{line}\n\n\n{PARA}\n") == ["題名"]


def test_quotation_line_echoed_by_the_next_line_is_speech_not_a_heading() -> None:
    said = f"題名\n\n{BODY}\n\n「すべて手に入れてきた稀有な人」\n\n彼女をこう評したのは評論家である。{BODY}\n"
    assert headings(said) == ["題名"]
    set_off = f"題名\n{PARA}\n{PARA}\n\n\n「本当にいいんですか？」\n\nと彼は聞いた。{PARA}\n"
    assert headings(set_off) == ["題名"]
    titled = f"題名\n\n{BODY}\n\n「三十四丁目の奇跡」\n\n百貨店のパレードにサンタが現れる。{BODY}\n"
    assert headings(titled) == ["題名", "「三十四丁目の奇跡」"]


# ---------------------------------------------------------------- boilerplate


@pytest.mark.parametrize(
    "line",
    [
        "スポンサーリンク",
        "トップページ",
        "出典:goo辞書",
        "（出典『曙光』より）",
        "（橋口まどか）",
        "（@nifty電話占い・メール占い編集部）",
        "1 2",
        "記事執筆：せう",
        "上倉賢 @kamikura [digi2(デジ通)]",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert boilerplate(f"題名\n\n{BODY}\n\n{line}\n\n{BODY}\n") == [line]


@pytest.mark.parametrize("line", ["（笑）", "ではまた", "最後に"])
def test_not_boilerplate(line: str) -> None:
    assert boilerplate(f"題名\n\n{BODY}\n\n{line}\n\n{BODY}\n") == []


def test_byline_after_the_last_sentence_is_boilerplate() -> None:
    assert boilerplate(f"題名\n{BODY}\nなかなか答えが出る問題ではないようである（橋口まどか）\n") == ["（橋口まどか）"]


def test_closing_sentences_before_a_glued_byline_are_the_authors() -> None:
    closing = (
        "結婚とは、相手の人生に責任を持つということ。それでもときめきを感じられるのは余裕のある証なのかもしれない。"
    )
    assert boilerplate(f"題名\n{BODY}\n\n{closing}(栗頭渋子)\n") == ["(栗頭渋子)"]


def test_short_call_out_with_a_bracketed_note_after_the_text_is_still_trailing_chrome() -> None:
    text = f"題名\n{BODY}\n\nお食事券を1名様にプレゼント\n応募はこちらから！（※要ID）\n"
    assert boilerplate(text) == ["お食事券を1名様にプレゼント", "応募はこちらから！", "（※要ID）"]


def test_authors_unpunctuated_sign_off_is_not_boilerplate() -> None:
    assert boilerplate(f"題名\n\n{BODY}\n\nではまた\n") == []


def test_links_block_heading_is_heading_and_boilerplate_with_its_members() -> None:
    text = f"題名\n{BODY}\n\n【関連記事】\n・韓流スターに疑問の声(livedoorニュース)\n・別の記事\n"
    assert headings(text) == ["題名", "【関連記事】"]
    assert boilerplate(text) == ["【関連記事】", "・韓流スターに疑問の声(livedoorニュース)", "・別の記事"]


def test_profile_block_covers_its_prose() -> None:
    text = f"題名\n{BODY}\n\n■取材協力\n水谷 麻衣（みずたに まい）\nタレント。\n恋愛アドバイスを行っている。\n"
    assert boilerplate(text) == [
        "■取材協力",
        "水谷 麻衣（みずたに まい）",
        "タレント。",
        "恋愛アドバイスを行っている。",
    ]


def test_everything_after_a_provider_credit_is_site_chrome() -> None:
    text = f"題名\n{BODY}\n（情報提供元：@type）\n\n求人サイト\n求人サイトは、おすすめするコンテンツ。\n"
    assert boilerplate(text) == ["（情報提供元：@type）", "求人サイト", "求人サイトは、おすすめするコンテンツ。"]


def test_provider_credit_at_the_top_ends_nothing() -> None:
    body = "\n".join([BODY] * 4)
    text = f"題名\n（情報提供元：@type）\n\n{body}\n"
    assert boilerplate(text) == ["（情報提供元：@type）"]


def test_everything_after_a_closing_related_links_block_is_site_chrome() -> None:
    body = "\n".join([BODY] * 3)
    promo = "求人サイトは、あなたにおすすめするコンテンツ。"
    text = f"題名\n{body}\n\n■関連リンク\n・過去の記事一覧\n\n求人サイト\n{promo}\n"
    assert boilerplate(text) == ["■関連リンク", "・過去の記事一覧", "求人サイト", promo]
    # …but a later marked section means the article goes on after the links
    more = f"題名\n{BODY}\n\n■関連リンク\n・過去の記事一覧\n\n■後半の話題\n{body}\n"
    assert boilerplate(more) == ["■関連リンク", "・過去の記事一覧"]


def test_numbered_list_of_people_is_not_a_byline_block() -> None:
    text = f"題名\n{BODY}\n\n１．　お客様\n２．　取引先\n３．　社員\n\n{BODY}\n"
    assert boilerplate(text) == []


def test_series_standfirst_under_the_title_is_boilerplate_but_a_lead_is_not() -> None:
    blurb = "若手社会人の悩みは尽きないもの。そんな悩みに4姉妹がお答えします。"
    assert boilerplate(f"題名\n{blurb}\n\n{BODY}\n") == [
        "若手社会人の悩みは尽きないもの。",
        "そんな悩みに4姉妹がお答えします。",
    ]
    assert boilerplate(f"題名\n{BODY}\n\n{BODY}\n") == []


def test_affiliate_title_under_a_book_recommendation_is_boilerplate() -> None:
    text = f"題名\n\n{BODY}\n\nこの本は参考になりますから見てみてください。\n半径5メートルの野望\n\n\nスポンサーリンク\n\n{BODY}\n"
    assert boilerplate(text) == ["半径5メートルの野望", "スポンサーリンク"]


def test_trailing_product_lines_after_the_last_prose_are_boilerplate() -> None:
    text = f"題名\n{BODY}\n\n『海街diary』\n吉田秋生（1〜4巻）\n各530円\n"
    assert boilerplate(text) == ["『海街diary』", "吉田秋生（1〜4巻）", "各530円"]


# ---------------------------------------------------------------- sections and robustness


def test_sections_start_at_headings_and_title_sentences_share_one_section() -> None:
    text = f"ココが違う！-採用ウラ話\n{BODY}\n\n今回の説教\n\n{BODY}\n"
    _sents, st = analyse(text)
    assert st.section == [0, 0, 0, 0, 1, 1, 1]
    assert [(t, a, b) for t, a, b in st.sections] == [
        ("ココが違う！-採用ウラ話", 0, 3),
        ("今回の説教", 4, 6),
    ]


@pytest.mark.parametrize("text", ["", " \n\u3000", "一行だけ", "\r\n\r\n■\r\n", "（笑）", "「" * 50, "a\rb\rc"])
def test_degenerate_inputs(text: str) -> None:
    sents, st = analyse(text)
    assert len(st.heading) == len(st.boilerplate) == len(st.section) == len(sents)
    if sents:
        assert st.sections[0][1] == 0 and st.sections[-1][2] == len(sents) - 1


def test_component_writes_flags_cues_and_sections() -> None:
    import jinmyaku_nlp

    nlp = jinmyaku_nlp.load()
    doc = nlp(f"題名\n\n{BODY}\n\nスポンサーリンク\n")
    data: dict[str, Any] = doc._.jinmyaku_data
    first, ad = data["sentences"][0], data["sentences"][-1]
    assert first["heading"] and not first["boilerplate"]
    assert ad["boilerplate"] and ad["cues"][-1]["rule"] == "structure.boilerplate.ad"
    assert data["sections"][0]["title"] == "題名"


# ---------------------------------------------------------------- dev gold


def _resolve(text: str, quote: str | dict[str, Any]) -> tuple[int, int]:
    if isinstance(quote, str):
        i = text.index(quote)
        return i, i + len(quote)
    i = -1
    for _ in range(quote["nth"]):
        i = text.index(quote["text"], i + 1)
    return i, i + len(quote["text"])


@pytest.mark.shared
@pytest.mark.parametrize("label", ["headings", "boilerplate"])
def test_dev_gold_f1(label: str) -> None:
    gold_dir = SHARED / "gold"
    if not gold_dir.is_dir():
        pytest.skip(f"no dev gold at {gold_dir}")
    tp_sys = n_sys = tp_gold = n_gold = 0
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (gold_dir / gold["text_file"]).read_text(encoding="utf-8")
        spans = [(s.start, s.end) for s in split_sentences(text)]
        st = annotate_structure(text, spans)
        flags = st.heading if label == "headings" else st.boilerplate
        system = [sp for sp, f in zip(spans, flags, strict=True) if f]
        wanted = [_resolve(text, q) for q in gold[label]]

        def hit(a: tuple[int, int], b: tuple[int, int]) -> bool:
            return a[0] < b[1] and b[0] < a[1]

        tp_sys += sum(any(hit(s, g) for g in wanted) for s in system)
        tp_gold += sum(any(hit(s, g) for s in system) for g in wanted)
        n_sys += len(system)
        n_gold += len(wanted)
    p, r = tp_sys / n_sys, tp_gold / n_gold
    assert 2 * p * r / (p + r) >= 0.90


# ---------------------------------------------------------------- rules for unseen layouts (issue 4)


def test_trailing_link_titles_worded_as_headlines_are_not_the_authors_prose() -> None:
    text = f"題名\n\n{BODY}\n\n\n・新作が登場！\n・あの店の秘密とは？\n・週末のおでかけ情報\n"
    assert boilerplate(text) == ["・新作が登場！", "・あの店の秘密とは？", "・週末のおでかけ情報"]
    # a list inside the article, followed by prose, stays the author's
    inner = f"題名\n\n{BODY}\n\n・朝は白湯を飲む\n・夜は早く寝る\n\n{BODY}\n"
    assert boilerplate(inner) == []


def test_sign_off_exception_is_only_the_line_right_after_the_last_paragraph() -> None:
    text = f"題名\n\n{BODY}\n\nではまた\n\n■関連記事\n・表を手早く選択する\n"
    assert boilerplate(text) == ["■関連記事", "・表を手早く選択する"]
    data = f"題名\n\n{BODY}\n\n型番：AB-12\n出荷：5月より\n"
    assert boilerplate(data) == ["型番：AB-12", "出荷：5月より"]


def test_page_links_glued_after_the_last_sentence_keep_it_prose() -> None:
    text = f"題名\n\n{BODY}\n\n答え：それはないですね。絶対に行きません。1 2 3\n"
    assert boilerplate(text) == ["1 2 3"]


def test_site_link_lists_under_a_bracketed_or_marked_label_are_a_links_block() -> None:
    for label in ("【SITE おすすめコンテンツ】", "【 SITE 映画ニュース 】", "■SITE 製品レポート 最新記事"):
        text = f"題名\n\n{BODY}\n\n{label}\n・記事の一\n・記事の二\n"
        assert headings(text) == ["題名", label]
        assert boilerplate(text) == [label, "・記事の一", "・記事の二"]
    assert headings(f"題名\n\n{BODY}\n\n■ストーリー\n{BODY}\n") == ["題名", "■ストーリー"]


def test_numbered_lines_that_each_open_a_paragraph_are_section_headings() -> None:
    text = f"題名\n\n{BODY}\n\n1.重さ\n{BODY}\n\n2.硬さ\n{BODY}\n"
    assert headings(text) == ["題名", "1.重さ", "2.硬さ"]
    # a run of numbered steps is a list, and one numbered line alone is too little evidence
    steps = f"題名\n\n{BODY}\n\n1. 書き出す\n\n2. 見直す\n\n3. 繰り返す\n\n{BODY}\n"
    assert headings(steps) == ["題名"]
    single = f"題名\n\n{BODY}\n\n1. 書き出す\n\n{BODY}\n"
    assert headings(single) == ["題名"]


def test_numbered_lines_are_not_a_byline_block() -> None:
    text = f"題名\n\n{BODY}\n\n2.対象のお客様\n一部のお客様\n\n{BODY}\n"
    assert boilerplate(text) == []


def test_profile_under_a_name_line_late_in_the_article_is_a_credit() -> None:
    profile = "山田花子（料理研究家）\n大学卒業後、出版社を経て独立。著書に『台所の本』など。"
    text = f"題名\n\n{BODY}\n\n{BODY}\n\n{profile}\n"
    assert boilerplate(text) == ["山田花子（料理研究家）", "大学卒業後、出版社を経て独立。", "著書に『台所の本』など。"]
    assert "山田花子（料理研究家）" not in headings(text)
    # a short line over prose without a career summary is an ordinary section
    section = f"題名\n\n{BODY}\n\n{BODY}\n\n今回の結論\n{BODY}\n"
    assert boilerplate(section) == []


def test_caption_cues() -> None:
    for line in ("画面1　設定画面が表示される。", "写真一覧（12件）"):
        assert boilerplate(f"題名\n\n{BODY}\n\n{line}\n\n{BODY}\n") == [line]
    glued = f"題名\n\n{BODY}\n\n赤い帯のある車両\n（クリックで拡大）\n\n{BODY}\n"
    assert boilerplate(glued) == ["赤い帯のある車両", "（クリックで拡大）"]
    assert boilerplate(f"題名\n\n{BODY}\n\n画面の見方を覚えよう。\n\n{BODY}\n") == []


def test_bracketed_note_with_a_particle_or_predicate_is_not_a_credit() -> None:
    for line in ("（日本未入荷）", "（出力は合計で1.5Aです）"):
        assert boilerplate(f"題名\n\n{BODY}\n\n{line}\n\n{BODY}\n") == []


def test_writer_account_with_a_glued_column_name_is_a_byline() -> None:
    line = "山田太郎＠yamada［コラム名］"
    assert boilerplate(f"題名\n\n{BODY}\n\n{line}\n\n{BODY}\n") == [line]


def test_marked_line_that_is_a_finished_sentence_is_a_list_entry_not_a_heading() -> None:
    text = f"題名\n\n{BODY}\n\n●場所：部屋を暗くする。\n{BODY}\n"
    assert headings(text) == ["題名"]


def test_short_line_with_a_polite_predicate_before_a_remark_is_prose() -> None:
    text = f"題名\n\n{BODY}\n\n録画中も撮影できます（赤枠をタップ）\n\n{BODY}\n\n腕立て（胸の運動）\n\n{BODY}\n"
    assert headings(text) == ["題名", "腕立て（胸の運動）"]
