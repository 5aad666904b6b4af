"""Output: rich for people (stdout for results, stderr for progress and errors), JSON for machines.

With ``--json`` stdout carries exactly one JSON document and nothing else, so a CI step can
pipe it to jq; progress and errors still go to stderr.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.status import Status


class Output:
    """Where a command writes; created per invocation so redirected streams are honoured."""

    def __init__(self, as_json: bool = False):
        self.as_json = as_json
        self.out = Console(highlight=False, soft_wrap=False)
        self.err = Console(stderr=True, highlight=False)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Human output; silent in JSON mode."""
        if not self.as_json:
            self.out.print(*objects, **kwargs)

    def line(self, text: str, style: str | None = None) -> None:
        """A raw line (e.g. a container log line): no markup interpretation, no wrapping."""
        if not self.as_json:
            self.out.print(escape(text), style=style, soft_wrap=True)

    def note(self, message: str) -> None:
        """Progress or context for the human; stderr so stdout stays parseable."""
        self.err.print(message)

    def warn(self, message: str) -> None:
        self.err.print(f"[yellow]warning:[/] {message}")

    def error(self, message: str, hint: str | None = None) -> None:
        self.err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
        if hint:
            self.err.print(f"  {escape(hint)}", soft_wrap=True)

    def emit_json(self, document: Any) -> None:
        if self.as_json:
            print(json.dumps(document, indent=2, default=_default, sort_keys=False))

    @contextmanager
    def status(self, message: str) -> Iterator[Status | None]:
        """A live spinner on stderr while waiting (nothing when stderr is not a terminal)."""
        if self.err.is_terminal:
            with self.err.status(message) as status:
                yield status
        else:
            yield None


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def when(value: datetime | None) -> str:
    """UTC, so operators in Paris and Cape Town read the same time."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"


def short_td(arn: str | None) -> str:
    """'arn:…:task-definition/coko-production-backend:12' -> 'coko-production-backend:12'."""
    return arn.rsplit("/", 1)[-1] if arn else "-"


def short_image(image: str, width: int = 24) -> str:
    """Keep the repository name and the tag, shorten a digest to 12 hex characters."""
    name, _, digest = image.partition("@")
    repo = name.rsplit("/", 1)[-1]
    if digest:
        algo, _, hexes = digest.partition(":")
        repo += f"@{algo}:{hexes[:12]}"
    return repo if len(repo) <= width + 40 else repo[: width + 37] + "..."
