"""Property tests: on generated Japanese-like text every analysis keeps the §5 invariants.

Offsets index the text, sentences cover all non-whitespace, pattern roles and claims point at real
sentences, and the output is deterministic (two ``to_json`` calls, and two analyses, are identical).
The invariant checker is the one in ``test_hostile`` (also used by ``tools/fuzz.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile import assert_complete

import jinmyaku_nlp

HIRAGANA = [chr(c) for c in range(0x3041, 0x3097)]
KATAKANA = [chr(c) for c in range(0x30A1, 0x30FB)]
KANJI = list("人脈大切質量会社私僕彼考思言行見本当一番違理由結果意味問題答簡単必要重要成功失敗")
PUNCT = list("。、！？!?「」『』（）()…ー〜・")
SPACE = [" ", "\u3000", "\t", "\n", "\n\n", "\r\n", "\r"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "♥\ufe0f", "か\u3099"]
#: words carrying the cues the detectors look for, so patterns and claims actually fire
CUE_WORDS = [
    "確かに",
    "でも",
    "しかし",
    "つまり",
    "なぜなら",
    "からです",
    "ではなく",
    "一方",
    "でしょうか",
    "ですか",
    "ましょう",
    "てください",
    "べきです",
    "とは",
    "誰でも",
    "だから",
    "要するに",
    "ぜんぜん違います",
    "本当によく聞きますよね",
    "最後に",
]

pieces = st.one_of(
    st.text(st.sampled_from(HIRAGANA + KATAKANA + KANJI), min_size=1, max_size=8),
    st.sampled_from(PUNCT),
    st.sampled_from(SPACE),
    st.sampled_from(EMOJI),
    st.sampled_from(CUE_WORDS),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=3),
)
japanese_like = st.lists(pieces, max_size=60).map("".join)

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the suite is reproducible; tools/fuzz.py explores at scale with fresh seeds
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    return jinmyaku_nlp.load()


@PROPERTY_SETTINGS
@given(text=japanese_like)
def test_offsets_coverage_and_indices_hold(nlp: Any, text: str) -> None:
    a = jinmyaku_nlp.analyze(text, id="prop", nlp=nlp)
    assert a.text == text
    assert_complete(a)


@PROPERTY_SETTINGS
@given(text=japanese_like)
def test_output_is_deterministic(nlp: Any, text: str) -> None:
    first = jinmyaku_nlp.analyze(text, id="prop", nlp=nlp)
    assert first.to_json() == first.to_json()
    second = jinmyaku_nlp.analyze(text, id="prop", nlp=nlp)
    assert second.to_json() == first.to_json()


@PROPERTY_SETTINGS
@given(text=japanese_like, enc=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp932", "euc_jp"]))
def test_encoded_bytes_analyse_or_fail_typed(nlp: Any, text: str, enc: str) -> None:
    data = text.encode(enc, errors="replace")
    try:
        a = jinmyaku_nlp.analyze(data, id="prop", nlp=nlp)
    except jinmyaku_nlp.InputError as exc:
        assert str(exc)
        return
    assert_complete(a)
