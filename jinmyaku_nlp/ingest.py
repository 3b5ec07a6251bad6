"""Ingest: bytes, str or a path → the text to analyse.

Encodings are detected from the bytes, never from the file name: a BOM (UTF-8, UTF-16) wins;
then strict UTF-8; then BOM-less UTF-16 (by its NUL-byte pattern); then CP932 / EUC-JP, chosen by
which decodes strictly and reads best (charset-normalizer breaks ties). HTML (sniffed from the
content, or a .html/.htm path) is reduced to its main text with trafilatura, falling back to
lxml's text for fragments trafilatura declines. For plain text the result is the decoded input
unchanged (CRLF included): every offset of the analysis indexes it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from jinmyaku_nlp.errors import DecodeError, InputError

#: encodings tried for BOM-less non-UTF-8 bytes, in order of preference on ties
JAPANESE_LEGACY = ("cp932", "euc_jp")
_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s)", re.I)
_HTML_TAGS = re.compile(r"<(?:p|div|br|span|a|h[1-6]|ul|li|article|section|script|style|table)[\s>/]", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)


@dataclass(slots=True)
class Ingested:
    """The text to analyse, where it came from, and how it was read."""

    text: str
    source: str | None
    encoding: str
    format: str  # "text" or "html"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` for raw bytes; :class:`DecodeError` if no supported encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8 (with BOM)"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16 (with BOM)"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    candidates = []
    for enc in JAPANESE_LEGACY:
        try:
            candidates.append((enc, data.decode(enc)))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise DecodeError(
            "the input is not text in UTF-8, UTF-16, CP932 (Shift_JIS) or EUC-JP; "
            "convert it to UTF-8 (e.g. `iconv -f <encoding> -t utf-8`) or pass a str"
        )
    if len(candidates) == 1:
        enc, text = candidates[0]
        return text, enc
    return _best_legacy(data, candidates)


def _strict(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"the input starts with a {name} byte-order mark but is not valid {name}: {exc.reason} "
            f"at byte {exc.start}"
        ) from exc


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) // 2
    for enc, nul in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        if nul >= half * 0.2:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _readable(text) > 0.9:
                return text, enc
    return None


def _readable(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return good / len(text)


def _best_legacy(data: bytes, candidates: list[tuple[str, str]]) -> tuple[str, str]:
    def japanese_share(text: str) -> float:
        jp = sum(
            1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or ch in "。、「」"
        )
        return jp / max(1, len(text))

    scored = sorted(candidates, key=lambda c: -japanese_share(c[1]))
    if abs(japanese_share(scored[0][1]) - japanese_share(scored[1][1])) > 0.02:
        enc, text = scored[0]
        return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=[c[0] for c in candidates]).best()
    if best is not None:
        for enc, text in candidates:
            if codecs.lookup(enc).name == codecs.lookup(best.encoding).name:
                return text, enc
    enc, text = candidates[0]
    return text, enc


def looks_like_html(data: bytes | str) -> bool:
    """True for documents and fragments that are markup rather than prose."""
    head = data[:2048] if isinstance(data, bytes) else data[:2048].encode("utf-8", "replace")
    if _HTML_SNIFF.match(head):
        return True
    sample = data[:20000] if isinstance(data, str) else data[:20000].decode("utf-8", "replace")
    return len(_HTML_TAGS.findall(sample)) >= 3


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    aliases = {
        "shift_jis": "cp932",
        "shift-jis": "cp932",
        "sjis": "cp932",
        "x-sjis": "cp932",
        "windows-31j": "cp932",
        "euc-jp": "euc_jp",
        "eucjp": "euc_jp",
    }
    name = aliases.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def html_to_text(markup: str) -> str:
    """The main text of an HTML document or fragment (paragraphs separated by blank lines)."""
    import trafilatura

    text = None
    if len(markup) > 200:
        text = trafilatura.extract(
            markup, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
        )
    if not text:
        text = _lxml_text(markup)
    return text.strip("\n")


def _lxml_text(markup: str) -> str:
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]*>", "", markup)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    blocks = []
    text = root.text_content() if hasattr(root, "text_content") else ""
    for line in text.splitlines():
        line = line.strip()
        if line:
            blocks.append(line)
    return "\n".join(blocks)


def ingest(item: str | bytes | Path, *, html: bool | None = None, source: str | None = None) -> Ingested:
    """Read one article. ``str`` is taken as the text itself; ``Path`` is read from disk.

    ``html=None`` sniffs the content (and the suffix of a path); True/False forces it.
    """
    if isinstance(item, Path):
        try:
            data = item.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {item}: {exc.strerror or exc}") from exc
        if html is None and item.suffix.lower() in (".html", ".htm", ".xhtml"):
            html = True
        return ingest(data, html=html, source=source or str(item))
    if isinstance(item, bytes | bytearray | memoryview):
        data = bytes(item)
        is_html = looks_like_html(data) if html is None else html
        if is_html:
            declared = declared_charset(data)
            if declared:
                try:
                    markup, enc = data.decode(declared), declared
                except UnicodeDecodeError:
                    markup, enc = decode_bytes(data)
            else:
                markup, enc = decode_bytes(data)
            return Ingested(html_to_text(markup), source, enc, "html")
        text, enc = decode_bytes(data)
        return Ingested(text, source, enc, "text")
    if isinstance(item, str):
        # A str is the user's own text: only an unmistakable HTML document is converted.
        is_html = bool(_HTML_SNIFF.match(item[:2048].encode("utf-8", "replace"))) if html is None else html
        if is_html:
            return Ingested(html_to_text(item), source, "str", "html")
        return Ingested(item, source, "str", "text")
    raise InputError(f"an article must be str, bytes or a pathlib.Path, not {type(item).__name__}")
