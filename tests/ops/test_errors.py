"""Expected failures: one readable line on stderr, a documented exit code, never a traceback."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from coko_cli.ops import aws
from tests.ops.conftest import EcsSim, Stack, coko


class _Raw:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def inject(monkeypatch: pytest.MonkeyPatch, operation: str, code: str, times: int, status: int = 400) -> list[int]:
    """Make the CLI's session answer `operation` with an AWS error `times` times (test-only hook)."""
    calls: list[int] = []
    real = aws.new_session
    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, context: 0)

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        calls.append(1)
        if len(calls) > times:
            return None
        body = json.dumps({"__type": code, "message": f"injected {code}"}).encode()
        return AWSResponse(request.url, status, {"x-amzn-errortype": code, "content-type": "application/x-amz-json-1.1"}, _Raw(body))

    def new_session(profile: str | None, region: str) -> boto3.Session:
        session = real(profile, region)
        session.events.register(f"before-send.ecs.{operation}", handler)
        return session

    monkeypatch.setattr(aws, "new_session", new_session)
    return calls


def no_traceback(result: Any) -> bool:
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_unknown_stack(aws: str) -> None:
    result = coko("status", "--stack", "staging")
    assert result.exit_code == 2
    assert "Pulumi.staging.yaml: no such stack file (known stacks: capetown, production)" in result.stderr
    assert no_traceback(result)


def test_stack_not_deployed_in_its_region(stack: Stack) -> None:
    result = coko("status", "--stack", "capetown")
    assert result.exit_code == 2
    assert "No ECS cluster for stack 'capetown' in af-south-1" in result.stderr


def test_region_flag_overrides_the_stack_file(stack: Stack) -> None:
    result = coko("status", "--stack", "production", "--region", "eu-central-1")
    assert result.exit_code == 2
    assert "No ECS cluster for stack 'production' in eu-central-1" in result.stderr


def test_throttling_is_absorbed_by_botocore_retries(stack: Stack, sim: EcsSim, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = inject(monkeypatch, "UpdateService", "ThrottlingException", times=2)
    result = coko("rollback", "--stack", "production", "--yes", "--poll-interval", "0")
    assert result.exit_code == 0, result.stderr
    assert len(calls) == 5, "2 throttled attempts, then 3 services updated"
    assert stack.primary("backend") == "coko-production-backend:1"


def test_throttling_beyond_retries_is_one_message(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = inject(monkeypatch, "DescribeServices", "ThrottlingException", times=100)
    result = coko("status", "--stack", "production", "--max-attempts", "3")
    assert result.exit_code == 4
    assert "AWS kept throttling DescribeServices after 3 attempts (ThrottlingException)" in result.stderr
    assert len(calls) == 3 and no_traceback(result)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ExpiredTokenException", "AWS credentials have expired (ListClusters: ExpiredTokenException)"),
        ("AccessDeniedException", "Access denied by AWS on ListClusters: injected AccessDeniedException"),
    ],
)
def test_credential_problems_are_explained(stack: Stack, monkeypatch: pytest.MonkeyPatch, code: str, message: str) -> None:
    inject(monkeypatch, "ListClusters", code, times=100)
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


def test_ops_commands_are_registered_with_exit_codes_in_help(aws: str) -> None:
    for command in ("migrate", "rollback", "releases", "status"):
        result = coko(command, "--help")
        assert result.exit_code == 0
        assert "124 timed out" in " ".join(result.stdout.split()), command
