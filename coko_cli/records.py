"""Rows that read well in a terminal and in a CI log: a rich table, or one plain line per record.

A table is shown only when stdout is a terminal wide enough for it; otherwise (a pipe, a CI
log, a narrow window) every record becomes one line ``<kind> key=value key="two words" …`` that
never depends on the width and never drops a field — the table may shorten a cell (an image
digest), the line keeps the full value. Used by the ops commands, `coko check` and `coko preview`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Column:
    """One field: its table header, its key in the row and in the plain line."""

    header: str
    key: str
    short: Callable[[str], str] | None = None  # table cell only
    style: Callable[[str], str | None] | None = None  # table cell only
    justify: str = "left"
    fold: bool = False  # let the table wrap this column instead of the others


@dataclass
class Records:
    kind: str  # first word of each plain line: "service", "finding", …
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)


def value_text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def logfmt(value: Any) -> str:
    """Quote only when needed, so `grep key=value` works on the log."""
    text = value_text(value)
    return json.dumps(text, ensure_ascii=False) if any(c in text for c in ' "=\t\n') else text


def plain_line(kind: str, columns: Sequence[Column], row: dict[str, Any]) -> str:
    return " ".join([kind, *(f"{c.key}={logfmt(row.get(c.key))}" for c in columns)])


def table(records: Records) -> Table:
    out = Table(title=records.title, title_justify="left")
    for c in records.columns:
        out.add_column(c.header, justify=c.justify, no_wrap=not c.fold, overflow="fold")  # type: ignore[arg-type]
    for row in records.rows:
        cells = []
        for c in records.columns:
            text = value_text(row.get(c.key))
            cell = Text(c.short(text) if c.short else text)
            style = c.style(text) if c.style else None
            if style:
                cell.stylize(style)
            cells.append(cell)
        out.add_row(*cells)
    return out


def fits(console: Console, renderable: Any) -> bool:
    """A terminal wide enough to show the renderable without wrapping a cell."""
    natural = Measurement.get(console, console.options.update_width(10_000), renderable).maximum  # unwrapped width
    return console.is_terminal and natural <= console.width


def show(console: Console, groups: Sequence[Records], *, skip_empty: bool = True) -> None:
    """Tables when they all fit the terminal, else plain lines (all groups the same way)."""
    shown = [g for g in groups if g.rows or not skip_empty]
    tables = [table(g) for g in shown]
    if all(fits(console, t) for t in tables):
        for t in tables:
            console.print(t)
        return
    for g in shown:
        for row in g.rows:
            console.out(plain_line(g.kind, g.columns, row), highlight=False)
