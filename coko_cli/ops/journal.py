"""The rollback journal: what a rollback set out to do and how far it got, as tags on the cluster.

A rollback moves three services with three UpdateService calls; any of them can fail. The
journal is written before the first call and after each one, so the next run — from any
machine, a CI runner is gone after the job — knows the release it was moving to and resumes
instead of planning a new rollback from the half-moved state. Tags need no extra service
(``ecs:TagResource``/``UntagResource``/``ListTagsForResource`` on the cluster) and vanish when
the rollback completes. Tag values allow letters, digits, spaces and ``+ - = . _ : / @``:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-using-tags.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from coko_cli.ops.aws import aws_errors

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

PREFIX = "coko:rollback:"
RELEASE, FROM, TARGETS, DONE, STARTED = (PREFIX + k for k in ("release", "from", "targets", "done", "started"))


@dataclass
class Journal:
    release: str  # what the services move to (tag or digest)
    from_release: str
    targets: dict[str, str]  # role -> "family:revision"
    done: list[str] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def tags(self) -> list[dict[str, str]]:
        values = {
            RELEASE: self.release,
            FROM: self.from_release,
            TARGETS: " ".join(f"{role}={label}" for role, label in self.targets.items()),
            DONE: " ".join(self.done) or "-",
            STARTED: self.started,
        }
        return [{"key": k, "value": v[:256]} for k, v in values.items()]


def read(ecs: ECSClient, cluster: str) -> Journal | None:
    with aws_errors():
        tags = {t["key"]: t["value"] for t in ecs.list_tags_for_resource(resourceArn=cluster).get("tags", []) if "key" in t and "value" in t}
    if RELEASE not in tags or TARGETS not in tags:
        return None
    targets = dict(pair.split("=", 1) for pair in tags[TARGETS].split() if "=" in pair)
    done = [role for role in tags.get(DONE, "").split() if role != "-"]
    return Journal(tags[RELEASE], tags.get(FROM, "?"), targets, done, tags.get(STARTED, "?"))


def write(ecs: ECSClient, cluster: str, journal: Journal) -> None:
    with aws_errors():
        ecs.tag_resource(resourceArn=cluster, tags=journal.tags())  # type: ignore[arg-type]


def clear(ecs: ECSClient, cluster: str) -> None:
    with aws_errors():
        ecs.untag_resource(resourceArn=cluster, tagKeys=[RELEASE, FROM, TARGETS, DONE, STARTED])
