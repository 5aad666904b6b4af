"""The release order is in the resource graph: proven on the offline preview of both stacks.

The dependencies are read from the register requests the program sends the (mock) engine: the
same edges the real engine schedules `pulumi up` by. A failed step therefore stops the update
before any service changes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.runtime.mocks import MockMonitor

from coko_cli.offline.runner import run_stack
from coko_contract import names as naming

MIGRATION = "pulumi-python:dynamic/coko:MigrationStep"
STATIC = "pulumi-python:dynamic/coko:StaticUploadStep"
ROLLOUT = "pulumi-python:dynamic/coko:RolloutCheck"
SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


@dataclass
class Node:
    urn: str
    type: str
    name: str
    depends_on: set[str]


@pytest.fixture(scope="module")
def graph() -> Iterator[dict[str, dict[str, Node]]]:
    """stack -> resource name -> node, from the offline preview of both stacks (preview mode)."""
    captured: list[tuple[str, Any]] = []
    original = MockMonitor.RegisterResource

    def record(self: MockMonitor, request: Any) -> Any:
        response = original(self, request)
        captured.append((response.urn, request))
        return response

    MockMonitor.RegisterResource = record  # type: ignore[method-assign]
    requests: dict[str, list[tuple[str, Any]]] = {}
    try:  # run_stack runs in this process (run_stacks may fork workers, whose requests we would not see)
        run_stack("production", "preview")
        requests["production"] = captured[:]
        primary_outputs = run_stack("production", "up").raw_outputs  # what capetown's StackReference reads
        captured.clear()
        run_stack("capetown", "preview", references={"production": primary_outputs})
        requests["capetown"] = captured[:]
    finally:
        MockMonitor.RegisterResource = original  # type: ignore[method-assign]
    nodes: dict[str, dict[str, Node]] = {stack: {} for stack in requests}
    for stack, registered in requests.items():
        for urn, request in registered:
            deps = set(request.dependencies) | {u for d in request.propertyDependencies.values() for u in d.urns}
            nodes[stack][request.name] = Node(urn, request.type, request.name, deps)
    yield nodes


def of_type(nodes: dict[str, Node], type_: str) -> list[Node]:
    return [n for n in nodes.values() if n.type == type_]


def test_every_service_waits_for_every_migration_and_the_static_upload(graph: dict[str, dict[str, Node]]) -> None:
    nodes = graph["production"]
    steps = {n.urn for n in of_type(nodes, MIGRATION) + of_type(nodes, STATIC)}
    assert len(steps) == len(naming.DATABASE_ALIASES) + 1
    services = {s.name: s for s in of_type(nodes, SERVICE)}
    web = services.pop(f"coko-production-{naming.WEB_ROLE}-service")
    assert set(services) == {f"coko-production-{role}-service" for role in naming.SERVICE_ROLES}
    for service in services.values():
        assert steps <= service.depends_on, f"{service.name} does not wait for {steps - service.depends_on}"
    # The reader frontend talks to the API, never to the database: a migration never holds it back.
    assert not steps & web.depends_on


def test_migrations_run_the_new_backend_task_definition_one_alias_after_another(graph: dict[str, dict[str, Node]]) -> None:
    nodes = graph["production"]
    backend_task = nodes["coko-production-backend-task"]
    assert backend_task.type == TASK_DEFINITION
    chain = [nodes[f"coko-production-migrate-{alias}"] for alias in naming.DATABASE_ALIASES]
    for step in chain:
        assert step.type == MIGRATION and backend_task.urn in step.depends_on
    for before, after in itertools.pairwise(chain):
        assert before.urn in after.depends_on, f"{after.name} does not wait for {before.name}"
    static = nodes["coko-production-collectstatic"]
    assert chain[-1].urn in static.depends_on and backend_task.urn in static.depends_on
    image = nodes["coko-production-app-image"]
    assert image.type == "docker:index/image:Image"
    assert image.urn in backend_task.depends_on  # image -> task definition -> migrations


def test_no_step_waits_for_a_service(graph: dict[str, dict[str, Node]]) -> None:
    """Otherwise the services would roll before (or while) the schema changes."""
    for nodes in graph.values():
        services = {n.urn for n in of_type(nodes, SERVICE)}
        for step in of_type(nodes, MIGRATION) + of_type(nodes, STATIC):
            assert not step.depends_on & services, step.name


def test_rollout_check_comes_after_all_three_services(graph: dict[str, dict[str, Node]]) -> None:
    for stack, nodes in graph.items():
        [check] = of_type(nodes, ROLLOUT)
        assert {s.urn for s in of_type(nodes, SERVICE)} <= check.depends_on, stack


def test_the_read_replica_region_uploads_static_files_but_never_migrates(graph: dict[str, dict[str, Node]]) -> None:
    nodes = graph["capetown"]
    assert of_type(nodes, MIGRATION) == []
    [static] = of_type(nodes, STATIC)
    assert nodes["coko-capetown-backend-task"].urn in static.depends_on
    for service in of_type(nodes, SERVICE):
        if service.name != f"coko-capetown-{naming.WEB_ROLE}-service":
            assert static.urn in service.depends_on, service.name


def test_previous_task_definition_revisions_stay_registered_for_rollback() -> None:
    """`pulumi up` replaces a revision; without skipDestroy it would deregister the one to roll back to."""
    records = run_stack("production", "preview").resources
    families = {r.inputs["family"]: r.inputs.get("skipDestroy") for r in records if r.type == TASK_DEFINITION}
    for role in (*naming.SERVICE_ROLES, naming.WEB_ROLE):
        assert families[naming.task_family("production", role)] is True, role


def test_one_off_tasks_wait_for_routes_role_policies_and_the_database(graph: dict[str, dict[str, Node]]) -> None:
    """A one-off task that fails to start is not retried (a service's is): on a first `pulumi up`
    the image pull needs the NAT routes, the task needs its roles' policies and the database."""
    for stack, nodes in graph.items():
        first = min(of_type(nodes, MIGRATION) + of_type(nodes, STATIC), key=lambda n: len(n.depends_on))
        needed = [n for n in nodes.values() if n.type in ("aws:ec2/natGateway:NatGateway", "aws:ec2/route:Route", "aws:rds/instance:Instance")]
        needed += [n for n in of_type(nodes, "aws:iam/rolePolicy:RolePolicy") if n.name.startswith(f"coko-{stack}-task-roles")]
        assert needed and {n.urn for n in needed} <= first.depends_on, (stack, [n.name for n in needed if n.urn not in first.depends_on])
