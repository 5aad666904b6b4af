"""One-off Fargate tasks of the backend (migrations, collectstatic): run one, follow it, report.

The task reuses the backend service's network configuration and task definition (so it has
the same image, secrets and security groups as the code that will use its result), overrides
only the container command, and is tagged and ``startedBy`` per purpose so that one kind of
task is never mistaken for another. Waiting polls describe_tasks: the tasks_running waiter
fails on tasks that finish quickly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import Clients, Exit, OpsError, aws_errors
from coko_cli.ops.logs import LogFollower, log_location
from coko_cli.ops.render import Output, short_td
from coko_contract import names as naming

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

    from stacks.config import StackConfig

PURPOSE_TAG = "coko:purpose"


@dataclass(frozen=True)
class OneOffTask:
    """What to run and how to recognise it: the command, its startedBy and tags, its wording."""

    label: str  # prefixes log lines and results ("auth_db", "collectstatic")
    command: list[str]
    started_by: str  # also what list_tasks(startedBy=…) finds
    purpose: str  # the coko:purpose tag
    tool: str  # "coko migrate": named in stop reasons and hints
    announce: str  # "Migrating [bold]auth_db[/]": the progress line, before " with <td> — task <id>"
    tags: tuple[tuple[str, str], ...] = ()
    exclusive_kind: str | None = None  # "migration": stop this task if another of the same startedBy started alongside


@dataclass
class OneOffResult:
    """How one task ended, in the terms the operator needs."""

    label: str
    outcome: str  # succeeded | failed | failed-to-start | timed-out | skipped
    exit_code: int
    task_arn: str | None = None
    container_exit_code: int | None = None
    stop_code: str | None = None
    stopped_reason: str | None = None
    seconds: float = 0.0
    log_tail: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Everything but the label (each command names it: "database", …)."""
        return {
            "outcome": self.outcome,
            "exitCode": self.exit_code,
            "taskArn": self.task_arn,
            "containerExitCode": self.container_exit_code,
            "stopCode": self.stop_code,
            "stoppedReason": self.stopped_reason,
            "seconds": round(self.seconds, 2),
            "logTail": self.log_tail,
        }


def running_tasks(ecs: ECSClient, cluster: str, started_by: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Tasks of this cluster with this startedBy that have not stopped (desiredStatus alone lags)."""
    with aws_errors():
        arns = [
            a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, startedBy=started_by, desiredStatus="RUNNING") for a in page["taskArns"]
        ]
        arns = [a for a in arns if a != exclude]
        tasks: list[dict[str, Any]] = []
        for start in range(0, len(arns), 100):
            tasks += [dict(t) for t in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100], include=["TAGS"])["tasks"]]
    return [t for t in tasks if t.get("lastStatus") != "STOPPED"]


def run_task_request(stack: str, cluster: str, service: dict[str, Any], task_definition: str, task: OneOffTask) -> dict[str, Any]:
    """The RunTask call: the service's placement and network, the task's command and tags."""
    network = service.get("networkConfiguration")
    if not network:
        raise OpsError(
            f"Service {service['serviceName']} has no network configuration to reuse.", Exit.USAGE, "The backend service must run in awsvpc mode (Fargate)."
        )
    request: dict[str, Any] = {
        "cluster": cluster,
        "taskDefinition": task_definition,
        "count": 1,
        "startedBy": task.started_by,
        "networkConfiguration": network,
        "overrides": {"containerOverrides": [{"name": naming.container_name("backend"), "command": list(task.command)}]},
        "tags": [
            {"key": PURPOSE_TAG, "value": task.purpose},
            *({"key": k, "value": v} for k, v in task.tags),
            {"key": naming.TAG_PROJECT, "value": naming.PROJECT},
            {"key": naming.TAG_STACK, "value": stack},
        ],
    }
    if service.get("capacityProviderStrategy"):
        request["capacityProviderStrategy"] = service["capacityProviderStrategy"]
    else:
        request["launchType"] = service.get("launchType") or "FARGATE"
    if service.get("platformVersion"):
        request["platformVersion"] = service["platformVersion"]
    return request


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
        ecs = self.clients.ecs
        label = task.label
        request = run_task_request(self.stack, self.cluster, self.service, self.task_definition["taskDefinitionArn"], task)
        started = self.clock()
        with aws_errors():
            response = ecs.run_task(**request)
        if response.get("failures") or not response.get("tasks"):
            reasons = "; ".join(f"{f.get('arn', '?')}: {f.get('reason', '?')} {f.get('detail', '')}".strip() for f in response.get("failures", []))
            return OneOffResult(label, "failed-to-start", Exit.FAILED, stopped_reason=reasons or "RunTask returned no task")
        task_arn = response["tasks"][0]["taskArn"]
        # Two operators starting at the same second both pass the first check: re-check, back off.
        if task.exclusive_kind and running_tasks(ecs, self.cluster, task.started_by, exclude=task_arn):
            self._stop(task_arn, f"{task.tool}: another {task.exclusive_kind} started at the same time")
            raise OpsError(
                f"Another {task.exclusive_kind} started at the same time; stopped this one.", Exit.FAILED, f"Run {task.tool} again once the other has finished."
            )
        container = naming.container_name("backend")
        location = log_location(self.task_definition, container, task_arn)
        follower = LogFollower(self.clients.logs, *location) if location else None
        self.out.note(f"{task.announce} with {short_td(request['taskDefinition'])} — task {task_arn.rsplit('/', 1)[-1]}")
        if follower is None:
            self.out.warn(f"container {container} does not log through awslogs: no live output")
        else:
            self.out.note(f"[dim]logs: {follower.group} {follower.stream}[/]")
        last_status = "PROVISIONING"
        with self.out.status(f"{label}: {last_status}") as spinner:
            while True:
                with aws_errors():
                    tasks = ecs.describe_tasks(cluster=self.cluster, tasks=[task_arn])["tasks"]
                described: dict[str, Any] = dict(tasks[0]) if tasks else {}
                last_status = str(described.get("lastStatus", "UNKNOWN"))
                self._print_logs(follower, label)
                elapsed = self.clock() - started
                if spinner is not None:
                    spinner.update(f"{label}: {last_status} ({elapsed:.0f}s)")
                if last_status == "STOPPED":
                    break
                if self.timeout and elapsed >= self.timeout:
                    self._stop(task_arn, f"{task.tool}: timed out after {self.timeout:g}s")
                    self._print_logs(follower, label)
                    return OneOffResult(
                        label,
                        "timed-out",
                        Exit.TIMEOUT,
                        task_arn,
                        stopped_reason=f"still {last_status} after {self.timeout:g}s; the task was stopped",
                        seconds=elapsed,
                        log_tail=self._tail(follower),
                    )
                self.sleep(self.poll_interval)
        self._print_logs(follower, label)
        return self._result(label, described, container, self.clock() - started, self._tail(follower))

    def _stop(self, task_arn: str, reason: str) -> None:
        with aws_errors():
            self.clients.ecs.stop_task(cluster=self.cluster, task=task_arn, reason=reason)

    def _print_logs(self, follower: LogFollower | None, label: str) -> None:
        if follower is None:
            return
        for line in follower.poll():
            self.out.line(f"{label} | {line}")

    @staticmethod
    def _tail(follower: LogFollower | None) -> list[str]:
        return list(follower.tail) if follower else []

    @staticmethod
    def _result(label: str, task: dict[str, Any], container: str, seconds: float, tail: list[str]) -> OneOffResult:
        stop_code = task.get("stopCode")
        reason = task.get("stoppedReason")
        containers = task.get("containers") or []
        main = next((c for c in containers if c.get("name") == container), containers[0] if containers else {})
        code = main.get("exitCode")
        if stop_code == "TaskFailedToStart":
            outcome, exit_code = "failed-to-start", int(Exit.FAILED)
        elif code is None:
            outcome, exit_code = "failed", int(Exit.FAILED)
        else:
            outcome, exit_code = ("succeeded" if code == 0 else "failed"), int(code)
        return OneOffResult(
            label,
            outcome,
            exit_code,
            task_arn=task.get("taskArn"),
            container_exit_code=None if code is None else int(code),
            stop_code=stop_code,
            stopped_reason=reason or main.get("reason"),
            seconds=seconds,
            log_tail=tail,
        )


def report_failure(out: Output, result: OneOffResult) -> None:
    """The reason and the log tail, on stderr, whatever the output mode."""
    what = {
        "failed-to-start": f"task failed to start ({result.stop_code or 'no task'}): {result.stopped_reason or 'no reason given'}",
        "timed-out": f"timed out: {result.stopped_reason}",
    }.get(
        result.outcome,
        f"container exited with code {result.container_exit_code}"
        if result.container_exit_code is not None
        else f"task stopped without an exit code ({result.stop_code}): {result.stopped_reason}",
    )
    out.error(f"{result.label}: {what}")
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
