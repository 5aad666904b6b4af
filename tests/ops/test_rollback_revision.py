"""`coko rollback --revision ROLE=N`: each named Django service to exactly that revision, journaled, verified, resumable."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coko_contract import names as naming
from tests.ops.conftest import EcsSim, FaultProxy, Stack, coko
from tests.ops.motostack import add_web
from tests.ops.test_rollback import FAST, ROLES, on, revisions, serve
from tests.ops.test_rollback_transaction import journal_tags


def rollback(*extra: str) -> tuple[int, dict[str, Any], str]:
    result = coko("rollback", "--stack", "production", "--yes", "--json", *FAST, *extra)
    return result.exit_code, json.loads(result.stdout), result.stderr


def every(revision: int) -> list[str]:
    return [a for role in ROLES for a in ("--revision", f"{role}={revision}")]


def config_only_release(stack: Stack) -> None:
    """:3 runs the same image as :2 (v2) with another configuration, as a configuration-only `pulumi up` leaves it."""
    for role in ROLES:
        stack.register(role, "v2")
    serve(stack, 3)


def test_after_a_config_only_release_each_role_goes_to_the_revision_named_not_an_older_image(stack: Stack, sim: EcsSim) -> None:
    config_only_release(stack)

    code, document, stderr = rollback(*every(2))

    assert code == 0, stderr
    assert revisions(stack) == on(2)
    assert [(p["role"], p["target"]["revision"], p["target"]["imageTag"]) for p in document["plan"]] == [(r, 2, "v2") for r in ROLES]
    assert journal_tags(stack) == {}, "the record goes once the rollback is verified"


def test_only_the_named_service_moves(stack: Stack, sim: EcsSim) -> None:
    code, document, stderr = rollback("--revision", "backend=1")

    assert code == 0, stderr
    assert revisions(stack) == {"backend": "coko-production-backend:1", "worker": "coko-production-worker:2", "scheduler": "coko-production-scheduler:2"}
    assert [p["role"] for p in document["plan"]] == ["backend"]
    assert "backend runs coko-production-backend:1" in stderr


def test_with_web_revision_the_web_moves_in_the_same_rollback(stack: Stack, sim: EcsSim) -> None:
    add_web(stack)

    code, document, stderr = rollback("--revision", "worker=1", "--web-revision", "1")

    assert code == 0, stderr
    assert [p["role"] for p in document["plan"]] == ["worker", naming.WEB_ROLE]
    assert stack.primary("worker") == "coko-production-worker:1" and stack.primary(naming.WEB_ROLE) == "coko-production-web:1"
    assert stack.primary("backend") == "coko-production-backend:2"


def test_a_stopped_rollback_is_resumed_by_a_plain_rerun_to_the_same_revisions(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    config_only_release(stack)
    faults.add("UpdateService", code="AccessDeniedException", after=1)

    code, document, stderr = rollback("--revision", "backend=2", "--revision", "worker=2")

    assert code == 5, stderr
    assert document["moved"] == ["backend"] and document["pending"] == ["worker"]
    faults.reset()
    code, document, stderr = rollback()  # the record, not "the previous release" (v1 on :1)

    assert code == 0, stderr
    assert document["resumed"] is True and [p["role"] for p in document["plan"] if p["changes"]] == ["worker"]
    assert revisions(stack) == {"backend": "coko-production-backend:2", "worker": "coko-production-worker:2", "scheduler": "coko-production-scheduler:3"}
    assert journal_tags(stack) == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--revision", "api=1"), "--revision 'api=1': expected ROLE=N with ROLE one of backend, worker, scheduler"),
        (("--revision", "web=1"), "(the web: --web-revision N)"),
        (("--revision", "backend"), "--revision 'backend': expected ROLE=N"),
        (("--revision", "backend=0"), "--revision 'backend=0': N must be a revision number (1 or more)"),
        (("--revision", "backend=v1"), "--revision 'backend=v1': N must be a revision number"),
        (("--revision", "backend=1", "--revision", "backend=2"), "--revision names backend twice"),
        (("--revision", "backend=1", "--to", "1"), "give --revision ROLE=N without --to, --to-release, --resume or --web-only"),
        (("--revision", "backend=1", "--web-revision", "1", "--web-only"), "give --revision ROLE=N without"),
    ],
)
def test_a_bad_revision_option_is_a_usage_error_and_changes_nothing(stack: Stack, sim: EcsSim, args: tuple[str, ...], message: str) -> None:
    code, _document, stderr = rollback(*args)
    assert code == 2
    assert message in stderr
    assert sim.update_requests == [] and revisions(stack) == on(2)


@pytest.mark.parametrize(
    ("deregister", "value", "message"),
    [
        ("coko-production-worker:1", "worker=1", "coko-production-worker:1 is deregistered (INACTIVE): ECS cannot deploy it"),
        (None, "worker=7", "coko-production-worker:7 does not exist (the newest is :2)"),
    ],
)
def test_a_revision_ecs_cannot_deploy_is_refused_and_changes_nothing(stack: Stack, sim: EcsSim, deregister: str | None, value: str, message: str) -> None:
    if deregister:
        stack.ecs.deregister_task_definition(taskDefinition=deregister)

    code, _document, stderr = rollback("--revision", "backend=1", "--revision", value)

    assert code == 1
    assert message in stderr
    assert sim.update_requests == [] and revisions(stack) == on(2) and journal_tags(stack) == {}
