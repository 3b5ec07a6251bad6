"""Core claims: candidates, kind, stance, topic/predicate, and an explained ranking.

Every body sentence that asserts something is a candidate. Its score is a sum of named
signals (``SIGNALS``) — prescriptive or evaluative mood, definitions, generalizations, the
roles it plays in patterns (reversal targets, restatements, answers, concession claims),
key-term coverage, exclusive, superlative or corrective focus (``emphasis``: 最も, こそ, …のみ,
むしろ, かえって), content words shared with the title or section heading (``title_words``), being
among the article's last candidate sentences (``final``: columns close on their conclusion),
opening or closing a paragraph (``paragraph_edge``: a paragraph's topic sentence or its
conclusion; the sentences between mostly illustrate) and opening an interviewee's or adviser's
turn (``answer_turn``: 水谷：…, A：… — an answer's first sentence states its point) — less
penalties for narrative past, hearsay and reported speech (…と語る, …だそうだ), requests for
information (教えてください), quoted third parties and very short lines. The signals are kept on
the claim so a rank can be explained. Weights are round numbers checked on the dev gold; signals
that measured no better than zero there (section ends, sentence-final のだ/である,
first-sentences position, neighbour de-duplication, a per-paragraph or per-section diversity
penalty, a ranking bonus for impersonal obligation …ねばならぬ, LexRank-style lexical centrality,
a bonus for the answer to a question that echoes the title, dropping the weaker pattern rules'
roles) were left out. The belief that a reversal overturns is a claim with stance ``rejected``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.keyterms import sentence_content_words
from jinmyaku_nlp.lexicon import TRAIL, load_wordlist
from jinmyaku_nlp.patterns import REPLY_COURTESY, speaker
from jinmyaku_nlp.pipeline import SPANS_CLAIMS, doc_tokens, state

#: points each signal adds to a candidate's score
SIGNALS: dict[str, float] = {
    "prescription": 1.6,
    "definition": 1.8,
    "evaluation": 1.0,
    "generalization": 1.0,
    "rhetorical_question": 0.8,
    "rejected_belief": 2.2,
    "reversal_target": 1.4,
    "restatement": 1.8,
    "answer": 1.2,
    "concession_claim": 1.2,
    "reason_claim": 0.8,
    "contrast": 0.6,
    "key_terms": 0.6,
    "topic_key_term": 0.9,
    "conclusion": 0.8,
    "closing_cue": 0.5,
    "title_words": 1.0,
    "final": 1.5,
    "negated_assertion": 0.3,
    "emphasis": 1.0,
    "paragraph_edge": 0.5,
    "answer_turn": 0.8,
    "short": -1.5,
    "narrative": -0.8,
    "third_party_quote": -0.6,
    "reported": -0.6,
    "request": -1.0,
}
_ROLE_SIGNALS = (
    ("reversal.reversal", "reversal_target"),
    ("restatement.restatement", "restatement"),
    ("question_answer.answer", "answer"),
    ("concession.claim", "concession_claim"),
    ("reason.claim", "reason_claim"),
    ("contrast.a", "contrast"),
    ("contrast.b", "contrast"),
)
MIN_CHARS = 6
#: below this many characters a sentence rarely carries a claim of its own (でも…。 はいこれ。), unless it
#: tells the reader what to do: a short directive (体当たりは禁物。) is whole advice
SHORT_CHARS = 9
#: a question setup's declarative shorter than this is an acknowledgement (そうですよね。), not a view
PRESUMPTION_CHARS = 16
MAX_CLAIMS = 30
#: the article's last this-many candidate sentences earn ``final``
FINAL_SENTENCES = 2
#: a candidate needs more than this many points to be listed at all
MIN_SCORE = 0.3
_TOPIC = re.compile(r"^(.{1,30}?)(?:とは|というのは|って|は|こそ|も)[、，]?")
_NARRATIVE = re.compile(r"^(?:私は|僕は|俺は|私が|僕が)|(?:ました|でした|だった|た)$")
#: the author's concluding frame at a sentence's end: …といえるだろう, …とも言えそうだ, …ことがよくわかる
_CONCLUDING_FRAME = (
    r"と(?:も)?(?:いえ|言え)(?:る(?:だろう|でしょう)?|ます|そうだ|そうです|よう)"
    r"|(?:という)?ことが(?:よく)?(?:わかる|分かる|わかります|分かります)"
)
#: the author drawing a conclusion: 要は…, やはり…, このように…, そう考えると…, a concluding frame,
#: …ということだ, …にほかならぬ
_CONCLUSION = re.compile(
    r"^(?:[^、。]{0,4}[：:])?(?:要は|やはり|やっぱり|結局|要するに|いずれにしても|このように|こんなふうに|以上のように"
    r"|(?:そう|こう)(?:考える|見る)と)"
    rf"|(?:{_CONCLUDING_FRAME}|ということ(?:だ|です|である)?|にほかならぬ|にほかならない|のである)$"
)
#: exclusive, superlative or corrective focus marks the point the author insists on: 最も…, …のみ,
#: …こそ, 一番…, …にほかならない, むしろ… (AでなくむしろB), かえって… (against what one would expect);
#: a ranking by count or distance (最も多く…, 一番近い…) describes rather than insists
_EMPHASIS = re.compile(r"(?:最も|一番)(?!多|少|近|遠)|こそ|のみ|にほかなら|他ならない|むしろ|かえって|却って")
#: a hedged statement that only looks like a question: …といったところか, …というわけだろうか
_HEDGE = re.compile(r"(?:ところ|わけ)(?:か|だろうか|でしょうか)$")
#: a closing cue that announces or thanks rather than argues
_META_SUMMARY = re.compile(r"いかが(?:でした|だった)|^以上|ご(?:紹介|説明)しました|ありがとうございま")
#: hearsay and reported speech: …と語る(のは…), …そうだ, …という, …によると. Hearsay そうだ follows a
#: sentence-final form (響くそうだ, ないそうだ, だったそうだ); after a stem it is the author's own
#: conjecture (よさそうだ, 言えそうだ), which asserts rather than passes a view on
_REPORTED = re.compile(
    r"(?:と(?:語|話|言|明か|説明|指摘|分析|述べ|証言)(?:る|す|う|した|った|していた|している|してくれた)(?:のは.{1,20})?|(?<=[うくぐすつぬぶむるいただ])(?:そうだ|そうです)|という|とのこと(?:だ|です)?)$"
    r"|によると|によれば"
)
#: a quote that is the whole sentence, bar its speaker's particulars: 「…」, 「…」（33歳）, 「…」（Aさん・会社員）
_THIRD_PARTY = re.compile(r"^「.*」(?:[（(][^）)「」]{1,30}[）)])?[。．]?$", re.DOTALL)
#: the author's epistemic frame around a judgement (…危険な行為だということがよくわかる, …大切だと思う,
#: …といえるだろう): the value sits before it
_FRAME = re.compile(
    rf"(?:{_CONCLUDING_FRAME}|(?:ということ|こと|の)?(?:が|も)?(?:よく)?(?:わかる|分かる|わかります|分かります|できる|できます)"
    r"|と(?:私は)?(?:思|考)(?:う|います|われる|えます|える)|(?:の)?では(?:ない|ありません)(?:だろう|でしょう)?か)$"
)
#: a pseudo-cleft 〜ことが、N です / 〜ものがNである: group 1 is the focus N
_CLEFT = re.compile(r"(?:こと|もの|の)が、?([^、。「」]{1,10}?)(?:です|だ|である|なのです|なんです)[。！!]?$")
#: a request for information (a reader's letter, a survey item), not advice to the reader
_REQUEST = re.compile(r"教えて(?:ください|下さい|くれ|ほしい|欲しい)")
#: "what matters is…": 大切なのは…, 最も重要なのが… judge a value whatever their predicate
_VALUE_FRAME = re.compile(r"^(?:[^、。]{0,20})?(?:大切|大事|重要|肝心|必要)なの(?:は|が)")


def claim_kind(s: dict[str, Any], evaluative: frozenset[str], terms: Sequence[str] = ()) -> tuple[str, str | None]:
    """The claim kind of sentence ``s`` and the ranking signal it earns (None for a thesis).

    ``terms``: the article's head key terms; a pseudo-cleft whose focus is one of them defines it
    (…を互いに交換できることが、恋愛です in a column about 恋愛).
    """
    acts = s["acts"]
    if "definition" in acts:
        return "definition", "definition"
    cleft = _CLEFT.search(s["text"])
    if cleft is not None and any(t in cleft.group(1) for t in terms):
        return "definition", "definition"
    if _VALUE_FRAME.search(s["text"]):
        return "evaluation", "evaluation"
    if "call_to_action" in acts:
        return "prescription", "prescription"
    if s.get("features", {}).get("modality") in ("obligation", "prohibition"):
        # …ねばならぬ, …てはいけない say what to do impersonally; as a ranking signal (1.0) this
        # measured worse on the dev gold (precision@K -0.03), so it only sets the kind
        return "prescription", None
    # the judgement must sit in the predicate: 幸福は表現的なものである is about 幸福, not a value
    _, predicate = _topic_predicate(s["text"])
    tail = _FRAME.sub("", predicate)[-14:]
    if any(w in tail for w in evaluative):
        return "evaluation", "evaluation"
    return "thesis", None


def _topic_predicate(text: str) -> tuple[str, str]:
    body = text.lstrip("「『（( \u3000")
    m = _TOPIC.match(body)
    topic = m.group(1) if m else ""
    core = TRAIL.sub("", body)
    cut = max(core.rfind("、"), core.rfind("，"), len(topic))
    predicate = core[cut + 1 :] if cut >= 0 else core
    return topic, predicate.strip("、 ")


def rejected_setups(sents: list[dict[str, Any]], patterns: list[dict[str, Any]]) -> dict[int, str]:
    """Sentence index -> id of the belief reversal that overturns it (the straw man).

    A sentence that both states and denies a view (〜と考えることは間違っている) asserts the
    denial, so it stays endorsed; a setup question is rejected only when it quotes the view.
    """
    rejected: dict[int, str] = {}
    for p in patterns:
        if p["type"] != "reversal":
            continue
        denial = set(p["roles"]["reversal"])
        belief = p["attrs"].get("setup") == "belief"
        for k in p["roles"]["setup"]:
            s = sents[k]
            if k in denial:
                continue
            quoted = s["text"].startswith(("「", "『"))
            if belief and not quoted and len(s["text"]) < PRESUMPTION_CHARS:
                continue  # 本当によく聞きますよね: points at the view, is not one
            if belief and (quoted or "question" not in s["acts"] or s["heading"]):
                rejected[k] = p["id"]
            elif (
                p["attrs"].get("setup") == "question"
                and "question" not in s["acts"]
                and len(s["text"]) >= PRESUMPTION_CHARS
            ):
                rejected[k] = p["id"]  # the presumed answer voiced before the question is overturned
    return rejected


def _candidate(s: dict[str, Any], roles: dict[str, list[str]], rejected: bool) -> bool:
    """Whether a sentence may carry a claim at all (questions only when they assert or answer)."""
    if s["boilerplate"] or (s["heading"] and not rejected):
        return False
    acts = s["acts"]
    if "question" in acts and "rhetorical_question" not in acts and not rejected:
        # …てみてはいかがでしょうか urges; …といったところか states
        if "question_answer.answer" not in roles and "call_to_action" not in acts and not _hedged_assertion(s):
            return False
    if REPLY_COURTESY.search(s["text"]):
        return False  # パトラさん、はじめまして。 …と申します。 greets the reader, claims nothing
    if "summary" in acts and _META_SUMMARY.search(s["text"]):
        return False  # いかがでしたか, 以上、…を紹介しました: about the article, not the argument
    return len(s["text"]) >= MIN_CHARS or rejected or "restatement.restatement" in roles


def _roles(sents: list[dict[str, Any]], patterns: list[dict[str, Any]]) -> dict[int, dict[str, list[str]]]:
    """Sentence index -> ``"type.role"`` -> ids of the patterns in which it plays that role.

    Of an answer that runs over several sentences only its head plays the role here: the first
    sentence that says something (そうなんです。 only opens it; what follows the head elaborates).
    """
    roles: dict[int, dict[str, list[str]]] = {}
    for p in patterns:
        for role, idx in p["roles"].items():
            if p["type"] == "question_answer" and role == "answer" and idx:
                idx = [next((k for k in idx if len(sents[k]["text"]) >= SHORT_CHARS), idx[0])]
            for k in idx:
                roles.setdefault(k, {}).setdefault(f"{p['type']}.{role}", []).append(p["id"])
    return roles


def _heading_words(sents: list[dict[str, Any]], words: Sequence[frozenset[str]]) -> dict[int, frozenset[str]]:
    """Section number -> content words of the article title and of that section's own heading.

    The title is the first heading before any body text (livedoor: after the URL and date lines).
    """
    title: frozenset[str] = frozenset()
    own: dict[int, frozenset[str]] = {}
    seen_body = False
    for s in sents:
        if s["boilerplate"]:
            continue
        if not s["heading"]:
            seen_body = True
            continue
        if not seen_body and not title:
            title = words[s["i"]]
        else:
            own[s["section"]] = own.get(s["section"], frozenset()) | words[s["i"]]
    sections = {s["section"] for s in sents}
    return {sec: title | own.get(sec, frozenset()) for sec in sections}


def paragraph_edges(sents: list[dict[str, Any]], text: str) -> set[int]:
    """Indices of body sentences that open or close their paragraph (a line break before or after).

    Writers put a paragraph's point at its edges: its topic sentence first or its conclusion last;
    the sentences in between mostly illustrate.
    """
    body = [s for s in sents if not s["boilerplate"] and not s["heading"]]
    edges: set[int] = set()
    for j, s in enumerate(body):
        before = j == 0 or "\n" in text[body[j - 1]["end"] : s["start"]]
        after = j + 1 == len(body) or "\n" in text[s["end"] : body[j + 1]["start"]]
        if before or after:
            edges.add(s["i"])
    return edges


def _hedged_assertion(s: dict[str, Any]) -> bool:
    """成功する合コンは気配りと予算配分といったところか: a question mark of style, not a question."""
    return bool(_HEDGE.search(TRAIL.sub("", s["text"])))


def rank_claims(
    sents: list[dict[str, Any]],
    patterns: list[dict[str, Any]],
    key_terms: list[dict[str, Any]],
    limit: int = MAX_CLAIMS,
    *,
    words: Sequence[frozenset[str]] | None = None,
    weights: Mapping[str, float] | None = None,
    text: str | None = None,
) -> list[dict[str, Any]]:
    """Ranked claims of one article (SPEC §5 ``claims``), each with the ``signals`` that scored it.

    ``words``: per sentence, its content-word lemmas (``keyterms.sentence_content_words``); without
    them the title signal is off. ``weights`` overrides :data:`SIGNALS` (for tuning and ablation).
    """
    w = {**SIGNALS, **(weights or {})}
    evaluative = load_wordlist("evaluative")
    roles = _roles(sents, patterns)
    rejected = rejected_setups(sents, patterns)
    top_terms = [(t["term"], t["score"]) for t in key_terms[:8]]
    head_terms = [t["term"] for t in key_terms[:3]]
    eligible = {s["i"] for s in sents if _candidate(s, roles.get(s["i"], {}), s["i"] in rejected)}
    finals = set(sorted(eligible)[-FINAL_SENTENCES:])
    heading_words = _heading_words(sents, words) if words is not None else {}
    edges = paragraph_edges(sents, text) if text is not None else set()
    cands = []
    for s in sents:
        k = s["i"]
        if k not in eligible:
            continue
        text = s["text"]
        bare = TRAIL.sub("", text)
        r = roles.get(k, {})
        kind, kind_signal = claim_kind(s, evaluative, head_terms)
        sig: dict[str, float] = {}
        if kind_signal:
            sig[kind_signal] = w[kind_signal]
        for act in ("generalization", "rhetorical_question"):
            if act in s["acts"]:
                sig[act] = w[act]
        if "summary" in s["acts"]:
            sig["closing_cue"] = w["closing_cue"]  # 要するに…, …といえるだろう near the end
        evidence: list[str] = []
        if k in rejected:
            sig["rejected_belief"] = w["rejected_belief"]
            evidence.append(rejected[k])
        quoted = bool(_THIRD_PARTY.match(text)) and k not in rejected
        for role, signal in _ROLE_SIGNALS:
            if quoted and signal == "concession_claim":
                continue  # 「…多いですね。でも…」: the interviewee grants and pushes back, not the author
            if role in r and signal not in sig:
                sig[signal] = w[signal]
                evidence.extend(r[role])
        coverage = sum(score for term, score in top_terms if term in text)
        if coverage:
            sig["key_terms"] = round(w["key_terms"] * min(1.0, coverage / 1.5), 4)
        topic, predicate = _topic_predicate(text)
        if topic and any(term in topic for term in head_terms):
            sig["topic_key_term"] = w["topic_key_term"]  # a statement about the article's subject
        if words is not None:
            shared = len(words[k] & heading_words.get(s["section"], frozenset()))
            if shared:
                sig["title_words"] = round(w["title_words"] * min(1.0, shared / 2), 4)
        if k in edges:
            sig["paragraph_edge"] = w["paragraph_edge"]
        label = speaker(s)
        if label is not None and not label[1]:
            sig["answer_turn"] = w["answer_turn"]  # 水谷：…, A：… — the expert's turn opens on its point
        if _CONCLUSION.search(bare):
            sig["conclusion"] = w["conclusion"]
        if _EMPHASIS.search(bare):
            sig["emphasis"] = w["emphasis"]
        if s["features"].get("polarity") == "negative" and kind == "thesis":
            sig["negated_assertion"] = w["negated_assertion"]
        if len(text) < SHORT_CHARS and "restatement.restatement" not in r and kind != "prescription":
            sig["short"] = w["short"]
        if _NARRATIVE.search(bare) and kind == "thesis" and k not in rejected:
            sig["narrative"] = w["narrative"]
        if _REPORTED.search(bare) and k not in rejected:
            sig["reported"] = w["reported"]  # …と語るのは優さん, …だそうだ: the author passes a view on
        if _REQUEST.search(bare):
            sig["request"] = w["request"]  # 教えてください asks the author or a panel; it urges nothing
        if quoted:
            sig["third_party_quote"] = w["third_party_quote"]
        if k in finals and not {"narrative", "reported"} & sig.keys():
            sig["final"] = w["final"]  # the piece's last word is most often its conclusion, not a story
        sig = {name: v for name, v in sig.items() if v}
        score = sum(sig.values())
        if score <= MIN_SCORE:
            continue
        cands.append(
            {
                "id": "",
                "rank": 0,
                "score": score,
                "sentence": k,
                "start": s["start"],
                "end": s["end"],
                "text": text,
                "kind": kind,
                "stance": "rejected" if k in rejected else "endorsed",
                "topic": topic,
                "predicate": predicate,
                "polarity": s["features"].get("polarity", "positive"),
                "evidence": sorted(set(evidence), key=lambda x: int(x[1:])),
                "signals": sig,
                "cues": [c for c in s["cues"] if c.get("label") in ("call_to_action", "definition")],
            }
        )
    cands.sort(key=lambda c: (-c["score"], c["sentence"]))
    cands = cands[:limit]
    top = cands[0]["score"] if cands else 1.0
    for rank, c in enumerate(cands, 1):
        c["id"] = f"c{rank - 1}"
        c["rank"] = rank
        c["score"] = round(c["score"] / top, 4)
    return cands


class ClaimRanker:
    """Component: ranked ``claims`` in ``doc._.jinmyaku_data`` and a ``jinmyaku_claims`` span group."""

    def __init__(self, nlp: Language, name: str, limit: int = MAX_CLAIMS) -> None:
        self.name = name
        self.limit = limit

    def __call__(self, doc: Doc) -> Doc:
        data = state(doc, self.name)
        words = sentence_content_words(doc, data["sentences"])
        claims = rank_claims(
            data["sentences"],
            data["patterns"],
            data["key_terms"],
            self.limit,
            words=words,
            text=doc_tokens(doc).text,  # doc.text would join every token again
        )
        data["claims"] = claims
        spans = []
        for c in claims:
            span = doc.char_span(c["start"], c["end"], label=f"{c['kind']}.{c['stance']}", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_CLAIMS] = spans
        return doc


@Language.factory(
    "jinmyaku_claims",
    assigns=["doc._.jinmyaku_data", "doc.spans"],
    requires=["doc._.jinmyaku_data"],
    default_config={"limit": MAX_CLAIMS},
)
def make_claims(nlp: Language, name: str, limit: int) -> ClaimRanker:
    return ClaimRanker(nlp, name, limit)
