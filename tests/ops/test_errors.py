"""Expected failures: one readable line on stderr, a documented exit code, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ops.conftest import EcsSim, FaultProxy, Stack, coko


def no_traceback(result: Any) -> bool:
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_unknown_stack(aws: str) -> None:
    result = coko("status", "--stack", "qa")
    assert result.exit_code == 2
    assert "Pulumi.qa.yaml: no such stack file (known stacks: capetown, production" in result.stderr
    assert no_traceback(result)


def test_stack_not_deployed_in_its_region(stack: Stack) -> None:
    result = coko("status", "--stack", "capetown")
    assert result.exit_code == 2
    assert "No ECS cluster for stack 'capetown' in af-south-1" in result.stderr


def test_region_flag_overrides_the_stack_file(stack: Stack) -> None:
    result = coko("status", "--stack", "production", "--region", "eu-central-1")
    assert result.exit_code == 2
    assert "No ECS cluster for stack 'production' in eu-central-1" in result.stderr


def test_throttling_is_absorbed_by_botocore_retries(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    faults.add("UpdateService", code="ThrottlingException", times=2)
    result = coko("rollback", "--stack", "production", "--yes", "--poll-interval", "0")
    assert result.exit_code == 0, result.stderr
    assert faults.calls["UpdateService"] == 5, "2 throttled attempts, then 3 services updated"
    assert stack.primary("backend") == "coko-production-backend:1"


def test_throttling_beyond_retries_is_one_message(stack: Stack, faults: FaultProxy) -> None:
    faults.add("DescribeServices", code="ThrottlingException", times=100)
    result = coko("status", "--stack", "production", "--max-attempts", "3")
    assert result.exit_code == 4
    assert "AWS kept throttling DescribeServices after 3 attempts (ThrottlingException)" in result.stderr
    assert faults.calls["DescribeServices"] == 3 and no_traceback(result)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ExpiredTokenException", "AWS credentials have expired (ListClusters: ExpiredTokenException)"),
        ("AccessDeniedException", "Access denied by AWS on ListClusters: injected AccessDeniedException"),
    ],
)
def test_credential_problems_are_explained(stack: Stack, faults: FaultProxy, code: str, message: str) -> None:
    faults.add("ListClusters", code=code, times=100)
    result = coko("releases", "--stack", "production")
    assert result.exit_code == 4
    assert message in result.stderr and no_traceback(result)


def test_missing_credentials(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = coko("status", "--stack", "production")
    assert result.exit_code == 4
    assert "No AWS credentials found." in result.stderr and no_traceback(result)


def test_unreachable_endpoint(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    result = coko("migrate", "--stack", "production", "--max-attempts", "1")
    assert result.exit_code == 4
    assert "Cannot reach AWS" in result.stderr and no_traceback(result)
