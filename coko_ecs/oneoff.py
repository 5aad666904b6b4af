"""One-off Fargate tasks of the backend image: run one, follow it, judge it by the container's exit code.

The task reuses a placement (network configuration, launch type or capacity providers, platform
version) and a task definition, overrides only the container command, and is tagged and
``startedBy`` per purpose so that one kind of task is never mistaken for another. Waiting polls
``describe_tasks``: the ``tasks_running`` waiter fails on tasks that finish quickly
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html, API_DescribeTasks.html).

Front ends differ only in what they show: the CLI prints progress through a :class:`Watcher`,
the Pulumi release step logs it. AWS errors propagate as botocore exceptions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coko_contract import names as naming
from coko_ecs.logs import LogFollower, log_location

PURPOSE_TAG = "coko:purpose"
CONTAINER = naming.container_name("backend")
# Result codes beyond the container's own: like a shell, 1 for "did not run", 124 for timeout(1).
FAILED = 1
TIMED_OUT = 124


@dataclass(frozen=True)
class OneOffTask:
    """What to run and how to recognise it: the command, its startedBy and tags, its wording."""

    label: str  # prefixes log lines and results ("auth_db", "collectstatic")
    command: list[str]
    started_by: str  # also what list_tasks(startedBy=…) finds
    purpose: str  # the coko:purpose tag
    tool: str  # "coko migrate": named in stop reasons and hints
    announce: str = ""  # the front end's progress line ("Migrating [bold]auth_db[/]")
    tags: tuple[tuple[str, str], ...] = ()
    exclusive_kind: str | None = None  # "migration": stop this task if another of the same startedBy started alongside
    container: str = CONTAINER  # the task definition's container to run (the admin task's is "dbadmin")


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
        """Everything but the label (each front end names it: "database", …)."""
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

    def describe(self) -> str:
        """One sentence: why it did not succeed (or that it did)."""
        if self.outcome == "succeeded":
            return "succeeded"
        if self.outcome == "failed-to-start":
            return f"task failed to start ({self.stop_code or 'no task'}): {self.stopped_reason or 'no reason given'}"
        if self.outcome == "timed-out":
            return f"timed out: {self.stopped_reason}"
        if self.container_exit_code is not None:
            return f"container exited with code {self.container_exit_code}"
        return f"task stopped without an exit code ({self.stop_code}): {self.stopped_reason}"


class ConcurrentTask(Exception):
    """Another task of the same exclusive kind started at the same moment; ours was stopped."""

    def __init__(self, task: OneOffTask, task_arn: str):
        super().__init__(f"Another {task.exclusive_kind} started at the same time; stopped this one.")
        self.task, self.task_arn = task, task_arn


@dataclass(frozen=True)
class Placement:
    """Where a one-off task runs: the backend service's network and launch settings."""

    network_configuration: dict[str, Any]
    launch_type: str | None = "FARGATE"
    capacity_provider_strategy: list[dict[str, Any]] | None = None
    platform_version: str | None = None

    @staticmethod
    def of_service(service: dict[str, Any]) -> Placement | None:
        """The placement of a described service; None when it has no awsvpc network to reuse."""
        network = service.get("networkConfiguration")
        if not network:
            return None
        strategy = service.get("capacityProviderStrategy") or None
        return Placement(
            network_configuration=dict(network),
            launch_type=None if strategy else (service.get("launchType") or "FARGATE"),
            capacity_provider_strategy=strategy,
            platform_version=service.get("platformVersion"),
        )

    @staticmethod
    def private_fargate(subnets: list[str], security_groups: list[str], platform_version: str = "LATEST") -> Placement:
        """Private subnets, no public IP: how the stack's services run."""
        network = {"awsvpcConfiguration": {"subnets": list(subnets), "securityGroups": list(security_groups), "assignPublicIp": "DISABLED"}}
        return Placement(network_configuration=network, platform_version=platform_version)


def run_task_request(stack: str, cluster: str, placement: Placement, task_definition: str, task: OneOffTask) -> dict[str, Any]:
    """The RunTask call: the placement, the task's command and tags."""
    request: dict[str, Any] = {
        "cluster": cluster,
        "taskDefinition": task_definition,
        "count": 1,
        "startedBy": task.started_by,
        "networkConfiguration": placement.network_configuration,
        "overrides": {"containerOverrides": [{"name": task.container, "command": list(task.command)}]},
        "tags": [
            {"key": PURPOSE_TAG, "value": task.purpose},
            *({"key": k, "value": v} for k, v in task.tags),
            {"key": naming.TAG_PROJECT, "value": naming.PROJECT},
            {"key": naming.TAG_STACK, "value": stack},
        ],
    }
    if placement.capacity_provider_strategy:
        request["capacityProviderStrategy"] = placement.capacity_provider_strategy
    else:
        request["launchType"] = placement.launch_type or "FARGATE"
    if placement.platform_version:
        request["platformVersion"] = placement.platform_version
    return request


def running_tasks(ecs: Any, cluster: str, started_by: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Tasks of this cluster with this startedBy that have not stopped (desiredStatus alone lags)."""
    arns = [a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, startedBy=started_by, desiredStatus="RUNNING") for a in page["taskArns"]]
    arns = [a for a in arns if a != exclude]
    tasks: list[dict[str, Any]] = []
    for start in range(0, len(arns), 100):
        tasks += [dict(t) for t in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100], include=["TAGS"])["tasks"]]
    return [t for t in tasks if t.get("lastStatus") != "STOPPED"]


class Watcher:
    """What a front end sees of a run; this base class shows nothing."""

    def started(self, task: OneOffTask, task_arn: str, task_definition_arn: str, logs: tuple[str, str] | None) -> None:
        """The task was accepted by ECS; ``logs`` is (group, stream), None without awslogs."""

    def progress(self, task: OneOffTask, last_status: str, elapsed: float) -> None:
        """After each describe_tasks."""

    def log_lines(self, task: OneOffTask, lines: list[str]) -> None:
        """New container log lines, in order."""


@dataclass
class OneOffRunner:
    """Runs one-off tasks of a stack; ``sleep`` and ``clock`` are injectable for speed."""

    ecs: Any
    logs_client: Callable[[], Any]  # built on first use: only tasks that log through awslogs need it
    stack: str
    cluster: str
    placement: Placement
    task_definition: dict[str, Any]  # as describe_task_definition returns it
    poll_interval: float
    timeout: float  # seconds; 0 = no limit
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def run(self, task: OneOffTask, watcher: Watcher | None = None) -> OneOffResult:
        watcher = watcher or Watcher()
        ecs = self.ecs
        label = task.label
        definition_arn = str(self.task_definition["taskDefinitionArn"])
        request = run_task_request(self.stack, self.cluster, self.placement, definition_arn, task)
        started = self.clock()
        response = ecs.run_task(**request)
        if response.get("failures") or not response.get("tasks"):
            reasons = "; ".join(f"{f.get('arn', '?')}: {f.get('reason', '?')} {f.get('detail', '')}".strip() for f in response.get("failures", []))
            return OneOffResult(label, "failed-to-start", FAILED, stopped_reason=reasons or "RunTask returned no task")
        task_arn = response["tasks"][0]["taskArn"]
        # Two operators starting at the same second both pass the first check: re-check, back off.
        if task.exclusive_kind and running_tasks(ecs, self.cluster, task.started_by, exclude=task_arn):
            self._stop(task_arn, f"{task.tool}: another {task.exclusive_kind} started at the same time")
            raise ConcurrentTask(task, task_arn)
        location = log_location(self.task_definition, task.container, task_arn)
        follower = LogFollower(self.logs_client(), *location) if location else None
        watcher.started(task, task_arn, definition_arn, location)
        while True:
            tasks = ecs.describe_tasks(cluster=self.cluster, tasks=[task_arn])["tasks"]
            described: dict[str, Any] = dict(tasks[0]) if tasks else {}
            last_status = str(described.get("lastStatus", "UNKNOWN"))
            self._forward_logs(follower, task, watcher)
            elapsed = self.clock() - started
            watcher.progress(task, last_status, elapsed)
            if last_status == "STOPPED":
                break
            if self.timeout and elapsed >= self.timeout:
                self._stop(task_arn, f"{task.tool}: timed out after {self.timeout:g}s")
                self._forward_logs(follower, task, watcher)
                return OneOffResult(
                    label,
                    "timed-out",
                    TIMED_OUT,
                    task_arn,
                    stopped_reason=f"still {last_status} after {self.timeout:g}s; the task was stopped",
                    seconds=elapsed,
                    log_tail=_tail(follower),
                )
            self.sleep(self.poll_interval)
        self._forward_logs(follower, task, watcher)
        return judge(label, described, self.clock() - started, _tail(follower))

    def _stop(self, task_arn: str, reason: str) -> None:
        self.ecs.stop_task(cluster=self.cluster, task=task_arn, reason=reason)

    @staticmethod
    def _forward_logs(follower: LogFollower | None, task: OneOffTask, watcher: Watcher) -> None:
        if follower is not None and (lines := follower.poll()):
            watcher.log_lines(task, lines)


def _tail(follower: LogFollower | None) -> list[str]:
    return list(follower.tail) if follower else []


def judge(label: str, task: dict[str, Any], seconds: float, tail: list[str]) -> OneOffResult:
    """A STOPPED task's result: the backend container's exit code; TaskFailedToStart is a failure."""
    stop_code = task.get("stopCode")
    reason = task.get("stoppedReason")
    containers = task.get("containers") or []
    main = next((c for c in containers if c.get("name") == CONTAINER), containers[0] if containers else {})
    code = main.get("exitCode")
    if stop_code == "TaskFailedToStart":
        outcome, exit_code = "failed-to-start", FAILED
    elif code is None:
        outcome, exit_code = "failed", FAILED
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
