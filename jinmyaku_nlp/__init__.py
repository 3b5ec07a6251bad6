"""jinmyaku_nlp: how a Japanese text argues — speech acts, rhetorical patterns and core claims.

>>> import jinmyaku_nlp
>>> a = jinmyaku_nlp.analyze("確かに大切です。でも、それだけでは足りません。", id="ex")
>>> [p.type for p in a.patterns]
['concession']
"""

from __future__ import annotations

from jinmyaku_nlp.api import analyze, analyze_many
from jinmyaku_nlp.errors import DecodeError, InputError, JinmyakuError, LexiconError
from jinmyaku_nlp.export import to_dataframe
from jinmyaku_nlp.pipeline import load
from jinmyaku_nlp.record import Analysis, Claim, Cue, ErrorRecord, KeyTerm, Pattern, Section, Sentence

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Claim",
    "Cue",
    "DecodeError",
    "ErrorRecord",
    "InputError",
    "JinmyakuError",
    "KeyTerm",
    "LexiconError",
    "Pattern",
    "Section",
    "Sentence",
    "__version__",
    "analyze",
    "analyze_many",
    "load",
    "to_dataframe",
]
