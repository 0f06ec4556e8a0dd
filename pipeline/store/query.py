"""Read-only SQL for users, and the three output formats of `neocloud sql`."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import NeocloudError
from pipeline.ingest.paragraphs import display_width
from pipeline.store.connect import open_readonly

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def run_query(db: Path, sql: str, params: list[Any] | None = None) -> QueryResult:
    """Run `sql` on a connection that cannot change anything."""
    con = open_readonly(db)
    try:
        cursor = con.execute(sql, params) if params else con.execute(sql)
        if cursor.description is None:
            return QueryResult((), ())
        columns = tuple(d[0] for d in cursor.description)
        return QueryResult(columns, tuple(tuple(r) for r in cursor.fetchall()))
    except (duckdb.InvalidInputException, duckdb.PermissionException) as exc:
        raise NeocloudError(
            f"the store is read-only for `neocloud sql`: {_first_line(exc)}; "
            "use SELECT (or WITH ... SELECT) to query it"
        ) from exc
    except duckdb.Error as exc:
        raise NeocloudError(f"SQL error: {_first_line(exc)}") from exc
    finally:
        con.close()


def format_result(result: QueryResult, fmt: str, max_width: int = 60) -> str:
    """`table` (cells cut to `max_width` columns, 0 for no limit), `csv` or `json` (never cut)."""
    if fmt == "csv":
        return _csv(result)
    if fmt == "json":
        return _json(result)
    return _table(result, max_width)


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_plain(v) for v in row] for row in result.rows])
    return out.getvalue().rstrip("\n")


def _json(result: QueryResult) -> str:
    records = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2, default=_json_default)


def _table(result: QueryResult, max_width: int) -> str:
    """A plain aligned table; CJK characters count two columns wide."""
    cells = [list(result.columns)] + [
        [_cut(_plain(v), max_width) for v in row] for row in result.rows
    ]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(result.columns))]
    lines = [_row(cells[0], widths), "  ".join("-" * w for w in widths)]
    lines += [_row(row, widths) for row in cells[1:]]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _row(values: list[str], widths: list[int]) -> str:
    return "  ".join(
        v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)
    ).rstrip()


def _cut(text: str, max_width: int) -> str:
    if not max_width or _width(text) <= max_width:
        return text
    out, used = "", 0
    for ch in text:
        used += _width(ch)
        if used > max_width - 1:
            break
        out += ch
    return out + "…"


_width = display_width


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    text = str(value)
    return text.replace("\n", " ")


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
