"""Follow a task's awslogs stream while it runs.

The stream name is derived the way the awslogs driver builds it:
``<awslogs-stream-prefix>/<container name>/<task id>``
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

TAIL_LINES = 30


def log_location(task_definition: dict[str, Any], container: str, task_arn: str) -> tuple[str, str] | None:
    """(group, stream) for the container, or None when it does not log through awslogs."""
    for definition in task_definition.get("containerDefinitions") or []:
        if definition.get("name") != container:
            continue
        config = definition.get("logConfiguration") or {}
        options = config.get("options") or {}
        if config.get("logDriver") != "awslogs" or "awslogs-group" not in options:
            return None
        prefix = options.get("awslogs-stream-prefix")
        task_id = task_arn.rsplit("/", 1)[-1]
        stream = f"{prefix}/{container}/{task_id}" if prefix else task_id
        return options["awslogs-group"], stream
    return None


@dataclass
class LogFollower:
    """Incremental reader: each poll returns only lines not seen yet, and keeps a tail."""

    logs: Any  # a boto3 CloudWatch Logs client
    group: str
    stream: str
    token: str | None = None
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))

    def poll(self) -> list[str]:
        lines: list[str] = []
        while True:
            kwargs: dict[str, Any] = {"logGroupName": self.group, "logStreamName": self.stream, "startFromHead": True}
            if self.token:
                kwargs["nextToken"] = self.token
            try:
                response = self.logs.get_log_events(**kwargs)
            except ClientError as exc:  # the stream appears only once the container has started
                if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    return lines
                raise
            batch = [str(event.get("message", "")).rstrip("\n") for event in response.get("events", [])]
            lines += batch
            token = response.get("nextForwardToken")
            if not batch or token == self.token:
                self.token = token
                break
            self.token = token
        self.tail.extend(lines)
        return lines
