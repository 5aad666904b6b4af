"""Task-definition revisions: list a family, read the image a revision runs, match a tag.

`pulumi up` writes the image by digest (``repo@sha256:…``), so a tag is not always in the
image string. A revision matches ``--image-tag TAG`` when the role's container image carries
``:TAG`` (``repo:TAG`` or ``repo:TAG@sha256:…``) or one of the docker labels in IMAGE_TAG_LABELS
equals TAG. The digest itself (or a prefix of it, ``sha256:ab12…``) is accepted as a tag too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import aws_errors
from coko_contract import names as naming

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

IMAGE_TAG_LABELS: tuple[str, ...] = ("coko.image.tag", "org.opencontainers.image.version")


@dataclass(frozen=True)
class Revision:
    """One revision of a family, reduced to what an operator compares."""

    arn: str
    family: str
    revision: int
    status: str
    image: str
    tag: str | None
    digest: str | None
    registered_at: datetime | None

    @property
    def label(self) -> str:
        return f"{self.family}:{self.revision}"

    def as_json(self) -> dict[str, Any]:
        return {
            "taskDefinitionArn": self.arn,
            "family": self.family,
            "revision": self.revision,
            "status": self.status,
            "image": self.image,
            "imageTag": self.tag,
            "imageDigest": self.digest,
            "registeredAt": self.registered_at.isoformat() if self.registered_at else None,
        }


def split_arn(arn: str) -> tuple[str, int]:
    """'arn:…:task-definition/fam:12' or 'fam:12' -> ('fam', 12)."""
    family, _, revision = arn.rsplit("/", 1)[-1].rpartition(":")
    return family, int(revision)


def split_image(image: str) -> tuple[str | None, str | None]:
    """(tag, digest) from an image reference; a registry port is not a tag."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else None
    return tag, digest or None


def container_of(task_definition: dict[str, Any], role: str) -> dict[str, Any]:
    containers = task_definition.get("containerDefinitions") or [{}]
    wanted = naming.container_name(role)
    return next((c for c in containers if c.get("name") == wanted), containers[0])


def image_tags(container: dict[str, Any]) -> set[str]:
    """Every name the operator may use for the image this container runs."""
    tag, digest = split_image(container.get("image", ""))
    names = {t for t in (tag, digest) if t}
    labels = container.get("dockerLabels") or {}
    names.update(labels[k] for k in IMAGE_TAG_LABELS if labels.get(k))
    return names


def matches_tag(container: dict[str, Any], wanted: str) -> bool:
    names = image_tags(container)
    return wanted in names or (wanted.startswith("sha256:") and len(wanted) >= 14 and any(n.startswith(wanted) for n in names))


def to_revision(task_definition: dict[str, Any], role: str) -> Revision:
    container = container_of(task_definition, role)
    image = container.get("image", "")
    tag, digest = split_image(image)
    labels = container.get("dockerLabels") or {}
    tag = tag or next((labels[k] for k in IMAGE_TAG_LABELS if labels.get(k)), None)
    return Revision(
        arn=task_definition["taskDefinitionArn"],
        family=task_definition["family"],
        revision=int(task_definition["revision"]),
        status=task_definition.get("status", "ACTIVE"),
        image=image,
        tag=tag,
        digest=digest,
        registered_at=task_definition.get("registeredAt"),
    )


def describe(ecs: ECSClient, arn: str) -> dict[str, Any]:
    with aws_errors():
        return dict(ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"])


def family_arns(ecs: ECSClient, family: str, status: str = "ACTIVE") -> list[str]:
    """Revision ARNs of exactly this family, newest first (the prefix filter also matches longer names)."""
    with aws_errors():
        pages = ecs.get_paginator("list_task_definitions").paginate(familyPrefix=family, status=status, sort="DESC")  # type: ignore[arg-type]
        arns = [arn for page in pages for arn in page["taskDefinitionArns"]]
    return sorted((a for a in arns if split_arn(a)[0] == family), key=lambda a: split_arn(a)[1], reverse=True)
