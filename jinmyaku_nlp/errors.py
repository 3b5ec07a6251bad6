"""Typed errors. Every message says what went wrong and what the user can do next."""

from __future__ import annotations


class JinmyakuError(Exception):
    """Base class of every error this package raises on purpose."""

    #: short machine-readable name used in error records (``{"error": {"type": ...}}``)
    kind = "error"


class InputError(JinmyakuError, ValueError):
    """The input article cannot be analysed (wrong type, empty id, unreadable file)."""

    kind = "input_error"


class DecodeError(InputError):
    """Bytes that are not text in any supported encoding (UTF-8/16, CP932, EUC-JP)."""

    kind = "decode_error"


class BatchRowError(InputError):
    """A malformed row in a batch input (bad JSON, missing or non-string ``text``, broken CSV)."""

    kind = "bad_row"


class LexiconError(JinmyakuError, ValueError):
    """A lexicon or rule file is invalid; the message names the file and the line."""

    kind = "lexicon_error"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class GoldFormatError(JinmyakuError, ValueError):
    """A gold annotation file does not follow ``jinmyaku-gold/1`` (SPEC §6)."""

    kind = "gold_error"


class AnalysisTimeout(JinmyakuError, TimeoutError):
    """An article took longer than the batch ``timeout``."""

    kind = "timeout"


class WorkerCrashed(JinmyakuError, RuntimeError):
    """The worker process analysing an article died (killed, out of memory, native crash)."""

    kind = "worker_crashed"


def error_type(exc: BaseException) -> str:
    """The ``type`` string of an error record for ``exc``."""
    if isinstance(exc, JinmyakuError):
        return exc.kind
    return type(exc).__name__
