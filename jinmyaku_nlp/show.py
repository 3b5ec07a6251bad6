"""Terminal view of one analysis (``jinmyaku show``): sentences with acts, patterns, claims.

Every label is printed with the rule that produced it, so a wrong label is easy to trace.
"""

from __future__ import annotations

from jinmyaku_nlp.record import Analysis

_COLORS = {
    "question": "36",
    "rhetorical_question": "35",
    "call_to_action": "32",
    "definition": "34",
    "generalization": "33",
    "summary": "37",
}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def format_analysis(a: Analysis, *, color: bool = False) -> str:
    """A plain-text (optionally ANSI-coloured) rendering of ``a``."""
    roles: dict[int, list[str]] = {}
    for p in a.patterns:
        for role, idx in p.roles.items():
            for k in idx:
                roles.setdefault(k, []).append(f"{p.id}:{p.type}.{role}")
    claim_of = {c.sentence: c for c in a.claims}
    lines = [
        f"# {a.id}  ({len(a.text)} chars, {len(a.sentences)} sentences, "
        f"{len(a.patterns)} patterns, {len(a.claims)} claims)"
    ]
    for s in a.sentences:
        marks = []
        if s.heading:
            marks.append("HEADING")
        if s.boilerplate:
            marks.append("BOILERPLATE")
        marks.extend(_paint(act, _COLORS.get(act, "0"), color) for act in s.acts)
        head = f"[{s.i:>3}] " + (" ".join(marks) + " " if marks else "")
        lines.append(head + s.text.replace("\n", " "))
        for cue in s.cues:
            lines.append(f"        {cue.label or '?'} <- 「{cue.text}」 {cue.rule}")
        if s.i in roles:
            lines.append("        roles: " + ", ".join(roles[s.i]))
        if s.i in claim_of:
            c = claim_of[s.i]
            lines.append(f"        claim #{c.rank} {c.kind}/{c.stance} score={c.score:.2f}")
    lines.append("")
    lines.append("## patterns")
    for p in a.patterns:
        roles_txt = "; ".join(f"{r}={v}" for r, v in p.roles.items())
        attrs = f" {p.attrs}" if p.attrs else ""
        cues = " | ".join(c.text for c in p.cues)
        lines.append(f"{p.id} {p.type}{attrs} {roles_txt}  cues: {cues}  rule: {p.rule}")
    lines.append("")
    lines.append("## claims")
    for c in a.claims:
        signals = ", ".join(f"{k}={v:+.2f}" for k, v in c.signals.items())
        lines.append(f"#{c.rank} [{c.kind}/{c.stance}] s{c.sentence} {c.text.replace(chr(10), ' ')}")
        lines.append(f"     score={c.score:.2f} topic={c.topic!r} signals: {signals}")
    if a.key_terms:
        lines.append("")
        lines.append("## key terms: " + ", ".join(f"{k.term}({k.count})" for k in a.key_terms[:12]))
    return "\n".join(lines)
