"""Core claims: candidates, kind, stance, topic/predicate, and an explained ranking.

Every body sentence that asserts something is a candidate. Its score is a sum of named
signals (``SIGNALS``) — prescriptive or evaluative mood, definitions, generalizations, the
roles it plays in patterns (reversal targets, restatements, answers, concession claims),
key-term coverage and position — and the signals are kept on the claim so a rank can be
explained. The belief that a reversal overturns is a claim with stance ``rejected``.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from jinmyaku_nlp.lexicon import TRAIL, load_wordlist
from jinmyaku_nlp.pipeline import SPANS_CLAIMS, state

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
    "key_terms": 1.2,
    "topic_key_term": 0.9,
    "conclusion": 0.8,
    "position": 0.3,
    "closing": 0.5,
    "negated_assertion": 0.3,
    "short": -1.5,
    "narrative": -0.8,
    "third_party_quote": -0.6,
}
MIN_CHARS = 6
#: below this many characters a sentence rarely carries a claim of its own (でも…。 はいこれ。)
SHORT_CHARS = 9
#: a question setup's declarative shorter than this is an acknowledgement (そうですよね。), not a view
PRESUMPTION_CHARS = 16
MAX_CLAIMS = 30
_TOPIC = re.compile(r"^(.{1,30}?)(?:とは|というのは|って|は|こそ|も)[、，]?")
_NARRATIVE = re.compile(r"^(?:私は|僕は|俺は|私が|僕が)|(?:ました|でした|だった|た)$")
#: the author drawing a conclusion: 要は…, やはり…, このように…, …といえるだろう, …にほかならぬ
_CONCLUSION = re.compile(
    r"^(?:[^、。]{0,4}[：:])?(?:要は|やはり|やっぱり|結局|要するに|いずれにしても|このように|こんなふうに|以上のように)"
    r"|(?:と(?:いえ|言え)る(?:だろう|でしょう)?|ということ(?:だ|です|である)?|にほかならぬ|にほかならない|のである)$"
)
#: "what matters is…": 大切なのは…, 最も重要なのが… judge a value whatever their predicate
_VALUE_FRAME = re.compile(r"^(?:[^、。]{0,20})?(?:大切|大事|重要|肝心|必要)なの(?:は|が)")


def claim_kind(s: dict[str, Any], evaluative: frozenset[str]) -> tuple[str, str | None]:
    """The claim kind of sentence ``s`` and the ranking signal it earns (None for a thesis)."""
    acts = s["acts"]
    if "definition" in acts:
        return "definition", "definition"
    if _VALUE_FRAME.search(s["text"]):
        return "evaluation", "evaluation"
    if "call_to_action" in acts:
        return "prescription", "prescription"
    # the judgement must sit in the predicate: 幸福は表現的なものである is about 幸福, not a value
    _, predicate = _topic_predicate(s["text"])
    tail = predicate[-14:]
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
        if "question_answer.answer" not in roles:
            return False
    if "summary" in acts and "call_to_action" not in acts:
        return False
    return len(s["text"]) >= MIN_CHARS or rejected or "restatement.restatement" in roles


def rank_claims(
    sents: list[dict[str, Any]],
    patterns: list[dict[str, Any]],
    key_terms: list[dict[str, Any]],
    limit: int = MAX_CLAIMS,
) -> list[dict[str, Any]]:
    evaluative = load_wordlist("evaluative")
    roles: dict[int, dict[str, list[str]]] = {}
    for p in patterns:
        for role, idx in p["roles"].items():
            for k in idx:
                roles.setdefault(k, {}).setdefault(f"{p['type']}.{role}", []).append(p["id"])
    rejected = rejected_setups(sents, patterns)
    top_terms = [(t["term"], t["score"]) for t in key_terms[:8]]
    head_terms = [t["term"] for t in key_terms[:3]]
    body = [s for s in sents if not (s["heading"] or s["boilerplate"])]
    first_body = body[0]["i"] if body else 0
    last_body = body[-1]["i"] if body else 0
    cands = []
    for s in sents:
        k = s["i"]
        text = s["text"]
        r = roles.get(k, {})
        if not _candidate(s, r, k in rejected):
            continue
        kind, kind_signal = claim_kind(s, evaluative)
        sig: dict[str, float] = {}
        if kind_signal:
            sig[kind_signal] = SIGNALS[kind_signal]
        if "generalization" in s["acts"]:
            sig["generalization"] = SIGNALS["generalization"]
        if "rhetorical_question" in s["acts"]:
            sig["rhetorical_question"] = SIGNALS["rhetorical_question"]
        evidence: list[str] = []
        if k in rejected:
            sig["rejected_belief"] = SIGNALS["rejected_belief"]
            evidence.append(rejected[k])
        for role, signal in (
            ("reversal.reversal", "reversal_target"),
            ("restatement.restatement", "restatement"),
            ("question_answer.answer", "answer"),
            ("concession.claim", "concession_claim"),
            ("reason.claim", "reason_claim"),
            ("contrast.a", "contrast"),
            ("contrast.b", "contrast"),
        ):
            if role in r and signal not in sig:
                sig[signal] = SIGNALS[signal]
                evidence.extend(r[role])
        coverage = sum(score for term, score in top_terms if term in text)
        if coverage:
            sig["key_terms"] = round(SIGNALS["key_terms"] * min(1.0, coverage / 1.5), 4)
        topic, predicate = _topic_predicate(text)
        if topic and any(term in topic for term in head_terms):
            sig["topic_key_term"] = SIGNALS["topic_key_term"]  # a statement about the article's subject
        if _CONCLUSION.search(TRAIL.sub("", text)):
            sig["conclusion"] = SIGNALS["conclusion"]
        if k - first_body <= 2:
            sig["position"] = SIGNALS["position"]
        elif last_body - k <= 3:
            sig["closing"] = SIGNALS["closing"]
        if s["features"].get("polarity") == "negative" and kind == "thesis":
            sig["negated_assertion"] = SIGNALS["negated_assertion"]
        if len(text) < SHORT_CHARS and "restatement.restatement" not in r:
            sig["short"] = SIGNALS["short"]
        if _NARRATIVE.search(TRAIL.sub("", text)) and kind == "thesis" and k not in rejected:
            sig["narrative"] = SIGNALS["narrative"]
        if text.startswith("「") and text.rstrip("。").endswith("」") and k not in rejected:
            sig["third_party_quote"] = SIGNALS["third_party_quote"]
        score = sum(sig.values())
        if score <= 0.5:
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
        claims = rank_claims(data["sentences"], data["patterns"], data["key_terms"], self.limit)
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
