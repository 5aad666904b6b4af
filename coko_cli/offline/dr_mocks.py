"""Offline answers for the disaster-recovery resources: generated passwords, AWS Backup, Route 53 health checks.

Merged into :data:`coko_cli.offline.mocks.OUTPUTS`. Shapes follow what the services return: a
backup vault ARN is ``arn:aws:backup:<region>:<account>:backup-vault:<name>``, a health check id
is a UUID, a generated password is a string of the requested length (the SDK keeps it secret).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

ACCOUNT_ID = "123456789012"

Factory = Callable[[str, str, str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _digest(*parts: str, length: int) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(seed: str) -> str:
    h = _digest(seed, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _random_password(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    length = int(inputs.get("length") or 32)
    value = ("Offline" + _digest(urn, "password", length=64) * 2)[:length]
    return "none", {"result": value, "bcryptHash": f"$2a$10${_digest(urn, 'bcrypt', length=53)}"}


def _random_id(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    hex_ = _digest(urn, "id", length=2 * int(inputs.get("byteLength") or 8))
    return hex_, {"hex": hex_, "dec": str(int(hex_, 16)), "b64Std": hex_, "b64Url": hex_}


def _backup_vault(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    vault = str(inputs.get("name") or name)
    return vault, {"name": vault, "arn": f"arn:aws:backup:{region}:{ACCOUNT_ID}:backup-vault:{vault}", "recoveryPoints": 0}


def _backup_plan(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    plan_id = _uuid(urn)
    return plan_id, {"arn": f"arn:aws:backup:{region}:{ACCOUNT_ID}:backup-plan:{plan_id}", "version": _digest(urn, "v", length=32)}


def _health_check(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    check = _uuid(urn)
    return check, {"arn": f"arn:aws:route53:::healthcheck/{check}"}


OUTPUTS: dict[str, Factory] = {
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomId:RandomId": _random_id,
    "aws:backup/vault:Vault": _backup_vault,
    "aws:backup/plan:Plan": _backup_plan,
    "aws:route53/healthCheck:HealthCheck": _health_check,
}
