"""Output: results on stdout, progress and errors on stderr, one JSON document for machines.

With ``--json`` stdout carries exactly one JSON document and nothing else (the command wrapper
in `coko_cli.ops.command` prints it on every exit path); progress and errors stay on stderr.
Tables become plain lines outside a wide terminal (`coko_cli.records`), and while waiting a
progress line is printed at least every PROGRESS_EVERY seconds when no spinner can be shown.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape

from coko_cli.records import Records, show

PROGRESS_EVERY = 15.0  # seconds of silence allowed in a CI log while waiting


class Output:
    """Where a command writes; created per invocation so redirected streams are honoured."""

    def __init__(self, as_json: bool = False):
        self.as_json = as_json
        self.out = Console(highlight=False, soft_wrap=False, emoji=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

    def records(self, groups: Sequence[Records]) -> None:
        """Tables in a wide terminal, one line per record elsewhere; silent in JSON mode."""
        if not self.as_json:
            show(self.out, groups)

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
        self.err.print(f"[yellow]warning:[/] {escape(message)}")

    def error(self, message: str, hint: str | None = None) -> None:
        self.err.print(f"[bold red]error:[/] {escape(message)}")
        if hint:
            self.err.print(f"  {escape(hint)}")

    def emit_json(self, document: Any) -> None:
        if self.as_json:
            print(json.dumps(document, indent=2, default=_default, sort_keys=False), flush=True)

    @contextmanager
    def progress(self, message: str) -> Iterator[Progress]:
        """A spinner in a terminal; elsewhere a line on change and at least every PROGRESS_EVERY s."""
        progress = Progress(self.err, message)
        try:
            yield progress
        finally:
            progress.close()


class Progress:
    """Waiting made visible: `update` with the current state, elapsed time is added here."""

    def __init__(self, console: Console, message: str):
        self.console, self.message = console, message
        self.started = self.last_printed = time.monotonic()
        self.printed: str | None = None
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.spinner = console.status(message) if console.is_terminal else None
        if self.spinner is not None:
            self.spinner.start()
        else:
            self._emit()
            threading.Thread(target=self._heartbeat, name="coko-progress", daemon=True).start()

    def update(self, message: str) -> None:
        with self.lock:
            self.message = message
        if self.spinner is not None:
            self.spinner.update(f"{message} ({time.monotonic() - self.started:.0f}s)")
        elif message != self.printed:
            self._emit()

    def close(self) -> None:
        self.stopped.set()
        if self.spinner is not None:
            self.spinner.stop()

    def _emit(self) -> None:
        with self.lock:
            self.printed, self.last_printed = self.message, time.monotonic()
            self.console.print(f"… {escape(self.message)} ({self.last_printed - self.started:.0f}s)")

    def _heartbeat(self) -> None:
        while not self.stopped.wait(min(PROGRESS_EVERY, 1.0)):
            if time.monotonic() - self.last_printed >= PROGRESS_EVERY and not self.stopped.is_set():
                self._emit()


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
