"""Execution role vs task role: separate, no wildcard actions, every resource named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coko_cli.offline.runner import StackPreview
from components.app_env import secret_arn
from components.task_roles import execution_policy, task_policy
from tests.components.compute_helpers import ROLES, container, task_definitions
from tests.conftest import STACKS, of_type


def _policies(preview: StackPreview) -> dict[str, dict[str, Any]]:
    return {p.name.rsplit("-", 2)[-2]: json.loads(p.inputs["policy"]) for p in of_type(preview, "aws:iam/rolePolicy:RolePolicy") if "-task-roles-" in p.name}


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def _resources(statement: dict[str, Any]) -> list[str]:
    resource = statement["Resource"]
    return [resource] if isinstance(resource, str) else resource


@pytest.mark.parametrize("stack", STACKS)
def test_every_task_has_distinct_execution_and_task_roles(up: dict[str, StackPreview], stack: str) -> None:
    for record in task_definitions(up[stack]).values():
        assert record.inputs["executionRoleArn"] != record.inputs["taskRoleArn"]
        assert record.inputs["executionRoleArn"].startswith("arn:aws:iam::") and record.inputs["taskRoleArn"].startswith("arn:aws:iam::")


@pytest.mark.parametrize("stack", STACKS)
def test_role_policies_have_no_wildcard_actions_and_scoped_resources(up: dict[str, StackPreview], stack: str) -> None:
    policies = _policies(up[stack])
    assert set(policies) == {"execution", "task"}
    for statements in (p["Statement"] for p in policies.values()):
        for statement in statements:
            assert statement["Effect"] == "Allow"
            assert not [a for a in _actions(statement) if "*" in a], statement
            if _resources(statement) == ["*"]:
                # AWS defines no resource for the ECR token; everything else names its resources.
                assert _actions(statement) == ["ecr:GetAuthorizationToken"], statement


@pytest.mark.parametrize("stack", STACKS)
def test_execution_role_reads_exactly_the_injected_secrets(up: dict[str, StackPreview], stack: str) -> None:
    injected = {secret_arn(s["valueFrom"]) for role in ROLES for s in container(up[stack], role)["secrets"]}
    statements = _policies(up[stack])["execution"]["Statement"]
    granted = {r for s in statements if "secretsmanager:GetSecretValue" in _actions(s) for r in _resources(s)}
    assert granted == injected
    decrypt = [s for s in statements if "kms:Decrypt" in _actions(s)]
    assert decrypt and all(r.startswith("arn:aws:kms:") for s in decrypt for r in _resources(s))


def test_task_role_is_buckets_mail_and_search_only(preview: StackPreview) -> None:
    statements = _policies(preview)["task"]["Statement"]
    actions = {a for s in statements for a in _actions(s)}
    assert {a.split(":")[0] for a in actions} == {"s3", "ses", "kms", "es"}
    assert {"ses:SendEmail", "ses:SendRawEmail"} <= actions
    assert not {"secretsmanager:GetSecretValue", "ecr:BatchGetImage", "logs:PutLogEvents", "iam:PassRole"} & actions
    buckets = {preview.outputs["mediaBucketName"], preview.outputs["staticBucketName"]}
    objects = next(s for s in statements if "s3:GetObject" in _actions(s))
    assert set(_resources(objects)) == {f"arn:aws:s3:::{b}/*" for b in buckets}
    key = next(s for s in statements if s["Sid"] == "BucketKey")
    assert key["Condition"]["StringEquals"]["kms:ViaService"].startswith("s3.")


def test_policy_builders_scope_secrets_by_bare_arn() -> None:
    arn = "arn:aws:secretsmanager:eu-west-3:1:secret:rds!db-x-AbCdEf"
    doc = json.loads(
        execution_policy(
            "arn:aws:ecr:eu-west-3:1:repository/coko/p",
            ["arn:aws:logs:eu-west-3:1:log-group:/coko/p/backend"],
            [f"{arn}:password::", f"{arn}:username::"],
            ["arn:aws:kms:eu-west-3:1:key/k"],
        )
    )
    secrets = next(s for s in doc["Statement"] if s["Sid"] == "InjectedSecrets")
    assert secrets["Resource"] == [arn]
    logs = next(s for s in doc["Statement"] if s["Sid"] == "Logs")
    assert logs["Resource"] == ["arn:aws:logs:eu-west-3:1:log-group:/coko/p/backend:log-stream:*"]


def test_task_policy_without_key_or_search_has_no_kms_or_es() -> None:
    doc = json.loads(task_policy(["arn:aws:s3:::m"], None, "eu-west-3", ["arn:aws:ses:eu-west-1:1:identity/coko.africa"], "noreply@coko.africa"))
    assert {s["Sid"] for s in doc["Statement"]} == {"BucketObjects", "BucketList", "SendMail"}
