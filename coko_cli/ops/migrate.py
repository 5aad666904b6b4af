"""Database migrations as one-off Fargate tasks, one alias at a time, never two at once.

The task reuses the backend service's network configuration and task definition (so it has
the same image, secrets and security groups as the code that will use the schema), overrides
only the command, and is tagged and ``startedBy`` coko-migrate so a second run can see it.
Waiting polls describe_tasks: the tasks_running waiter fails on tasks that finish quickly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coko_cli import naming
from coko_cli.ops.aws import Clients, Exit, OpsError, aws_errors
from coko_cli.ops.logs import LogFollower, log_location
from coko_cli.ops.render import Output, short_td

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

STARTED_BY = "coko-migrate"
PURPOSE_TAG = "coko:purpose"


@dataclass
class MigrationResult:
    """How one alias's task ended, in the terms the operator needs."""

    alias: str
    outcome: str  # succeeded | failed | failed-to-start | timed-out | skipped
    exit_code: int
    task_arn: str | None = None
    container_exit_code: int | None = None
    stop_code: str | None = None
    stopped_reason: str | None = None
    seconds: float = 0.0
    log_tail: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "database": self.alias,
            "outcome": self.outcome,
            "exitCode": self.exit_code,
            "taskArn": self.task_arn,
            "containerExitCode": self.container_exit_code,
            "stopCode": self.stop_code,
            "stoppedReason": self.stopped_reason,
            "seconds": round(self.seconds, 2),
            "logTail": self.log_tail,
        }


def command_for(alias: str, check: bool) -> list[str]:
    command = ["python", "manage.py", "migrate_alias", alias]
    return [*command, "--check"] if check else command


def running_migrations(ecs: ECSClient, cluster: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Migration tasks of this cluster that have not stopped (desiredStatus alone lags)."""
    with aws_errors():
        arns = [
            a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, startedBy=STARTED_BY, desiredStatus="RUNNING") for a in page["taskArns"]
        ]
        arns = [a for a in arns if a != exclude]
        tasks: list[dict[str, Any]] = []
        for start in range(0, len(arns), 100):
            tasks += [dict(t) for t in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100], include=["TAGS"])["tasks"]]
    return [t for t in tasks if t.get("lastStatus") != "STOPPED"]


def refuse_if_running(ecs: ECSClient, cluster: str) -> None:
    running = running_migrations(ecs, cluster)
    if running:
        described = ", ".join(f"{t['taskArn'].rsplit('/', 1)[-1]} ({_alias_of(t)}, {t.get('lastStatus', '?')})" for t in running)
        raise OpsError(
            f"Another migration is already running in this stack: {described}.",
            Exit.FAILED,
            "Wait for it to finish (coko status) — migrations must not race. Stop it with `aws ecs stop-task` only if it is stuck.",
        )


def _alias_of(task: dict[str, Any]) -> str:
    tags = {t.get("key"): t.get("value") for t in task.get("tags") or []}
    return tags.get("coko:database") or "unknown database"


def run_task_request(stack: str, cluster: str, service: dict[str, Any], task_definition: str, alias: str, check: bool) -> dict[str, Any]:
    """The RunTask call: the service's placement and network, the migration command."""
    network = service.get("networkConfiguration")
    if not network:
        raise OpsError(
            f"Service {service['serviceName']} has no network configuration to reuse.", Exit.USAGE, "The backend service must run in awsvpc mode (Fargate)."
        )
    request: dict[str, Any] = {
        "cluster": cluster,
        "taskDefinition": task_definition,
        "count": 1,
        "startedBy": STARTED_BY,
        "networkConfiguration": network,
        "overrides": {"containerOverrides": [{"name": naming.container_name("backend"), "command": command_for(alias, check)}]},
        "tags": [
            {"key": PURPOSE_TAG, "value": "migration-check" if check else "migration"},
            {"key": "coko:database", "value": alias},
            {"key": naming.TAG_PROJECT, "value": "coko"},
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
class MigrationRun:
    """Everything needed to run one alias; `sleep` and `clock` are injectable for speed."""

    clients: Clients
    stack: str
    cluster: str
    service: dict[str, Any]
    task_definition: dict[str, Any]
    check: bool
    poll_interval: float
    timeout: float
    out: Output
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(self, alias: str) -> MigrationResult:
        ecs = self.clients.ecs
        request = run_task_request(self.stack, self.cluster, self.service, self.task_definition["taskDefinitionArn"], alias, self.check)
        started = self.clock()
        with aws_errors():
            response = ecs.run_task(**request)
        if response.get("failures") or not response.get("tasks"):
            reasons = "; ".join(f"{f.get('arn', '?')}: {f.get('reason', '?')} {f.get('detail', '')}".strip() for f in response.get("failures", []))
            return MigrationResult(alias, "failed-to-start", Exit.FAILED, stopped_reason=reasons or "RunTask returned no task")
        task_arn = response["tasks"][0]["taskArn"]
        # Two operators starting at the same second both pass the first check: re-check, back off.
        if running_migrations(ecs, self.cluster, exclude=task_arn):
            self._stop(task_arn, "coko migrate: another migration started at the same time")
            raise OpsError("Another migration started at the same time; stopped this one.", Exit.FAILED, "Run coko migrate again once the other has finished.")
        container = naming.container_name("backend")
        location = log_location(self.task_definition, container, task_arn)
        follower = LogFollower(self.clients.logs, *location) if location else None
        verb = "Checking" if self.check else "Migrating"
        self.out.note(f"{verb} [bold]{alias}[/] with {short_td(request['taskDefinition'])} — task {task_arn.rsplit('/', 1)[-1]}")
        if follower is None:
            self.out.warn(f"container {container} does not log through awslogs: no live output")
        else:
            self.out.note(f"[dim]logs: {follower.group} {follower.stream}[/]")
        last_status = "PROVISIONING"
        with self.out.status(f"{alias}: {last_status}") as spinner:
            while True:
                with aws_errors():
                    tasks = ecs.describe_tasks(cluster=self.cluster, tasks=[task_arn])["tasks"]
                task: dict[str, Any] = dict(tasks[0]) if tasks else {}
                last_status = str(task.get("lastStatus", "UNKNOWN"))
                self._print_logs(follower, alias)
                elapsed = self.clock() - started
                if spinner is not None:
                    spinner.update(f"{alias}: {last_status} ({elapsed:.0f}s)")
                if last_status == "STOPPED":
                    break
                if self.timeout and elapsed >= self.timeout:
                    self._stop(task_arn, f"coko migrate: timed out after {self.timeout:g}s")
                    self._print_logs(follower, alias)
                    return MigrationResult(
                        alias,
                        "timed-out",
                        Exit.TIMEOUT,
                        task_arn,
                        stopped_reason=f"still {last_status} after {self.timeout:g}s; the task was stopped",
                        seconds=elapsed,
                        log_tail=self._tail(follower),
                    )
                self.sleep(self.poll_interval)
        self._print_logs(follower, alias)
        return self._result(alias, task, container, self.clock() - started, self._tail(follower))

    def _stop(self, task_arn: str, reason: str) -> None:
        with aws_errors():
            self.clients.ecs.stop_task(cluster=self.cluster, task=task_arn, reason=reason)

    def _print_logs(self, follower: LogFollower | None, alias: str) -> None:
        if follower is None:
            return
        for line in follower.poll():
            self.out.line(f"{alias} | {line}")

    @staticmethod
    def _tail(follower: LogFollower | None) -> list[str]:
        return list(follower.tail) if follower else []

    @staticmethod
    def _result(alias: str, task: dict[str, Any], container: str, seconds: float, tail: list[str]) -> MigrationResult:
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
        return MigrationResult(
            alias,
            outcome,
            exit_code,
            task_arn=task.get("taskArn"),
            container_exit_code=None if code is None else int(code),
            stop_code=stop_code,
            stopped_reason=reason or main.get("reason"),
            seconds=seconds,
            log_tail=tail,
        )
