"""The one table of exit codes: every `coko` command returns one of these, nothing else.

`coko --help` prints :func:`help_text`, docs/ops.md carries the same rows (a test compares them),
and no command passes a foreign code through: a one-off task's container code is reported in the
message and the JSON, while the CLI exits 3. Cheap to import (no boto3, no rich).
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    CONTAINER = 3
    AWS = 4
    PARTIAL = 5
    TIMEOUT = 124
    INTERRUPTED = 130  # 128 + SIGINT
    TERMINATED = 143  # 128 + SIGTERM: what CI cancellation sends


MEANINGS: dict[Exit, str] = {
    Exit.OK: "success",
    Exit.FAILED: "the check or operation failed or was refused (policy violation, preview failure, "
    "rollback refused or not verified, service not steady, task failed to start, confirmation declined)",
    Exit.USAGE: "usage or configuration error (bad option, unknown stack, bad stack file, no such cluster or service)",
    Exit.CONTAINER: "a one-off task ran and its container exited non-zero (the container's code is in the message and the JSON)",
    Exit.AWS: "AWS refused or could not be reached (credentials, access denied, throttling or connect/read timeouts beyond retries)",
    Exit.PARTIAL: "a rollback stopped partway: some services moved, others are pending; rerun to resume",
    Exit.TIMEOUT: "timed out (--timeout of a task or wait, or the command's --deadline)",
    Exit.INTERRUPTED: "interrupted by Ctrl-C (SIGINT)",
    Exit.TERMINATED: "terminated by SIGTERM (e.g. a cancelled CI job)",
}


def help_text() -> str:
    """The table as `coko --help` shows it (one paragraph per code: typer reflows single newlines)."""
    return "Exit codes:\n\n" + "\n\n".join(f"{int(code)}: {meaning}" for code, meaning in MEANINGS.items())
