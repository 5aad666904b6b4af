"""Rollback as a small transaction: one release, each step journaled, partial failures resumed.

Faults come from the proxy in front of moto (faultproxy.py): an AWS error on the N-th call of
one operation, exactly as AWS would answer it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from coko_contract import names as naming
from tests.ops.conftest import EcsSim, FaultProxy, Stack, coko
from tests.ops.test_rollback import FAST, ROLES, on, revisions


def journal_tags(stack: Stack) -> dict[str, str]:
    tags = stack.ecs.list_tags_for_resource(resourceArn=stack.cluster)["tags"]
    return {t["key"]: t["value"] for t in tags if t["key"].startswith("coko:rollback:")}


def rollback(*extra: str) -> tuple[int, dict[str, Any], str]:
    result = coko("rollback", "--stack", "production", "--yes", "--json", *FAST, *extra)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_access_denied_on_the_second_update_reports_moved_and_pending_and_a_rerun_resumes(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    faults.add("UpdateService", code="AccessDeniedException", after=1)
    code, document, stderr = rollback()
    assert code == 5
    assert "Rollback to v1 stopped partway: Access denied by AWS on UpdateService" in stderr
    assert "moved: backend (now coko-production-backend:1)" in stderr
    assert "pending: worker (still coko-production-worker:2), scheduler (still coko-production-scheduler:2)" in stderr
    assert (document["ok"], document["error"]["code"], document["moved"], document["pending"]) == (False, 5, ["backend"], ["worker", "scheduler"])
    assert revisions(stack) == {"backend": "coko-production-backend:1", "worker": "coko-production-worker:2", "scheduler": "coko-production-scheduler:2"}
    assert journal_tags(stack)["coko:rollback:done"] == "backend"

    code, document, stderr = rollback()  # a plain rerun, not "nothing to roll back to"
    assert code == 0, stderr
    assert "Resuming the rollback" in stderr and document["resumed"] is True
    assert revisions(stack) == on(1)
    assert journal_tags(stack) == {}, "the record goes once the rollback is verified"


def test_resume_flag_finishes_the_recorded_rollback(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    faults.add("UpdateService", code="AccessDeniedException", after=2)
    assert rollback()[0] == 5
    faults.reset()
    code, document, stderr = rollback("--resume")
    assert code == 0, stderr
    assert [p["role"] for p in document["plan"] if p["changes"]] == ["scheduler"], "backend and worker moved in the first run"
    assert document["resumed"] is True
    assert sim.update_requests[-1]["service"].endswith("scheduler") and len(sim.update_requests) == 3, "only the pending service is updated"
    assert revisions(stack) == on(1)


def test_resume_without_a_record_is_a_usage_error(stack: Stack, sim: EcsSim) -> None:
    code, _document, stderr = rollback("--resume")
    assert code == 2 and "no unfinished rollback is recorded" in stderr
    assert sim.update_requests == []


# (operation, calls of it that pass first, exit code, services that end up moved)
STEPS = [
    ("ListTagsForResource", 0, 4, []),  # the journal cannot be read: nothing changes
    ("TagResource", 0, 4, []),  # the journal cannot be started: nothing changes
    ("UpdateService", 0, 4, []),
    ("TagResource", 1, 5, ["backend"]),  # backend moved, recording it failed
    ("UpdateService", 1, 5, ["backend"]),
    ("TagResource", 2, 5, ["backend", "worker"]),
    ("UpdateService", 2, 5, ["backend", "worker"]),
    ("TagResource", 3, 4, ["backend", "worker", "scheduler"]),  # all moved, not verified
    ("DescribeServices", 1, 4, ["backend", "worker", "scheduler"]),  # the wait (the first call is discovery)
]


@pytest.mark.parametrize(("operation", "after", "expected", "moved"), STEPS, ids=[f"{op}#{after + 1}" for op, after, _e, _m in STEPS])
def test_a_failure_at_every_step_is_reported_and_the_rerun_converges(
    stack: Stack, sim: EcsSim, faults: FaultProxy, operation: str, after: int, expected: int, moved: list[str]
) -> None:
    faults.add(operation, code="AccessDeniedException", after=after)
    code, document, stderr = rollback()
    assert code == expected, stderr
    assert document["ok"] is False and document["error"]["code"] == expected
    assert "Traceback" not in stderr
    assert {role for role in ROLES if stack.primary(role).endswith(":1")} == set(moved)
    if not moved:
        assert "nothing was changed" in stderr
    elif len(moved) < 3:
        assert "moved: " + ", ".join(f"{r} (now coko-production-{r}:1)" for r in moved) in stderr
    else:
        assert "every service was updated" in stderr
    faults.reset()
    code, document, stderr = rollback()
    assert code == 0, stderr
    assert revisions(stack) == on(1), "one release for all three services"
    assert journal_tags(stack) == {}


def test_a_record_that_cannot_be_cleared_does_not_fail_a_verified_rollback(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    faults.add("UntagResource", code="AccessDeniedException")
    code, document, stderr = rollback()
    assert code == 0 and document["outcome"] == "rolled-back"
    assert "could not clear the rollback record" in stderr
    assert revisions(stack) == on(1)
    code, document, stderr = rollback()  # the stale record is found complete and cleared
    assert code == 0 and journal_tags(stack) == {}
    assert revisions(stack) == on(1)


def test_services_on_different_releases_are_refused_until_one_is_named(stack: Stack, sim: EcsSim) -> None:
    for role in ROLES:
        stack.register(role, "v3")
    for role in ("worker", "scheduler"):
        stack.ecs.update_service(cluster=stack.cluster, service=stack.services[role], taskDefinition=f"{naming.task_family('production', role)}:3")
    code, document, stderr = rollback()
    assert code == 1
    assert "The services run different releases: backend v2 (:2), worker v3 (:3), scheduler v3 (:3)" in stderr
    assert "--to-release" in stderr and document["ok"] is False
    assert sim.update_requests[2:] == [], "nothing changed"
    code, document, stderr = rollback("--to-release", "v2")
    assert code == 0, stderr
    assert revisions(stack) == on(2)


def test_a_revision_number_that_is_not_one_release_is_refused(stack: Stack, sim: EcsSim) -> None:
    stack.register("backend", "v9")  # backend's :3 runs v9
    for role in ("worker", "scheduler"):
        stack.register(role, "v3")
    code, _document, stderr = rollback("--to", "3")
    assert code == 1
    assert "--to 3 is not one release (backend v9, worker v3, scheduler v3)" in stderr
    assert revisions(stack) == on(2) and sim.update_requests == []


def test_sigterm_while_waiting_says_every_service_moved_and_keeps_the_record(stack: Stack, sim: EcsSim) -> None:
    import signal

    from tests.ops.test_oneoff_lifecycle import Cli

    sim.rollout = "stuck"  # ECS never finishes the deployments
    cli = Cli("rollback", "--stack", "production", "--yes", "--poll-interval", "0.1")
    cli.wait_for("waiting for services to become stable")
    cli.proc.send_signal(signal.SIGTERM)
    code, _stdout, stderr = cli.finish()
    assert code == 143
    assert "interrupted by SIGTERM while waiting." in stderr and "every service was updated, but the rollback is not verified yet." in stderr
    assert journal_tags(stack)["coko:rollback:done"] == "backend worker scheduler", "a rerun waits and verifies"
