"""`coko rollback --web-revision N`: the reader frontend back with the Django release, journaled and verified."""

from __future__ import annotations

import json
from typing import Any

from coko_contract import names as naming
from tests.ops.conftest import EcsSim, FaultProxy, Stack, coko
from tests.ops.motostack import add_web
from tests.ops.test_rollback import FAST, on, revisions
from tests.ops.test_rollback_transaction import journal_tags

WEB = naming.WEB_ROLE
WEB_1, WEB_2 = (f"{naming.task_family('production', WEB)}:{n}" for n in (1, 2))


def rollback(*extra: str) -> tuple[int, dict[str, Any], str]:
    result = coko("rollback", "--stack", "production", "--yes", "--json", *FAST, *extra)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_web_revision_moves_the_web_with_the_django_release_and_verifies_it(stack: Stack, sim: EcsSim) -> None:
    add_web(stack)
    assert stack.primary(WEB) == WEB_2

    code, document, stderr = rollback("--web-revision", "1")

    assert code == 0, stderr
    assert revisions(stack) == on(1) and stack.primary(WEB) == WEB_1
    assert {p["role"]: p["target"]["taskDefinitionArn"].rsplit("/", 1)[-1] for p in document["plan"]}[WEB] == WEB_1
    assert f"web runs {WEB_1}" in stderr
    assert journal_tags(stack) == {}


def test_without_web_revision_the_web_is_left_alone(stack: Stack, sim: EcsSim) -> None:
    add_web(stack)

    code, _document, stderr = rollback()

    assert code == 0, stderr
    assert revisions(stack) == on(1) and stack.primary(WEB) == WEB_2


def test_web_only_moves_the_web_and_keeps_the_django_release(stack: Stack, sim: EcsSim) -> None:
    add_web(stack)

    code, document, stderr = rollback("--web-revision", "1", "--web-only")

    assert code == 0, stderr
    assert stack.primary(WEB) == WEB_1 and revisions(stack) == on(2)
    assert [p["role"] for p in document["plan"]] == [WEB]
    assert [r["service"].rsplit("/", 1)[-1] for r in sim.update_requests] == [stack.services[WEB]]


def test_a_refused_web_update_is_resumed_by_a_plain_rerun(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    add_web(stack)
    faults.add("UpdateService", code="AccessDeniedException", after=3)  # backend, worker, scheduler pass; the web's is refused

    code, document, stderr = rollback("--web-revision", "1")

    assert code == 5, stderr
    assert "pending: web (still coko-production-web:2)" in stderr and document["pending"] == [WEB]
    assert revisions(stack) == on(1) and stack.primary(WEB) == WEB_2
    assert f"{WEB}={WEB_1}" in journal_tags(stack)["coko:rollback:targets"]

    faults.reset()
    code, document, stderr = rollback()  # no --web-revision: the record says where the web goes

    assert code == 0, stderr
    assert document["resumed"] is True and [p["role"] for p in document["plan"] if p["changes"]] == [WEB]
    assert stack.primary(WEB) == WEB_1 and revisions(stack) == on(1)
    assert journal_tags(stack) == {}


def test_a_web_revision_that_does_not_exist_changes_nothing(stack: Stack, sim: EcsSim) -> None:
    add_web(stack)

    code, _document, stderr = rollback("--web-revision", "7")

    assert code == 1
    assert "coko-production-web:7 does not exist (the newest is :2)" in stderr
    assert sim.update_requests == [] and stack.primary(WEB) == WEB_2


def test_web_only_without_a_revision_is_a_usage_error(stack: Stack, sim: EcsSim) -> None:
    code, _document, stderr = rollback("--web-only")
    assert code == 2 and "--web-only needs --web-revision N" in stderr
