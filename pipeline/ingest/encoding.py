"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK and Big5."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from pipeline.errors import UnreadableFile

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy encodings we expect in EN/ZH news; restricting the detector keeps it
# from picking an exotic code page for short Chinese texts.
_LEGACY = ["gb18030", "big5", "cp1252"]
# Share of control characters above which we call the bytes binary, not text.
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes, name: str) -> str:
    """Decode a file's bytes, raising `UnreadableFile` with a reason when it is not text."""
    if not data.strip():
        raise UnreadableFile(f"{name}: file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), name)
    if b"\x00" in data:
        raise UnreadableFile(f"{name}: binary file (contains NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None:
        raise UnreadableFile(
            f"{name}: not UTF-8, GB18030/GBK or Big5; convert it to UTF-8 (e.g. with iconv)"
        )
    return _checked(str(best), name)


def _checked(text: str, name: str) -> str:
    text = text.lstrip("\ufeff")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise UnreadableFile(f"{name}: looks binary ({controls} control characters), not text")
    if not text.strip():
        raise UnreadableFile(f"{name}: file holds only whitespace")
    return text
