"""displaCy span views of a processed Doc and of an Analysis record."""

from __future__ import annotations

import lxml.html
import pytest
from spacy.tokens import Doc

import jinmyaku_nlp
from jinmyaku_nlp.errors import InputError
from jinmyaku_nlp.pipeline import SPANS_ACTS, SPANS_CLAIMS, SPANS_PATTERNS
from jinmyaku_nlp.record import Analysis, Pattern, Sentence
from jinmyaku_nlp.visualize import LAYERS, layer_colors, manual_data, render_spans, spans_data

TEXT = "人脈って何だと思いますか？確かに人脈は大切です。でも、それだけでは足りません。一緒に考えてみましょう。"


@pytest.fixture(scope="module")
def doc() -> Doc:
    return jinmyaku_nlp.load()(TEXT)


def char_spans(data: dict) -> list[tuple[int, int, str]]:
    """Character spans back from displaCy's manual format (token offsets summed up)."""
    starts = [0]
    for tok in data["tokens"]:
        starts.append(starts[-1] + len(tok))
    return sorted((starts[s["start_token"]], starts[s["end_token"]], s["label"]) for s in data["spans"])


@pytest.mark.parametrize("layer", list(LAYERS))
def test_doc_layer_renders_its_span_group(doc, layer):
    group = doc.spans[LAYERS[layer]]
    data = spans_data(doc, layer)
    assert "".join(data["tokens"]) == doc.text
    assert char_spans(data) == sorted((s.start_char, s.end_char, s.label_) for s in group)
    html = render_spans(doc, layer, page=False)
    for span in group:
        assert span.label_ in html
        assert layer_colors(layer)[span.label_] in html


def test_the_sample_has_every_layer(doc):
    assert len(doc.spans[SPANS_ACTS]) and len(doc.spans[SPANS_PATTERNS]) and len(doc.spans[SPANS_CLAIMS])


@pytest.mark.parametrize("layer", list(LAYERS))
def test_analysis_gives_the_same_spans_as_the_doc(doc, layer):
    from_doc = char_spans(spans_data(doc, layer))
    from_record = char_spans(spans_data(doc._.jinmyaku, layer))
    from_dict = char_spans(spans_data(doc._.jinmyaku.to_dict(), layer))
    assert from_record == from_doc == from_dict


def test_overlapping_spans_stack():
    text = "確かに大切です。"
    a = Analysis(
        "ov",
        text,
        sentences=[Sentence(0, 0, len(text), text, acts=["generalization", "summary"])],
        patterns=[Pattern("p0", "contrast", {"a": [0], "b": [0]})],
    )
    html = render_spans(a, "patterns", page=False)
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    labels = [el.text_content() for el in tree.xpath("//span[contains(@style, 'z-index: 10')]")]
    assert sorted(labels) == ["contrast.a", "contrast.b"]
    tops = {
        el.getparent().get("style").split("top: ")[1].split("px")[0]
        for el in tree.xpath("//span[contains(@style, 'z-index: 10')]")
    }
    assert len(tops) == 2  # drawn at two heights, not on top of each other
    assert sorted(s["label"] for s in spans_data(a, "acts")["spans"]) == ["generalization", "summary"]


def test_page_and_fragment(doc):
    page = render_spans(doc, "acts", page=True)
    assert page.lstrip().startswith("<!DOCTYPE html>") and 'lang="ja"' in page
    assert "<html" not in render_spans(doc, "acts", page=False)


def test_uncovered_text_is_one_token_and_no_space_is_added_inside_spans():
    data = manual_data("あいうえおかきくけこ", [(2, 5, "x")], token_cuts=range(1, 10))
    assert data["tokens"] == ["あい", "う", "え", "お", "かきくけこ"]
    html = render_spans(
        Analysis("t", "あいう。", sentences=[Sentence(0, 0, 4, "あいう。", acts=["summary"])]), "acts", page=False
    )
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    assert "あいう。" in text.replace("summary", "")


def test_markup_in_the_text_labels_or_title_stays_text():
    text = "<script>alert(1)</script><img src=x onerror=alert(2)>です。"
    a = Analysis("<b>id</b>", text, sentences=[Sentence(0, 0, len(text), text, acts=["<i>act</i>"])])
    html = render_spans(a, "acts", page=True)
    tree = lxml.html.document_fromstring(html)
    assert not tree.xpath("//script") and not tree.xpath("//img") and not tree.xpath("//b") and not tree.xpath("//i")
    shown = tree.text_content().replace(" ", "")
    assert "<b>id</b>" in shown and "<i>act</i>" in shown  # title and label, as text
    assert "<script>alert(1)</script>" in shown.replace("<i>act</i>", "")


def test_bad_layer_and_unprocessed_doc_are_typed_errors(doc):
    with pytest.raises(InputError, match="unknown layer"):
        render_spans(doc, "entities")
    blank = jinmyaku_nlp.pipeline.blank()("人脈です。")
    with pytest.raises(InputError, match=r"jinmyaku_nlp\.load\(\)"):
        render_spans(blank, "acts")
    with pytest.raises(InputError, match="needs a Doc"):
        render_spans("text", "acts")  # type: ignore[arg-type]


def test_user_colours_override_the_defaults(doc):
    html = render_spans(doc, "acts", page=False, options={"colors": {"question": "#123456"}})
    assert "#123456" in html
