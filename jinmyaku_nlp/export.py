"""Exporters over the one record structure: flat rows, pandas DataFrames, Parquet tables.

Row builders (``*_rows``) turn record dicts into flat rows with documented columns; the pandas
and Parquet exporters are thin layers over them, so every format carries the same columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinmyaku_nlp.record import ACT_TYPES, Analysis, ErrorRecord, iter_dicts

LEVELS = ("articles", "sentences", "patterns", "claims", "key_terms")

#: column -> description, per level (documented in docs/schema.md)
COLUMNS: dict[str, dict[str, str]] = {
    "articles": {
        "id": "article id",
        "source": "file or row the article came from",
        "chars": "length of the analysed text",
        "n_sentences": "number of sentences",
        "n_patterns": "number of rhetorical patterns",
        "n_claims": "number of ranked claims",
        "top_claim": "text of the rank-1 claim",
        "key_terms": "top key terms, comma-separated",
        "error_type": "error type when the article failed, else null",
        "error_message": "error message when the article failed, else null",
    },
    "sentences": {
        "id": "article id",
        "i": "sentence index",
        "start": "start offset into the article text",
        "end": "end offset (exclusive)",
        "text": "sentence text",
        "heading": "sentence is a heading",
        "boilerplate": "sentence is boilerplate",
        "section": "section number",
        "acts": "speech acts, comma-separated",
        **{f"act_{a}": f"sentence carries the {a} act" for a in ACT_TYPES},
        "mood": "sentence mood from final morphology",
        "polarity": "positive | negative",
        "modality": "obligation | conjecture | evidential | none",
        "connective": "sentence-initial connective",
        "rules": "rule ids behind the sentence's labels, comma-separated",
    },
    "patterns": {
        "id": "article id",
        "pattern": "pattern id within the article",
        "type": "pattern type",
        "role": "role name",
        "sentence": "sentence index playing the role",
        "sentence_text": "that sentence's text",
        "setup": "reversal setup kind (belief/question/expectation) or null",
        "confidence": "detector confidence",
        "rule": "rule id",
        "cues": "cue texts, ' | '-separated",
    },
    "claims": {
        "id": "article id",
        "claim": "claim id",
        "rank": "rank (1 = most central)",
        "score": "normalised score (rank 1 = 1.0)",
        "sentence": "sentence index",
        "start": "start offset",
        "end": "end offset",
        "text": "claim text",
        "kind": "thesis | definition | prescription | evaluation",
        "stance": "endorsed | rejected",
        "topic": "topic phrase",
        "predicate": "predicate phrase",
        "polarity": "positive | negative",
        "evidence": "supporting pattern ids, comma-separated",
        "signals": "ranking signals as JSON",
    },
    "key_terms": {
        "id": "article id",
        "term": "key term",
        "count": "occurrences",
        "score": "normalised score",
        "quoted": "appears in 「」",
    },
}


def article_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for d in records:
        if "error" in d:
            yield {
                "id": d.get("id"),
                "source": d.get("source"),
                "chars": None,
                "n_sentences": None,
                "n_patterns": None,
                "n_claims": None,
                "top_claim": None,
                "key_terms": None,
                "error_type": d["error"].get("type"),
                "error_message": d["error"].get("message"),
            }
            continue
        claims = d.get("claims", [])
        yield {
            "id": d["id"],
            "source": d.get("source"),
            "chars": len(d["text"]),
            "n_sentences": len(d["sentences"]),
            "n_patterns": len(d["patterns"]),
            "n_claims": len(claims),
            "top_claim": claims[0]["text"] if claims else None,
            "key_terms": ",".join(k["term"] for k in d.get("key_terms", [])[:10]),
            "error_type": None,
            "error_message": None,
        }


def sentence_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for d in records:
        if "error" in d:
            continue
        for s in d["sentences"]:
            f = s.get("features", {})
            row = {
                "id": d["id"],
                "i": s["i"],
                "start": s["start"],
                "end": s["end"],
                "text": s["text"],
                "heading": s["heading"],
                "boilerplate": s["boilerplate"],
                "section": s["section"],
                "acts": ",".join(s["acts"]),
            }
            for a in ACT_TYPES:
                row[f"act_{a}"] = a in s["acts"]
            row.update(
                mood=f.get("mood"),
                polarity=f.get("polarity"),
                modality=f.get("modality"),
                connective=f.get("connective") or None,
                rules=",".join(c["rule"] for c in s.get("cues", [])),
            )
            yield row


def pattern_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for d in records:
        if "error" in d:
            continue
        sents = d["sentences"]
        for p in d["patterns"]:
            cues = " | ".join(c["text"] for c in p.get("cues", []))
            for role, idx in p["roles"].items():
                for k in idx:
                    yield {
                        "id": d["id"],
                        "pattern": p["id"],
                        "type": p["type"],
                        "role": role,
                        "sentence": k,
                        "sentence_text": sents[k]["text"],
                        "setup": p.get("attrs", {}).get("setup"),
                        "confidence": p.get("confidence"),
                        "rule": p.get("rule", ""),
                        "cues": cues,
                    }


def claim_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for d in records:
        if "error" in d:
            continue
        for c in d["claims"]:
            yield {
                "id": d["id"],
                "claim": c["id"],
                "rank": c["rank"],
                "score": c["score"],
                "sentence": c["sentence"],
                "start": c["start"],
                "end": c["end"],
                "text": c["text"],
                "kind": c["kind"],
                "stance": c["stance"],
                "topic": c.get("topic", ""),
                "predicate": c.get("predicate", ""),
                "polarity": c.get("polarity", ""),
                "evidence": ",".join(c.get("evidence", [])),
                "signals": json.dumps(c.get("signals", {}), ensure_ascii=False, sort_keys=True),
            }


def key_term_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for d in records:
        if "error" in d:
            continue
        for k in d.get("key_terms", []):
            yield {
                "id": d["id"],
                "term": k["term"],
                "count": k["count"],
                "score": k["score"],
                "quoted": k["quoted"],
            }


ROW_BUILDERS: dict[str, Callable[[Iterable[Mapping[str, Any]]], Iterator[dict[str, Any]]]] = {
    "articles": article_rows,
    "sentences": sentence_rows,
    "patterns": pattern_rows,
    "claims": claim_rows,
    "key_terms": key_term_rows,
}


def to_dataframe(
    analyses: Iterable[Analysis | ErrorRecord | Mapping[str, Any]] | Analysis,
    level: str = "sentences",
) -> Any:
    """A pandas DataFrame of ``analyses`` at ``level``: articles, sentences, patterns, claims or
    key_terms. Columns are listed in ``COLUMNS[level]`` (and docs/schema.md)."""
    import pandas as pd

    if level not in ROW_BUILDERS:
        raise ValueError(f"level must be one of {list(LEVELS)}, not {level!r}")
    if isinstance(analyses, Analysis | ErrorRecord):
        analyses = [analyses]
    rows = list(ROW_BUILDERS[level](iter_dicts(analyses)))
    return pd.DataFrame(rows, columns=list(COLUMNS[level]))
