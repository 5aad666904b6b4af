"""One-off Fargate tasks of the backend (migrations, collectstatic) for the CLI: run, follow, report.

The machinery (RunTask with the backend's placement and task definition, polling
describe_tasks until STOPPED, the container's exit code, the awslogs stream) lives in
`coko_ecs.oneoff`, shared with the Pulumi release steps. This module adds what an operator
sees: discovery of the backend service, progress and log lines on the terminal, AWS errors as
one readable line, and the failure report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import Clients, Exit, OpsError, aws_errors
from coko_cli.ops.render import Output, short_td
from coko_ecs import oneoff
from coko_ecs.oneoff import PURPOSE_TAG, OneOffResult, OneOffTask, Placement

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from rich.status import Status

    from stacks.config import StackConfig

__all__ = ["PURPOSE_TAG", "OneOffResult", "OneOffRun", "OneOffTask", "backend_one_off", "report_failure", "run_task_request", "running_tasks"]


def running_tasks(ecs: ECSClient, cluster: str, started_by: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Tasks of this cluster with this startedBy that have not stopped (desiredStatus alone lags)."""
    with aws_errors():
        return oneoff.running_tasks(ecs, cluster, started_by, exclude)


def placement_of(service: dict[str, Any]) -> Placement:
    placement = Placement.of_service(service)
    if placement is None:
        raise OpsError(
            f"Service {service['serviceName']} has no network configuration to reuse.", Exit.USAGE, "The backend service must run in awsvpc mode (Fargate)."
        )
    return placement


def run_task_request(stack: str, cluster: str, service: dict[str, Any], task_definition: str, task: OneOffTask) -> dict[str, Any]:
    """The RunTask call: the service's placement and network, the task's command and tags."""
    return oneoff.run_task_request(stack, cluster, placement_of(service), task_definition, task)


class _Terminal(oneoff.Watcher):
    """Progress on stderr, container log lines on stdout, a spinner while waiting."""

    def __init__(self, out: Output, spinner: Status | None):
        self.out, self.spinner = out, spinner

    def started(self, task: OneOffTask, task_arn: str, task_definition_arn: str, logs: tuple[str, str] | None) -> None:
        self.out.note(f"{task.announce} with {short_td(task_definition_arn)} — task {task_arn.rsplit('/', 1)[-1]}")
        if logs is None:
            self.out.warn(f"container {oneoff.CONTAINER} does not log through awslogs: no live output")
        else:
            self.out.note(f"[dim]logs: {logs[0]} {logs[1]}[/]")

    def progress(self, task: OneOffTask, last_status: str, elapsed: float) -> None:
        if self.spinner is not None:
            self.spinner.update(f"{task.label}: {last_status} ({elapsed:.0f}s)")

    def log_lines(self, task: OneOffTask, lines: list[str]) -> None:
        for line in lines:
            self.out.line(f"{task.label} | {line}")


@dataclass
class OneOffRun:
    """Everything needed to run one-off tasks of a stack; `sleep` and `clock` are injectable for speed."""

    clients: Clients
    stack: str
    cluster: str
    service: dict[str, Any]
    task_definition: dict[str, Any]
    poll_interval: float
    timeout: float
    out: Output
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(self, task: OneOffTask) -> OneOffResult:
        runner = oneoff.OneOffRunner(
            self.clients.ecs,
            lambda: self.clients.logs,
            self.stack,
            self.cluster,
            placement_of(self.service),
            self.task_definition,
            self.poll_interval,
            self.timeout,
            self.sleep,
            self.clock,
        )
        with self.out.status(f"{task.label}: PROVISIONING") as spinner, aws_errors():
            try:
                return runner.run(task, _Terminal(self.out, spinner))
            except oneoff.ConcurrentTask:
                raise OpsError(
                    f"Another {task.exclusive_kind} started at the same time; stopped this one.", Exit.FAILED, f"Run {task.tool} again once the other has finished."
                ) from None


def report_failure(out: Output, result: OneOffResult) -> None:
    """The reason and the log tail, on stderr, whatever the output mode."""
    out.error(f"{result.label}: {result.describe()}")
    if result.log_tail:
        out.err.rule(f"last {len(result.log_tail)} log lines of {result.label}", style="red")
        for line in result.log_tail:
            out.err.out(line, highlight=False)
        out.err.rule(style="red")
    elif result.task_arn:
        out.err.print("  (no log lines were found for this task)")


def backend_one_off(
    clients: Clients,
    config: StackConfig,
    cluster: str | None,
    services: list[str] | None,
    task_definition: str | None,
    poll_interval: float,
    timeout: float,
    out: Output,
) -> OneOffRun:
    """A runner shaped like the backend service: its network, and its live task definition unless one is given."""
    from coko_cli.ops import taskdefs
    from coko_cli.ops.cli import find
    from coko_cli.ops.rollback import primary_task_definition

    target = find(clients, config, ("backend",), cluster, services)
    backend = target.services["backend"]
    definition = taskdefs.describe(clients.ecs, task_definition or primary_task_definition(backend))
    return OneOffRun(clients, config.stack, target.cluster, backend, definition, poll_interval, timeout, out)
