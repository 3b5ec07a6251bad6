"""spaCy interop: components in user pipelines, config round trips, serialization, multiprocessing."""

from __future__ import annotations

import importlib.util
import pickle

import pytest
import spacy
from spacy.tokens import Doc, DocBin

import jinmyaku_nlp
from jinmyaku_nlp.pipeline import COMPONENTS, SPANS_ACTS, SPANS_PATTERNS, SPANS_SENTENCES, blank

TEXT = (
    "「成功するには人脈が一番だ」とよく聞きますよね。\n\n"
    "ぜんぜん違います。\n\n"
    "確かに人脈は大切です。でも、それだけでは足りません。\n"
    "つまり。\n自分を磨くことが先なんです。\n"
    "あなたはどう思いますか?\n"
    "まずは自分の価値を高めましょう。"
)


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return jinmyaku_nlp.load()


@pytest.fixture(scope="module")
def reference(nlp: spacy.language.Language) -> dict:
    return nlp(TEXT)._.jinmyaku.to_dict()


def test_load_has_all_components_in_order(nlp: spacy.language.Language) -> None:
    assert nlp.pipe_names == list(COMPONENTS)
    doc = nlp(TEXT)
    assert doc.text == TEXT
    analysis = doc._.jinmyaku
    assert analysis is not None and analysis.sentences
    assert {SPANS_SENTENCES, SPANS_ACTS, SPANS_PATTERNS} <= set(doc.spans)
    # doc.sents agrees with the analysis' sentences (token-aligned)
    assert len(list(doc.sents)) >= len(analysis.sentences)


def test_tokens_carry_unidic_features(nlp: spacy.language.Language) -> None:
    doc = nlp.make_doc("やめておきましょう。知れ")
    by_text = {t.text: t for t in doc}
    assert by_text["ましょう"].tag_ == "助動詞"
    assert by_text["ましょう"].morph.get("Inflection") == ["助動詞-マス;意志推量形"]
    assert by_text["ましょう"].lemma_ == "ます"
    assert by_text["知れ"].pos_ == "VERB"
    assert by_text["知れ"].morph.get("Inflection")[0].endswith(";命令形")
    assert by_text["知れ"].morph.get("Reading") == ["シレ"]


def test_user_pipeline_with_fugashi_tokenizer(reference: dict) -> None:
    user = blank()
    for name in COMPONENTS:
        user.add_pipe(name)
    assert user(TEXT)._.jinmyaku.to_dict() == reference


def test_components_need_the_segmenter_first() -> None:
    user = blank()
    user.add_pipe("jinmyaku_acts")
    with pytest.raises(ValueError, match="jinmyaku_segmenter"):
        user(TEXT)


@pytest.mark.skipif(importlib.util.find_spec("sudachipy") is None, reason="SudachiPy (extra 'sudachi') not installed")
def test_user_pipeline_with_spacy_japanese_tokenizer() -> None:
    user = spacy.blank("ja")  # spaCy's own Japanese tokenizer (SudachiPy)
    for name in COMPONENTS:
        user.add_pipe(name)
    doc = user(TEXT)
    a = doc._.jinmyaku
    assert doc.text == TEXT
    for s in a.sentences:
        assert TEXT[s.start : s.end] == s.text
    types = {p.type for p in a.patterns}
    assert {"restatement", "concession"} <= types
    acts = {act for s in a.sentences for act in s.acts}
    assert {"question", "call_to_action"} <= acts


def test_config_round_trip(nlp: spacy.language.Language, reference: dict) -> None:
    config = nlp.config
    rebuilt = spacy.util.load_model_from_config(config, auto_fill=True)
    assert rebuilt.pipe_names == nlp.pipe_names
    assert rebuilt.config.to_str() == config.to_str()
    assert rebuilt(TEXT)._.jinmyaku.to_dict() == reference


def test_to_disk_and_spacy_load(nlp: spacy.language.Language, reference: dict, tmp_path) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert loaded(TEXT)._.jinmyaku.to_dict() == reference


def test_lexicons_config_round_trips(tmp_path) -> None:
    cue = tmp_path / "my_acts.jsonl"
    cue.write_text(
        '{"rule": "user.cta.yoroshiku", "label": "call_to_action", "regex": "よろしくお願いします$", "where": "end"}\n',
        encoding="utf-8",
    )
    custom = jinmyaku_nlp.load(lexicons={"jinmyaku_acts": [cue]})
    doc = custom("明日までに提出をよろしくお願いします。")
    assert doc._.jinmyaku.sentences[0].acts == ["call_to_action"]
    assert doc._.jinmyaku.sentences[0].cues[-1].rule == "user.cta.yoroshiku"
    rebuilt = spacy.util.load_model_from_config(custom.config, auto_fill=True)
    assert rebuilt.get_pipe("jinmyaku_acts").lexicons == [str(cue)]


def test_docbin_round_trip_keeps_analysis_and_spans(nlp: spacy.language.Language, reference: dict) -> None:
    doc = nlp(TEXT)
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    (restored,) = DocBin().from_bytes(data).get_docs(nlp.vocab)
    assert restored._.jinmyaku.to_dict() == reference
    for key in (SPANS_SENTENCES, SPANS_ACTS, SPANS_PATTERNS):
        assert [(s.start_char, s.end_char, s.label_) for s in restored.spans[key]] == [
            (s.start_char, s.end_char, s.label_) for s in doc.spans[key]
        ]
    assert [t.tag_ for t in restored] == [t.tag_ for t in doc]
    assert [str(t.morph) for t in restored] == [str(t.morph) for t in doc]


def test_doc_to_bytes_round_trip(nlp: spacy.language.Language, reference: dict) -> None:
    doc = nlp(TEXT)
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert restored._.jinmyaku.to_dict() == reference
    assert [t.lemma_ for t in restored] == [t.lemma_ for t in doc]


def test_tokenizer_and_pipeline_pickle(nlp: spacy.language.Language, reference: dict) -> None:
    tok = pickle.loads(pickle.dumps(nlp.tokenizer))
    assert tok(TEXT).text == TEXT
    clone = pickle.loads(pickle.dumps(nlp))
    assert clone(TEXT)._.jinmyaku.to_dict() == reference


def test_pipe_with_two_processes(nlp: spacy.language.Language, reference: dict) -> None:
    texts = [TEXT, "短い文です。", TEXT]
    docs = list(nlp.pipe(texts, n_process=2, batch_size=1))
    assert [d.text for d in docs] == texts
    assert docs[0]._.jinmyaku.to_dict() == reference
    assert docs[2]._.jinmyaku.to_dict() == reference


def test_analysis_reachable_from_doc_matches_analyze(nlp: spacy.language.Language) -> None:
    doc = nlp(TEXT)
    via_api = jinmyaku_nlp.analyze(TEXT, id="x", nlp=nlp)
    d = doc._.jinmyaku.to_dict()
    d["id"] = "x"
    assert d == via_api.to_dict()
