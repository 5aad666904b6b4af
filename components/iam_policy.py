"""IAM policy documents as plain data: one way to write an Allow statement and a document.

Plain functions of resolved ARNs, so policies are testable without Pulumi. Keys keep IAM's
conventional order (Sid, Effect, Action, Resource, Condition).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

Statement = dict[str, Any]


def allow(sid: str, actions: Sequence[str], resources: str | Sequence[str], condition: Mapping[str, Any] | None = None) -> Statement:
    """One Allow statement; ``condition`` as IAM writes it, e.g. {"StringEquals": {...}}."""
    statement: Statement = {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources}
    if condition:
        statement["Condition"] = dict(condition)
    return statement


def document(statements: Sequence[Statement]) -> str:
    """The JSON policy document IAM expects."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
