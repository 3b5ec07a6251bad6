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
