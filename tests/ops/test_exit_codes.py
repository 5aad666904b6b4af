"""Exit codes the ops commands return, and what --json says on every exit path."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.ops.conftest import EcsSim, FaultProxy, Stack, coko

FAST = ("--poll-interval", "0.01")


@pytest.mark.parametrize("container_code", [2, 4, 124])
def test_a_failed_container_is_exit_3_never_its_own_code(stack: Stack, sim: EcsSim, container_code: int) -> None:
    sim.exit_code = container_code
    result = coko("migrate", "--stack", "production", "--database", "default", "--json", *FAST)
    assert result.exit_code == 3
    assert f"default: container exited with code {container_code} (coko exits 3)" in result.stderr
    document = json.loads(result.stdout)
    assert (document["exitCode"], document["error"]["code"]) == (3, 3)
    assert (document["results"][0]["containerExitCode"], document["results"][0]["exitCode"]) == (container_code, 3)


def test_json_on_a_usage_error_is_one_document(aws: str) -> None:
    result = coko("status", "--stack", "qa", "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert (document["ok"], document["exitCode"], document["stack"]) == (False, 2, "qa")
    assert "Pulumi.qa.yaml: no such stack file" in document["error"]["message"]


def test_json_on_a_bad_option_is_one_document(aws: str) -> None:
    result = coko("rollback", "--stack", "production", "--timeout", "soon", "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["error"]["code"] == 2 and "--timeout" in document["error"]["message"]


def test_json_after_an_aws_failure_keeps_what_was_found(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    faults.add("DescribeTaskDefinition", code="AccessDeniedException", times=100)
    result = coko("rollback", "--stack", "production", "--yes", "--json", *FAST)
    assert result.exit_code == 4
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["error"]["code"] == 4
    assert document["cluster"].endswith(":cluster/coko-production"), "partial results: discovery had succeeded"
    assert "Access denied by AWS on DescribeTaskDefinition" in document["error"]["message"]


def test_json_when_a_service_is_not_steady(stack: Stack, sim: EcsSim) -> None:
    sim.rollout = "stuck"
    stack.ecs.update_service(cluster=stack.cluster, service=stack.services["worker"], taskDefinition="coko-production-worker:1")
    document = json.loads(coko("status", "--stack", "production", "--json").stdout)
    assert (document["ok"], document["exitCode"], document["error"]["message"]) == (False, 1, "not steady: worker.")
    assert len(document["services"]) == 3


@pytest.mark.parametrize("answer", ["n\n", ""], ids=["declined", "end-of-input"])
def test_declining_with_json_prints_one_clean_document(stack: Stack, sim: EcsSim, answer: str) -> None:
    result = coko("rollback", "--stack", "production", "--json", *FAST, input=answer)
    assert result.exit_code == 1
    assert result.stdout.startswith("{"), "no stray prompt character on stdout"
    document = json.loads(result.stdout)
    assert (document["outcome"], document["error"]["message"]) == ("aborted", "Rollback aborted: nothing was changed.")
    assert "Rollback aborted: nothing was changed." in result.stderr
    assert sim.update_requests == []


def test_a_stalled_endpoint_is_a_read_timeout_that_names_the_call(stack: Stack, faults: FaultProxy) -> None:
    faults.add("ListClusters", code=None, delay=2, times=10)  # answers, but too late
    result = coko("status", "--stack", "production", "--read-timeout", "0.3", "--max-attempts", "2")
    assert result.exit_code == 4
    assert "AWS did not answer ECS ListClusters within --read-timeout 0.3s (2 attempt(s)" in result.stderr
    assert faults.calls["ListClusters"] == 2


@pytest.fixture
def unanswered_endpoint() -> Iterator[str]:
    """An endpoint whose TCP handshake never completes: Linux drops new SYNs to a listener whose
    accept queue is full (backlog 0, filled by connections nobody accepts)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = [socket.socket() for _ in range(4)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
    time.sleep(0.1)
    with pytest.raises(TimeoutError):  # the premise of the test below, checked here
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    yield f"http://127.0.0.1:{port}"
    for sock in [*fillers, listener]:
        sock.close()


def test_an_unreachable_endpoint_is_a_connect_timeout_that_names_the_call(
    stack: Stack, faults: FaultProxy, unanswered_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", unanswered_endpoint)
    result = coko("status", "--stack", "production", "--connect-timeout", "0.3", "--max-attempts", "2", "--json")
    assert result.exit_code == 4
    assert "Could not connect to AWS for ECS ListClusters within --connect-timeout 0.3s (2 attempt(s)" in result.stderr
    assert unanswered_endpoint in result.stderr
    assert json.loads(result.stdout)["error"]["code"] == 4


def test_the_deadline_bounds_the_retries(stack: Stack, faults: FaultProxy) -> None:
    faults.add("ListClusters", code=None, delay=2, times=10)
    result = coko("status", "--stack", "production", "--read-timeout", "0.4", "--max-attempts", "8", "--deadline", "1")
    assert result.exit_code == 124
    assert "Gave up after the command's --deadline of 1s while calling ECS ListClusters" in result.stderr
    assert faults.calls["ListClusters"] < 8


def test_the_deadline_stops_a_running_task(stack: Stack, sim: EcsSim) -> None:
    from moto.moto_api import state_manager

    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    result = coko("collectstatic", "--stack", "production", "--deadline", "3", "--poll-interval", "0.05", "--json")
    assert result.exit_code == 124
    assert "collectstatic: Gave up after the command's --deadline of 3s while" in result.stderr
    assert "The task was stopped." in result.stderr
    assert json.loads(result.stdout)["outcome"] == "timed-out"
