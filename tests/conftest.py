"""Shared fixtures: each stack's offline preview, run once per test session in both modes."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

# Previews inside the test processes stay in-process: forking a process that already runs threads
# (moto servers, log followers) can deadlock a worker. Tests of the forked runner set it themselves
# in a fresh subprocess.
os.environ.setdefault("COKO_PREVIEW_JOBS", "1")

from coko_cli.offline.runner import StackPreview, run_stacks

STACKS = ("production", "capetown")


@pytest.fixture(scope="session")
def previews() -> dict[str, dict[str, StackPreview]]:
    """{mode: {stack: StackPreview}} for mode in preview/up."""
    return {mode: {p.stack: p for p in run_stacks(list(STACKS), mode)} for mode in ("preview", "up")}


@pytest.fixture(scope="session")
def up(previews: dict[str, dict[str, StackPreview]]) -> dict[str, StackPreview]:
    """Every output resolved, as after `pulumi up`."""
    return previews["up"]


@pytest.fixture(params=STACKS)
def preview(request: pytest.FixtureRequest, up: dict[str, StackPreview]) -> StackPreview:
    """Each AWS stack's up-mode preview in turn: a test that takes it runs once per stack."""
    stack: str = request.param
    return up[stack]


def of_type(preview: StackPreview, type_: str) -> list[Any]:
    """Resources of one Pulumi type token, e.g. aws:rds/instance:Instance."""
    return [r for r in preview.resources if r.type == type_]


def one(preview: StackPreview, type_: str, name_contains: str = "") -> Any:
    found = [r for r in of_type(preview, type_) if name_contains in r.name]
    assert len(found) == 1, f"expected one {type_} matching {name_contains!r} in {preview.stack}, found {[r.name for r in found]}"
    return found[0]


@pytest.fixture
def find() -> Callable[..., Any]:
    return one


def assert_on_data_subnets(preview: StackPreview, subnet_group_type: str, subnet_group_name: str) -> None:
    """A data store's own subnet group spans exactly the data tier's subnets, and the store uses it."""
    subnet_group = one(preview, subnet_group_type)
    data_subnets = {s.outputs["id"] for s in of_type(preview, "aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == "data"}
    assert set(subnet_group.inputs["subnetIds"]) == data_subnets
    assert subnet_group_name == subnet_group.outputs["name"]


def stack_key(preview: StackPreview) -> Any:
    """The stack's regional CMK (the edge key for WAF logs lives in us-east-1 beside it)."""
    return one(preview, "aws:kms/key:Key", f"coko-{preview.stack}-kms-key")
