"""Reading image references: what `--image-tag` and `coko releases` rely on."""

from __future__ import annotations

import pytest

from coko_cli.ops.taskdefs import matches_tag, split_arn, split_image

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("123.dkr.ecr.eu-west-3.amazonaws.com/coko@" + DIGEST, (None, DIGEST)),
        ("123.dkr.ecr.eu-west-3.amazonaws.com/coko:v7", ("v7", None)),
        ("123.dkr.ecr.eu-west-3.amazonaws.com/coko:v7@" + DIGEST, ("v7", DIGEST)),
        ("registry.local:5000/coko", (None, None)),
        ("registry.local:5000/coko:3f2a1c9", ("3f2a1c9", None)),
    ],
)
def test_split_image_does_not_mistake_a_registry_port_for_a_tag(image: str, expected: tuple[str | None, str | None]) -> None:
    assert split_image(image) == expected


def test_a_revision_matches_its_tag_label_or_digest_prefix_but_not_a_short_prefix() -> None:
    container = {"image": "repo/coko@" + DIGEST, "dockerLabels": {"org.opencontainers.image.version": "2026.11.3"}}
    assert matches_tag(container, "2026.11.3")
    assert matches_tag(container, DIGEST[:14])
    assert not matches_tag(container, "sha256:ab")
    assert not matches_tag(container, "2026.11")


def test_split_arn_takes_the_family_and_revision() -> None:
    assert split_arn("arn:aws:ecs:eu-west-3:1:task-definition/coko-production-backend:12") == ("coko-production-backend", 12)
