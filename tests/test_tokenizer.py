"""The fugashi tokenizer: exact text, features, chunking, pickling, multiprocessing."""

from __future__ import annotations

import pickle

import pytest
from spacy.language import Language

import jinmyaku_nlp
from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.pipeline import blank
from jinmyaku_nlp.tokenizer import CHUNK_CHARS, FugashiTokenizer

AWKWARD = [
    "",
    " ",
    "\n\n\n",
    "今日は\u3000\u3000いい\t天気\r\nです。",
    "a\x00b\x00",
    "🇯🇵👨‍👩‍👧e\u0301 か\u3099",
    "「」（）《》【】……！？!?",
    "ｱｲｳ ＡＢＣ １２３ ① ㈱",
    "\x0b\x0c\x1c\u2028\u2029\u0085\ufeff",
    "<p>タグ</p>&amp;",
    "あ" * (CHUNK_CHARS * 3 + 7),  # one long line: cut without a line break
    ("長い行です、" * 2000) + "\n" + "😀" * (CHUNK_CHARS + 1),
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return blank()


@pytest.mark.parametrize("text", AWKWARD, ids=range(len(AWKWARD)))
def test_doc_reproduces_the_text(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert doc.text == text
    assert all(t.text for t in doc)
    assert all(t.is_space for t in doc if t.tag_ == "空白")


def test_features_tag_pos_lemma_morph(nlp: Language) -> None:
    doc = nlp("いいです。ABC")
    by_text = {t.text: t for t in doc}
    ii = by_text["いい"]
    assert ii.tag_ == "形容詞-非自立可能" and ii.pos_ == "ADJ" and ii.lemma_ == "良い"
    assert ii.morph.get("Inflection") == ["形容詞;終止形-一般"]
    assert ii.morph.get("Reading") == ["イイ"] and ii.morph.get("Base") == ["いい"]
    assert by_text["ABC"].lemma_ == "ABC"  # no UniDic lemma: the word itself
    assert by_text["。"].pos_ == "PUNCT"


def test_tokens_lists_every_token(nlp: Language) -> None:
    tokens = list(nlp.tokenizer.tokens("今日は 晴れ"))
    assert "".join(w for w, _ in tokens) == "今日は 晴れ"
    assert tokens[2] == (" ", ("空白", "SPACE", "", " "))


def test_lone_surrogates_are_an_input_error(nlp: Language) -> None:
    with pytest.raises(InputError, match="surrogate"):
        nlp("a\ud800b")


def test_pickles_and_rebuilds_its_tagger(nlp: Language) -> None:
    tok = pickle.loads(pickle.dumps(nlp.tokenizer))
    assert isinstance(tok, FugashiTokenizer)
    assert [t.text for t in tok("猫が好き")] == [t.text for t in nlp.tokenizer("猫が好き")]


def test_pipe_with_two_processes() -> None:
    nlp = jinmyaku_nlp.load()
    texts = [f"{k}回目。確かに大切です。でも足りません。" for k in range(6)]
    single = [d._.jinmyaku.to_json() for d in nlp.pipe(texts)]
    double = [d._.jinmyaku.to_json() for d in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert double == single


@pytest.mark.parametrize("text", [*AWKWARD, "EOS", "EOS\nEOS\t", "a\tb\nc", "ＥＯＳ。"], ids=range(len(AWKWARD) + 4))
def test_text_output_and_nodes_agree(nlp: Language, text: str) -> None:
    """MeCab's text output (the fast path) gives the words and rows its nodes give."""
    from jinmyaku_nlp.tokenizer import _chunks, _feedable

    tok = nlp.tokenizer
    for start, end in _chunks(text):
        chunk = text[start:end]
        fed = _feedable(chunk)
        lines = tok._tagger.parse(fed).split("\n")
        by_text: tuple[list[str], list[int]] = ([], [])
        by_nodes: tuple[list[str], list[int]] = ([], [])
        assert lines.pop() == "EOS"
        assert tok._tag_lines(chunk, fed, lines, *by_text)
        tok._tag_nodes(chunk, fed, *by_nodes)
        assert by_text == by_nodes


@pytest.mark.parametrize(
    "text",
    [*AWKWARD, "今日は 晴れ。\n\n明日は\t雨。\n", " 先頭と末尾 ", "\u3000字下げ\n\u3000\n", "a\r\nb", "EOS\nEOS"],
    ids=range(len(AWKWARD) + 5),
)
def test_bulk_path_agrees_with_the_line_path(nlp: Language, text: str) -> None:
    """The bulk path (no Python step per token) gives _tag_lines' words and rows, or declines."""
    from jinmyaku_nlp.tokenizer import _chunks, _feedable

    tok = nlp.tokenizer
    for start, end in _chunks(text):
        chunk = text[start:end]
        fed = _feedable(chunk)
        out = tok._tagger.parse(fed)
        by_bulk: tuple[list[str], list[int]] = ([], [])
        by_lines: tuple[list[str], list[int]] = ([], [])
        took = fed is chunk and tok._tag_bulk(chunk, out, *by_bulk)  # NUL: the line path only
        lines = out.split("\n")
        assert lines.pop() == "EOS"
        assert tok._tag_lines(chunk, fed, lines, *by_lines)
        assert by_bulk == (by_lines if took else ([], []))


def test_bulk_path_takes_ordinary_text(nlp: Language) -> None:
    text = "\u3000確かに大切です。 でも、それだけでは足りません。\n\nＡＢＣ abc\r\n"
    assert nlp.tokenizer._tag_bulk(text, nlp.tokenizer._tagger.parse(text), [], [])


def test_tokenizer_table_is_what_the_doc_says(nlp: Language) -> None:
    """The token table the tokenizer hands to the later stages equals a fresh read of the Doc, and
    a component that changes a token's lemma in between is seen."""
    from jinmyaku_nlp.pipeline import _read_tokens, doc_tokens

    for text in AWKWARD[:10]:
        assert doc_tokens(nlp.make_doc(text)) == _read_tokens(nlp.make_doc(text))
    doc = nlp.make_doc("走れ。走る。")
    doc[0].lemma_ = "駆ける"
    assert doc_tokens(doc).lemma[0] == "駆ける"
