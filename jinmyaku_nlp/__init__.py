"""jinmyaku_nlp: how a Japanese text argues — speech acts, rhetorical patterns and core claims.

>>> import jinmyaku_nlp
>>> a = jinmyaku_nlp.analyze("確かに大切です。でも、それだけでは足りません。", id="ex")
>>> [p.type for p in a.patterns]
['concession']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jinmyaku_nlp.errors import DecodeError, InputError, JinmyakuError, LexiconError
from jinmyaku_nlp.record import Analysis, Claim, Cue, ErrorRecord, KeyTerm, Pattern, Section, Sentence

if TYPE_CHECKING:
    from jinmyaku_nlp.api import analyze, analyze_many
    from jinmyaku_nlp.export import to_dataframe
    from jinmyaku_nlp.pipeline import load

__version__ = "0.1.0"

#: names whose modules import spaCy, loaded on first use (PEP 562): the ``jinmyaku`` command's
#: parent process only reads, dispatches and writes, and importing spaCy there (~0.6 s) would
#: delay its worker processes
_LAZY = {
    "analyze": "jinmyaku_nlp.api",
    "analyze_many": "jinmyaku_nlp.api",
    "to_dataframe": "jinmyaku_nlp.export",
    "load": "jinmyaku_nlp.pipeline",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jinmyaku_nlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
