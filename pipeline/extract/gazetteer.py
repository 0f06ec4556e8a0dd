"""The entity gazetteer: canonical names with English and Chinese aliases.

Shipped in models/gazetteer.jsonl; users add or override entries without
touching code by pointing $NEOCLOUD_GAZETTEER at one or more JSON Lines files
(separated by ":"), each line {"canonical", "label", "en": [...], "zh": [...]}
with optional "operator" (who runs a facility) and "parent" (the region a
place lies in). A user entry with the same canonical name replaces the shipped one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import NeocloudError
from pipeline.ingest.language import han_count

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "gazetteer.jsonl"
GAZETTEER_ENV = "NEOCLOUD_GAZETTEER"
_CORPORATE_SUFFIX = re.compile(
    r"[,\s]+(?:Inc\.?|Corp\.?|Corporation|Ltd\.?|Limited|LLC|Co\.|PLC|plc|AG|SA|GmbH)$"
)
_ZH_SUFFIX = re.compile(r"(?:股份有限公司|有限公司|公司|集团|集團)$")


@dataclass(frozen=True)
class Entry:
    canonical: str
    label: str
    aliases: tuple[str, ...]
    operator: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_alias = {
            _key(alias): entry for entry in self.entries.values() for alias in entry.aliases
        }
        aliases = sorted(self._by_alias, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(a) for a in aliases)) if aliases else None

    def lookup(self, text: str) -> Entry | None:
        """The entry whose alias is `text`, after trivial variants are removed."""
        return self._by_alias.get(_key(text)) or self._by_alias.get(_key(canonical_form(text)))

    def find(self, text: str) -> list[Match]:
        """Alias occurrences in `text`, longest first, Latin aliases on word boundaries."""
        if self._pattern is None:
            return []
        found: list[Match] = []
        for m in self._pattern.finditer(_key(text)):
            if _is_latin(m.group(0)) and not _on_word_boundaries(text, m.start(), m.end()):
                continue
            found.append(Match(m.start(), m.end(), self._by_alias[m.group(0)]))
        return found


def canonical_form(text: str) -> str:
    """Merge trivial variants of an unknown name: "the", possessives, quotes, corporate suffixes."""
    text = unicodedata.normalize("NFKC", text).strip(" \t\"'“”‘’[]()《》「」,.;:-–—*•")
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"['’]s$", "", text)
    text = _CORPORATE_SUFFIX.sub("", text)
    if han_count(text) and len(text) > 3:
        text = _ZH_SUFFIX.sub("", text)
    return " ".join(text.split())


def _key(text: str) -> str:
    # NFKC keeps the length of the text we match on for CJK and Latin alike,
    # except for rare compatibility characters, which we leave as they are.
    normal = unicodedata.normalize("NFKC", text)
    return normal if len(normal) == len(text) else text


def _is_latin(text: str) -> bool:
    return not han_count(text)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def load(paths: list[Path]) -> Gazetteer:
    entries: dict[str, Entry] = {}
    for path in paths:
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                entry = _entry(line, f"{path}:{line_no}")
                entries[entry.canonical] = entry
    return Gazetteer(entries)


def _entry(line: str, where: str) -> Entry:
    try:
        data = json.loads(line)
        aliases = (data["canonical"], *data.get("en", []), *data.get("zh", []))
        return Entry(
            canonical=data["canonical"],
            label=data["label"],
            aliases=tuple(dict.fromkeys(aliases)),
            operator=data.get("operator"),
            parent=data.get("parent"),
        )
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise NeocloudError(
            f"{where}: bad gazetteer entry ({exc}); each line needs "
            '{"canonical": ..., "label": ..., "en": [...], "zh": [...]}'
        ) from exc
