"""The primary region (Paris): owns the writable database."""

from __future__ import annotations

from typing import Any

import pulumi

from stacks.config import StackConfig
from stacks.regional import build_regional


def build_primary(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    regional = build_regional(cfg, secrets)
    return regional.outputs
