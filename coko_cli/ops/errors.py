"""Exit codes and the one exception type for expected failures (cheap to import: no boto3)."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """Exit codes shared by the ops commands (migrate also passes the container's code through)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    AWS = 4
    TIMEOUT = 124


class OpsError(Exception):
    """An expected failure: one message for stderr and the exit code to leave with."""

    def __init__(self, message: str, code: int = Exit.FAILED, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = int(code)
        self.hint = hint
