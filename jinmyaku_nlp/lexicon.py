"""Cue lexicons and rule tables: package data files (JSONL), validated on load.

Each non-blank, non-``#`` line of a table is one JSON object. Unknown keys, unknown labels and
invalid regular expressions are rejected with the file and line, so a user's own cue file fails
loudly instead of silently matching nothing. Nothing is loaded with pickle or eval.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, reduce
from importlib import resources
from itertools import pairwise
from operator import or_
from pathlib import Path
from typing import Any

from jinmyaku_nlp.errors import LexiconError

# the parse tree of a regex (rule_needs), read-only use; the modules moved in Python 3.11
try:
    import re._constants as c
    import re._parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

#: closing punctuation set aside before "end" cues are searched
TRAIL = re.compile(r"[\s。．.！!？?…‥・〜ー～♪☆★ｗw」』）)》】〉\]]+$")
#: opening brackets and space set aside before "start" cues are searched
LEAD = re.compile(r"^[\s「『（(《【〈\[]+")
#: where a cue must sit in the sentence (after the sentence's trailing punctuation is set aside)
WHERES = ("start", "end", "any")


@dataclass(frozen=True, slots=True)
class CueRule:
    """One cue: a regular expression over sentence text, the label it supports, its rule id."""

    rule: str
    label: str
    regex: re.Pattern[str]
    where: str = "any"
    unless: re.Pattern[str] | None = None
    weight: float = 1.0
    note: str = ""


_RULE_KEYS = {"rule", "label", "regex", "where", "unless", "weight", "note"}


def _compile(value: Any, key: str, path: str, line: int) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise LexiconError(f"'{key}' must be a non-empty string", path=path, line=line)
    try:
        return re.compile(value)
    except re.error as exc:
        raise LexiconError(f"'{key}' is not a valid regular expression: {exc}", path=path, line=line) from exc


def parse_rules(lines: Iterable[str], *, path: str, labels: Iterable[str]) -> list[CueRule]:
    """Parse a JSONL cue table; ``labels`` lists the labels this table may use."""
    allowed = set(labels)
    rules: list[CueRule] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LexiconError(f"not valid JSON ({exc.msg})", path=path, line=lineno) from exc
        if not isinstance(obj, dict):
            raise LexiconError("each line must be a JSON object", path=path, line=lineno)
        unknown = set(obj) - _RULE_KEYS
        if unknown:
            raise LexiconError(
                f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}", path=path, line=lineno
            )
        for key in ("rule", "label", "regex"):
            if key not in obj:
                raise LexiconError(f"missing '{key}'", path=path, line=lineno)
        rule_id = obj["rule"]
        if not isinstance(rule_id, str) or not rule_id:
            raise LexiconError("'rule' must be a non-empty string", path=path, line=lineno)
        if rule_id in seen:
            raise LexiconError(f"duplicate rule id {rule_id!r}", path=path, line=lineno)
        seen.add(rule_id)
        if obj["label"] not in allowed:
            raise LexiconError(f"unknown label {obj['label']!r}; allowed: {sorted(allowed)}", path=path, line=lineno)
        where = obj.get("where", "any")
        if where not in WHERES:
            raise LexiconError(f"'where' must be one of {list(WHERES)}, not {where!r}", path=path, line=lineno)
        weight = obj.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise LexiconError("'weight' must be a number", path=path, line=lineno)
        rules.append(
            CueRule(
                rule=rule_id,
                label=obj["label"],
                regex=_compile(obj["regex"], "regex", path, lineno),
                where=where,
                unless=_compile(obj["unless"], "unless", path, lineno) if "unless" in obj else None,
                weight=float(weight),
                note=str(obj.get("note", "")),
            )
        )
    return rules


def load_rules(name: str, labels: Iterable[str], extra: Iterable[str | Path] = ()) -> list[CueRule]:
    """The package table ``data/<name>.jsonl`` followed by the user's own files ``extra``.

    A user rule with the id of a package rule replaces it.
    """
    rules = list(_package_rules(name, tuple(labels)))
    for p in extra:
        path = Path(p)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"cannot read lexicon file: {exc}", path=str(path)) from exc
        user = parse_rules(text.splitlines(), path=str(path), labels=labels)
        replaced = {r.rule for r in user}
        rules = [r for r in rules if r.rule not in replaced] + user
    return rules


@cache
def _package_rules(name: str, labels: tuple[str, ...]) -> tuple[CueRule, ...]:
    text = read_data(f"{name}.jsonl")
    return tuple(parse_rules(text.splitlines(), path=f"jinmyaku_nlp/data/{name}.jsonl", labels=labels))


def read_data(filename: str) -> str:
    """The text of a package data file."""
    return resources.files("jinmyaku_nlp").joinpath("data", filename).read_text(encoding="utf-8")


@cache
def load_wordlist(name: str) -> frozenset[str]:
    """A package word list ``data/<name>.txt``: one entry a line, ``#`` comments."""
    words = set()
    for raw in read_data(f"{name}.txt").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class SentenceText:
    """One sentence as every cue rule searches it, computed once per sentence.

    A stage that runs a whole rule table over a sentence prepares it once with
    :func:`prepare_sentence` and calls :func:`match_prepared` per rule, instead of letting
    :func:`match_rule` strip the trailing punctuation and leading brackets again for every rule.
    """

    text: str
    start: int
    #: ``text`` without its closing punctuation: what "end" rules search
    core: str
    #: length of the opening brackets and space: "start" rules search ``text[lead:]``
    lead: int
    #: ``text[lead:]``
    body: str


def prepare_sentence(text: str, start: int) -> SentenceText:
    """The search targets of a sentence ``text`` that begins at offset ``start``."""
    lead = LEAD.match(text)
    base = lead.end() if lead else 0
    return SentenceText(text, start, TRAIL.sub("", text), base, text[base:])


def match_prepared(rule: CueRule, sent: SentenceText) -> tuple[str, int, int] | None:
    """``(cue text, start, end)`` of ``rule`` in a prepared sentence (same result as :func:`match_rule`)."""
    if rule.where == "end":
        return _found(rule, sent.text, sent.start, 0, sent.core)
    if rule.where == "start":
        return _found(rule, sent.text, sent.start, sent.lead, sent.body)
    return _found(rule, sent.text, sent.start, 0, sent.text)


def match_rule(rule: CueRule, text: str, start: int) -> tuple[str, int, int] | None:
    """``(cue text, start, end)`` of ``rule`` in a sentence ``text`` that begins at offset ``start``."""
    if rule.where == "end":
        return _found(rule, text, start, 0, TRAIL.sub("", text))
    if rule.where == "start":
        lead = LEAD.match(text)
        base = lead.end() if lead else 0
        return _found(rule, text, start, base, text[base:])
    return _found(rule, text, start, 0, text)


def _found(rule: CueRule, text: str, start: int, base: int, target: str) -> tuple[str, int, int] | None:
    """The rule's first non-empty match in ``target`` (= ``text[base:]``, maybe shortened), unless vetoed."""
    m = rule.regex.search(target)
    if m is None or (rule.unless is not None and rule.unless.search(text)):
        return None
    s, e = m.span()
    if e == s:
        return None
    return text[base + s : base + e], start + base + s, start + base + e


# --- candidate rules: skip a rule whose regex needs a character the sentence lacks ------------
#
# A sentence is searched by every rule of a table (~60 per table), and most searches fail. Each
# rule's regex is read once (its parse tree) for sets of characters every match must contain
# one of (``(?:た|ない)(?:ほう|方)が`` needs one of {た, な}, one of {ほ, 方}, and が). A rule
# whose set misses every character of the sentence cannot match, so it is left out; the others
# run exactly as before, in table order, so results are unchanged.

#: a character class larger than this is no useful requirement
_MAX_CLASS = 128
#: the requirement sets a rule keeps (cheapest first): the first goes into the index
_MAX_NEEDS = 3


def _char_cost(ch: str) -> int:
    """How common a character is in Japanese prose (lower = rarer = better filter)."""
    if "\u3041" <= ch <= "\u309f":  # hiragana: in almost every sentence
        return 10
    if ch in "、。「」『』（）・…ー 　\n" or ch.isspace():
        return 20
    return 1  # kanji, katakana, Latin: each in few sentences


def _set_cost(keys: frozenset[str]) -> int:
    return sum(_char_cost(k) if len(k) == 1 else _pair_cost(k) for k in keys)


def _in_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The characters of a positive character class ``[...]``, or None if too wide or negated."""
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:  # NEGATE, CATEGORY (\d, \s), huge ranges
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)


#: node kinds Python 3.10's parser does not have stand for nothing any node is
_NO_NODE = object()
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", _NO_NODE))
_ATOMIC_GROUP = getattr(c, "ATOMIC_GROUP", _NO_NODE)


def _nested(op: Any, av: Any, walk: Callable[[Any], list[frozenset[str]]]) -> list[frozenset[str]]:
    """The requirement sets of a group, repeat or branch node, its parts read with ``walk``
    (:func:`_needs` or :func:`_pairs`); nothing for any other node."""
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return [] if add_flags & re.IGNORECASE else walk(sub)
    if op is _ATOMIC_GROUP:
        return walk(av)
    if op in _REPEATS:
        return walk(av[2]) if av[0] >= 1 else []
    if op is c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            sets = walk(branch)
            if not sets:  # this alternative needs nothing we know of: neither does the branch
                return []
            union |= min(sets, key=_set_cost)
        return [frozenset(union)]
    return []


def _needs(seq: Any) -> list[frozenset[str]]:
    """Character sets such that every match of the parsed sequence ``seq`` holds at least one
    character of each set (an empty list: nothing is known)."""
    out: list[frozenset[str]] = []
    for op, av in seq:
        if op is c.LITERAL:
            out.append(frozenset(chr(av)))
        elif op is c.IN:
            chars = _in_chars(av)
            if chars is not None:
                out.append(chars)
        else:  # groups, repeats, branches; ., lookarounds, anchors, \d, [^...] consume nothing known
            out.extend(_nested(op, av, _needs))
    return out


def _pairs(seq: Any) -> list[frozenset[str]]:
    """Like :func:`_needs`, with two-character strings: every match of ``seq`` holds one pair of
    each set. A run of literal characters needs each of its pairs (the rarest is kept); a branch
    needs one pair of one of its alternatives."""
    out: list[frozenset[str]] = []
    run: list[str] = []  # literal characters in a row
    for op, av in [*seq, (None, None)]:  # the sentinel closes the last run
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if len(run) >= 2:
            out.append(frozenset([min(map(str.__add__, run, run[1:]), key=lambda p: (_pair_cost(p), p))]))
        run = []
        out.extend(_nested(op, av, _pairs))
    return out


def _pair_cost(pair: str) -> int:
    return _char_cost(pair[0]) + _char_cost(pair[1])


def rule_keys(regex: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """What :class:`RuleIndex` filters ``regex`` by: sets of characters and of two-character
    strings, every match holding one element of each. A pair is rarer than either of its
    characters (``いつ`` against ``い``), so pair sets come first (the first set is indexed)."""
    tree = _parsed(regex)
    chars = _char_needs(tree)
    if not chars:  # case-insensitive, unparsable, or may match without a known character
        return ()
    try:
        found = _pairs(tree)
    except Exception:  # a parse tree of a shape the walk does not know: keep the character sets
        found = []
    pairs = sorted(set(found), key=lambda s: (_set_cost(s), sorted(s)))
    return (*pairs, *chars)[:_MAX_NEEDS]


def rule_needs(regex: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """The character sets every match of ``regex`` holds one character of, cheapest first
    (empty: the rule is always searched). Case-insensitive or unparsable regexes need nothing."""
    return _char_needs(_parsed(regex))


def _parsed(regex: re.Pattern[str]) -> Any:
    """The parse tree of ``regex`` (parsed once for both kinds of needs: parsing ~100 rules is
    part of every worker's start), or None: case-insensitive, or the parser cannot read it."""
    if regex.flags & re.IGNORECASE:
        return None
    try:
        return sre_parse.parse(regex.pattern, regex.flags)
    except Exception:  # the regex module's private parser changed: filter nothing, stay correct
        return None


def _char_needs(tree: Any) -> tuple[frozenset[str], ...]:
    if tree is None:
        return ()
    try:
        sets = _needs(tree)
    except Exception:  # a parse tree of a shape the walk does not know: filter nothing
        return ()
    unique = sorted(set(sets), key=lambda s: (_set_cost(s), sorted(s)))
    return tuple(unique[:_MAX_NEEDS])


def is_anchored(regex: re.Pattern[str]) -> bool:
    """Whether every match of ``regex`` starts at the start of the text (``^``/``\\A`` leads every
    alternative, no MULTILINE): then ``regex.match`` finds what ``regex.search`` would, without
    trying every position."""
    if regex.flags & re.MULTILINE:
        return False
    try:
        return _anchored(list(sre_parse.parse(regex.pattern, regex.flags)))
    except Exception:  # the regex module's private parser changed: assume not anchored
        return False


def _anchored(seq: list[Any]) -> bool:
    if not seq:
        return False
    op, av = seq[0]
    if op is c.AT:
        return av in (c.AT_BEGINNING, c.AT_BEGINNING_STRING)
    if op is c.BRANCH:
        return all(_anchored(list(branch)) for branch in av[1])
    if op is c.SUBPATTERN:
        return _anchored(list(av[3]))
    return False


class RuleIndex:
    """The rules of one table, indexed by the characters and pairs they need (:func:`rule_keys`)."""

    def __init__(self, rules: Sequence[CueRule]) -> None:
        self.rules = tuple(rules)
        self._always = 0  # bit i: rule i needs nothing known, search it always
        self._by_char: dict[str, int] = {}
        self._more: list[tuple[frozenset[str], ...]] = []  # each rule's other needs
        for i, rule in enumerate(self.rules):
            needs = rule_keys(rule.regex)
            self._more.append(needs[1:])
            if not needs:
                self._always |= 1 << i
                continue
            for ch in needs[0]:
                self._by_char[ch] = self._by_char.get(ch, 0) | 1 << i
        self._keys = frozenset(self._by_char)
        # the rule numbers of each byte value of the mask: bits to rules without a bit loop (filled
        # on first use: building all 256 per byte up front cost ~20 ms of every worker's start)
        self._bytes = (len(self.rules) + 7) // 8
        self._byte_rules: list[list[tuple[int, ...] | None]] = [[None] * 256 for _ in range(self._bytes)]

    def candidates(self, chars: set[str] | frozenset[str]) -> list[CueRule]:
        """The rules that can match in a text whose characters and pairs of adjacent characters
        are ``chars`` (:func:`text_keys`; or in any part of that text), in order."""
        # set ops and the or-reduction run in C
        mask = reduce(or_, map(self._by_char.__getitem__, self._keys.intersection(chars)), self._always)
        out = []
        rules, more, byte_rules = self.rules, self._more, self._byte_rules
        for k, value in enumerate(mask.to_bytes(self._bytes, "little")):
            if not value:
                continue
            numbers = byte_rules[k][value]
            if numbers is None:
                numbers = byte_rules[k][value] = tuple(8 * k + b for b in range(8) if value >> b & 1)
            for i in numbers:
                for need in more[i]:
                    if chars.isdisjoint(need):
                        break
                else:
                    out.append(rules[i])
        return out


#: the index of each rule list a stage searches with, keyed by the list's identity
_INDEXES: dict[int, RuleIndex] = {}


def candidate_rules(rules: Sequence[CueRule], sent: SentenceText) -> Sequence[CueRule]:
    """The rules of ``rules`` that can match in ``sent``, in order: running only these gives the
    same first match per label as running all of them (a rule left out cannot match)."""
    index = _INDEXES.get(id(rules))
    if index is None or index.rules != tuple(rules):  # a new list, or one changed since
        if len(_INDEXES) > 64:  # lists of components long gone
            _INDEXES.clear()
        index = _INDEXES[id(rules)] = RuleIndex(rules)
    return index.candidates(text_keys(sent.text))


#: the keys of recent sentences: the acts and the patterns stage search the same ones (256 holds
#: the sentences of almost every article; each set holds ~2 keys a character, so more costs memory)
_KEYS: dict[str, frozenset[str]] = {}
_KEYS_SIZE = 256


def text_keys(text: str) -> frozenset[str]:
    """The characters of ``text`` and its pairs of adjacent characters (what rules are filtered by)."""
    keys = _KEYS.get(text)
    if keys is None:
        if len(_KEYS) >= _KEYS_SIZE:
            _KEYS.clear()
        # (a comprehension adds the pairs faster than map(str.__add__, ...), a slot-wrapper call each)
        keys = _KEYS[text] = frozenset(text).union([a + b for a, b in pairwise(text)])
    return keys
