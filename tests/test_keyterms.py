"""Key terms (jinmyaku_nlp.keyterms): noun runs, quoting, scores, and the one-pass token walk."""

from __future__ import annotations

import pytest
from spacy.language import Language

import jinmyaku_nlp
from jinmyaku_nlp.keyterms import noun_phrases, sentence_content_words, sentence_noun_phrases

TEXT = (
    "今日のコラム\n\n"
    "「良質な人脈」は一日では作れません。\n"
    "良質な人脈を持つ人は、まず相手に何かを与えています。\n"
    "だから良質な人脈が自然に集まるのです。\n"
    "交流会の名刺交換だけでは人脈は広がりません。\n"
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return jinmyaku_nlp.load()


def test_quoted_repeated_term_ranks_first(nlp: Language) -> None:
    terms = nlp(TEXT)._.jinmyaku_data["key_terms"]
    assert terms[0]["term"] == "良質な人脈"
    assert terms[0]["quoted"] is True and terms[0]["count"] == 3 and terms[0]["score"] == 1.0
    assert all(0 < t["score"] <= 1.0 for t in terms)
    assert not [t for t in terms if t["term"] in ("こと", "もの", "私")]


def test_one_pass_walk_matches_per_sentence_spans(nlp: Language) -> None:
    texts = [TEXT, "  前置き\u3000です。\n\n短い。\n😀絵文字の後の名詞句も拾えるか確認する。\n", "一文だけ"]
    for text in texts:
        doc = nlp(text)
        sents = doc._.jinmyaku_data["sentences"]
        walked = list(sentence_noun_phrases(doc, sents))
        assert [s["i"] for s, _ in walked] == [s["i"] for s in sents]
        for s, terms in walked:
            assert terms == noun_phrases(doc, s["start"], s["end"])


def test_empty_text_has_no_terms(nlp: Language) -> None:
    assert nlp("")._.jinmyaku_data["key_terms"] == []


def test_content_words_skip_grammar(nlp: Language) -> None:
    doc = nlp("幸福について\n\n幸福は人格であると思う。\n")
    title, body = sentence_content_words(doc, doc._.jinmyaku_data["sentences"])
    assert title == {"幸福"}  # について is grammar, not topic
    assert body == {"幸福", "人格"}  # と思う neither


def test_noun_phrases_read_the_char_span_tokens(nlp: Language) -> None:
    from jinmyaku_nlp.keyterms import _runs

    doc = nlp("  前置き\u3000です。 良質な人脈 と 交流会 です。\n\n短い。\n")
    for s in doc._.jinmyaku_data["sentences"]:
        span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
        toks = list(span) if span is not None else []
        want = _runs([t.text for t in toks], [t.tag_ for t in toks], 0, len(toks))
        assert noun_phrases(doc, s["start"], s["end"]) == want


def test_content_words_per_token_cache_keeps_sentences_apart(nlp: Language) -> None:
    doc = nlp("人脈の話\n\n人脈は財産だ。\n財産は人脈だ。\n交流会に行く。\n")
    words = sentence_content_words(doc, doc._.jinmyaku_data["sentences"])
    assert words[1] == words[2] == {"人脈", "財産"}
    assert "交流" in "".join(words[3]) and "人脈" not in words[3]
