"""The exceptions of the ops commands (cheap to import: no boto3).

`OpsError` is the project's one "list of problems" exception (`ProblemsError`) with the exit
code to leave with; `Interrupted` is raised by the SIGINT/SIGTERM handlers so that code in
flight (a one-off task, a rollback) can stop or hand over what it started before the CLI exits.
"""

from __future__ import annotations

from typing import Any

from coko_cli.exit_codes import Exit
from coko_contract.problems import ProblemsError

__all__ = ["Exit", "Interrupted", "OpsError"]


class OpsError(ProblemsError):
    """An expected failure: one or more lines for stderr, an exit code, an optional hint."""

    def __init__(self, message: str | list[str], code: int = Exit.FAILED, hint: str | None = None, *, transient: bool = False):
        super().__init__([message] if isinstance(message, str) else list(message))
        self.message = " ".join(self.problems)
        self.code = int(code)
        self.hint = hint
        self.transient = transient  # throttling, 5xx, timeouts: worth another poll while waiting

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "problems": self.problems, "hint": self.hint}


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; `code` is 130 or 143."""

    def __init__(self, signal_name: str, code: int):
        super().__init__(signal_name)
        self.signal_name = signal_name
        self.code = code
