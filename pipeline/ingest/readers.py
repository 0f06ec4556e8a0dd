"""Readers: a file on disk to `RawDocument`s (or `ReadError`s for records that fail).

Each reader handles one format; `read_file` picks by suffix. A JSON Lines file
can hold many documents, and one bad record there does not lose the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from pipeline.errors import UnreadableFile
from pipeline.ingest.encoding import decode
from pipeline.ingest.paragraphs import join_lines
from pipeline.records import RawDocument, ReadError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")

_TEXT_KEYS = ("text", "content", "body")
_TITLE_KEYS = ("title", "headline")
_URL_KEYS = ("url", "source_url", "link")
_PUBLISHER_KEYS = ("publisher", "source", "site", "sitename")
_DATE_KEYS = ("published_on", "published", "date", "published_at")


def find_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the supported files they hold, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        elif path.exists():
            yield path
        else:
            raise UnreadableFile(f"{path}: no such file or folder")


def read_file(path: Path, data: bytes | None = None) -> list[RawDocument | ReadError]:
    """Read one file (or its bytes, when the caller has them). Raises `UnreadableFile`
    when the whole file is unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUFFIXES)}"
        )
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFile(f"{path}: cannot read ({exc.strerror})") from exc
    text = decode(data, str(path))
    if suffix in (".md", ".markdown"):
        return [read_markdown(text, str(path))]
    if suffix in (".html", ".htm"):
        return [read_html(text, str(path))]
    if suffix == ".json":
        return read_json(text, str(path))
    if suffix == ".jsonl":
        return read_jsonl(text, str(path))
    return [RawDocument(path=str(path), text=text)]


def read_markdown(text: str, path: str) -> RawDocument:
    """Paragraphs, headings and list items of a Markdown file, one per line."""
    front, body = _split_front_matter(text)
    blocks: list[str] = []
    title = front.get("title")
    for token in MarkdownIt().parse(body):
        if token.type != "inline":
            continue
        line = _inline_text(token.children or [])
        if not line:
            continue
        if title is None and token.map is not None and _is_h1(body, token.map[0]):
            title = line
        blocks.append(line)
    return RawDocument(
        path=path,
        text="\n\n".join(blocks),
        title=title,
        source_url=front.get("url") or front.get("source_url"),
        publisher=front.get("publisher") or front.get("source"),
        published_on=_parse_date(front.get("date") or front.get("published")),
        one_paragraph_per_line=True,
    )


def read_html(html: str, path: str) -> RawDocument:
    """Main text and metadata of a web page, extracted with trafilatura."""
    import trafilatura  # slow import: only for HTML input

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    # trafilatura types the result as "Document or dict"; without as_dict=True it is a Document.
    found: dict[str, Any] = {} if extracted is None else dict(extracted.as_dict())  # type: ignore[union-attr]
    text = found.get("text") or ""
    if not text.strip():
        raise UnreadableFile(f"{path}: no main text found in the HTML page")
    return RawDocument(
        path=path,
        text=text,
        title=found.get("title") or None,
        source_url=found.get("url") or None,
        publisher=found.get("sitename") or None,
        published_on=_parse_date(found.get("date")),
        one_paragraph_per_line=True,
    )


def read_json(text: str, path: str) -> list[RawDocument | ReadError]:
    """A JSON object, or a list of objects, each with `text` and optional metadata."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    records = data if isinstance(data, list) else [data]
    if len(records) == 1:
        return [_from_record(records[0], path)]
    return [_from_record(rec, f"{path}#{i}") for i, rec in enumerate(records)]


def read_jsonl(text: str, path: str) -> list[RawDocument | ReadError]:
    """One JSON object per line; a bad line is an error for that record only."""
    out: list[RawDocument | ReadError] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}#{line_no}"
        try:
            out.append(_from_record(json.loads(line), where))
        except json.JSONDecodeError as exc:
            out.append(ReadError(where, f"invalid JSON: {exc.msg}"))
    if not out:
        raise UnreadableFile(f"{path}: no records")
    return out


def _from_record(record: Any, where: str) -> RawDocument | ReadError:
    if not isinstance(record, dict):
        return ReadError(where, f"expected a JSON object, got {type(record).__name__}")
    text = _first(record, _TEXT_KEYS)
    if not text or not text.strip():
        return ReadError(where, f"record has no text (give one of: {', '.join(_TEXT_KEYS)})")
    return RawDocument(
        path=where,
        text=text,
        title=_first(record, _TITLE_KEYS),
        source_url=_first(record, _URL_KEYS),
        publisher=_first(record, _PUBLISHER_KEYS),
        published_on=_parse_date(_first(record, _DATE_KEYS)),
    )


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _parse_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-style `key: value` front matter between `---` lines, if present."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            pairs = (ln.split(":", 1) for ln in lines[1:end] if ":" in ln)
            front = {k.strip().lower(): v.strip().strip("\"'") for k, v in pairs}
            return front, "\n".join(lines[end + 1 :])
    return {}, text


def _is_h1(body: str, line_no: int) -> bool:
    lines = body.splitlines()
    return line_no < len(lines) and lines[line_no].lstrip().startswith("# ")


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    lines = [p.strip() for p in "".join(parts).split("\n") if p.strip()]
    return join_lines(lines) if lines else ""
