"""The CLI side of one-off tasks (migrations, collectstatic); `coko_ecs.oneoff` runs them.

What the CLI adds around the shared runner:

- the wait keeps polling through throttling, 5xx and timeouts of DescribeTasks/GetLogEvents
  (a warning, then the next poll): giving up while the task runs would leave it unwatched and
  make the retry refuse to start (the migration guard sees it running);
- SIGINT/SIGTERM stop the task (``--on-interrupt stop``, the default) or leave it running
  (``detach``) with its ARN and the exact stop command printed, as does any failure that loses
  track of a started task;
- the command's ``--deadline`` stops a task like its ``--timeout`` does;
- the CLI's exit code is never the container's: a failed container is exit 3 (`Exit.CONTAINER`),
  with the container's code in the message and the JSON.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from coko_cli.ops.aws import Clients, aws_errors, explain
from coko_cli.ops.command import OnInterrupt, OpsRun
from coko_cli.ops.errors import Exit, Interrupted, OpsError
from coko_cli.ops.render import Output, Progress, short_td
from coko_ecs import oneoff, tasks
from coko_ecs.oneoff import PURPOSE_TAG, OneOffResult, OneOffTask, Placement

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

__all__ = ["PURPOSE_TAG", "OneOffRun", "OneOffTask", "TaskOutcome", "backend_one_off", "recent_tasks", "report_failure", "show_log_tail", "stop_command"]

ONE_OFF_STARTED_BY = (tasks.MIGRATE_STARTED_BY, tasks.COLLECTSTATIC_STARTED_BY)


@dataclass
class TaskOutcome:
    """A task's result in the CLI's terms: its exit code, one sentence, what may still run."""

    result: OneOffResult
    code: int
    message: str = ""
    hint: str | None = None
    stop_command: str | None = None  # set when the task may still be running

    @property
    def label(self) -> str:
        return self.result.label

    def as_json(self) -> dict[str, Any]:
        return {**self.result.as_json(), "exitCode": self.code, "message": self.message or None, "stopCommand": self.stop_command}

    def error(self) -> OpsError:
        return OpsError(f"{self.label}: {self.message}", self.code, self.hint)


def try_stop(clients: Clients, out: Output, cluster: str, task_arn: str, reason: str) -> bool:
    """StopTask, best effort: a failure is a warning (the caller prints the stop command)."""
    try:
        with aws_errors():
            clients.ecs.stop_task(cluster=cluster, task=task_arn, reason=reason[:255])
    except OpsError as exc:
        out.warn(f"could not stop task {task_arn}: {exc.message}")
        return False
    return True


def stop_command(cluster: str, task_arn: str, region: str) -> str:
    """What an operator pastes to stop a task the CLI left running."""
    return f"aws ecs stop-task --region {region} --cluster {cluster.rsplit('/', 1)[-1]} --task {task_arn}"


class _Patient:
    """A client for the wait: a transient failure of a polled call is a warning and "no news"."""

    def __init__(self, client: Any, out: Output, fallbacks: dict[str, Callable[[dict[str, Any], Any], Any]]):
        self._client, self._out, self._fallbacks = client, out, fallbacks
        self._last: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if name not in self._fallbacks:
            return method

        def call(**kwargs: Any) -> Any:
            try:
                self._last[name] = method(**kwargs)
                return self._last[name]
            except (ClientError, BotoCoreError) as exc:
                explained = explain(exc)
                if not explained.transient:
                    raise  # as botocore raised it: the runner knows some (a log stream not created yet)
                self._out.warn(f"{explained.message} Still waiting; polling again.")
                return self._fallbacks[name](kwargs, self._last.get(name))

        return call


def _patient_ecs(client: Any, out: Output) -> Any:
    return _Patient(client, out, {"describe_tasks": lambda _kwargs, last: last or {"tasks": []}})


def _patient_logs(client: Any, out: Output) -> Any:
    return _Patient(client, out, {"get_log_events": lambda kwargs, _last: {"events": [], "nextForwardToken": kwargs.get("nextToken")}})


class _Watch(oneoff.Watcher):
    """Progress on stderr, container log lines on stdout; remembers the task for clean-up."""

    def __init__(self, out: Output, progress: Progress):
        self.out, self.progress_line = out, progress
        self.task_arn: str | None = None

    def started(self, task: OneOffTask, task_arn: str, task_definition_arn: str, logs: tuple[str, str] | None) -> None:
        self.task_arn = task_arn
        self.out.note(f"{task.announce} with {short_td(task_definition_arn)} — task {task_arn.rsplit('/', 1)[-1]}")
        if logs is None:
            self.out.warn(f"container {oneoff.CONTAINER} does not log through awslogs: no live output")
        else:
            self.out.note(f"[dim]logs: {logs[0]} {logs[1]}[/]")

    def progress(self, task: OneOffTask, last_status: str, elapsed: float) -> None:
        self.progress_line.update(f"{task.label}: task {last_status}")

    def log_lines(self, task: OneOffTask, lines: list[str]) -> None:
        for line in lines:
            self.out.line(f"{task.label} | {line}")


@dataclass
class BackendOneOff:
    """Runs one-off tasks shaped like the backend service, within one command invocation."""

    run_: OpsRun
    runner: oneoff.OneOffRunner
    on_interrupt: OnInterrupt

    @property
    def cluster(self) -> str:
        return self.runner.cluster

    def run(self, task: OneOffTask) -> TaskOutcome:
        out = self.run_.out
        started = self.runner.clock()
        with out.progress(f"{task.label}: starting") as progress:
            watch = _Watch(out, progress)
            try:
                with aws_errors():
                    return self._judged(self.runner.run(task, watch))
            except oneoff.ConcurrentTask as exc:
                raise OpsError(str(exc), Exit.FAILED, f"Run {task.tool} again once the other has finished.") from None
            except Interrupted as exc:
                if watch.task_arn is None:
                    raise
                return self._interrupted(task, watch.task_arn, exc, self.runner.clock() - started)
            except OpsError as exc:
                if watch.task_arn is None:
                    raise
                return self._left(task, watch.task_arn, exc, self.runner.clock() - started)

    def _judged(self, result: OneOffResult) -> TaskOutcome:
        if result.outcome == "succeeded":
            return TaskOutcome(result, int(Exit.OK))
        if result.outcome == "failed" and result.container_exit_code is not None:
            code = result.container_exit_code
            return TaskOutcome(result, int(Exit.CONTAINER), f"container exited with code {code} (coko exits {int(Exit.CONTAINER)})")
        code = int(Exit.TIMEOUT) if result.outcome == "timed-out" else int(Exit.FAILED)
        return TaskOutcome(result, code, result.describe())

    def _stop_command(self, task_arn: str) -> str:
        return stop_command(self.cluster, task_arn, self.run_.clients.region)

    def _try_stop(self, task_arn: str, reason: str) -> bool:
        with self.run_.deadline.suspended():
            return try_stop(self.run_.clients, self.run_.out, self.cluster, task_arn, reason)

    def _interrupted(self, task: OneOffTask, task_arn: str, exc: Interrupted, seconds: float) -> TaskOutcome:
        result = OneOffResult(task.label, "interrupted", exc.code, task_arn, seconds=seconds)
        if self.on_interrupt == OnInterrupt.stop and self._try_stop(task_arn, f"{task.tool}: interrupted by {exc.signal_name}"):
            return TaskOutcome(result, exc.code, f"interrupted by {exc.signal_name}: stopped task {task_arn}.")
        command = self._stop_command(task_arn)
        what = "detached" if self.on_interrupt == OnInterrupt.detach else "could not stop it"
        return TaskOutcome(result, exc.code, f"interrupted by {exc.signal_name}: {what}; task {task_arn} keeps running.", f"Stop it with: {command}", command)

    def _left(self, task: OneOffTask, task_arn: str, exc: OpsError, seconds: float) -> TaskOutcome:
        """The deadline ran out, or AWS failed for good, while the task ran."""
        if exc.code == Exit.TIMEOUT and self._try_stop(task_arn, f"{task.tool}: {exc.message}"[:255]):
            result = OneOffResult(task.label, "timed-out", exc.code, task_arn, stopped_reason=exc.message, seconds=seconds)
            return TaskOutcome(result, exc.code, f"{exc.message} The task was stopped.")
        command = self._stop_command(task_arn)
        result = OneOffResult(task.label, "timed-out" if exc.code == Exit.TIMEOUT else "lost", exc.code, task_arn, seconds=seconds)
        return TaskOutcome(
            result, exc.code, f"{exc.message} Task {task_arn} may still be running.", f"Follow it with `coko status`, or stop it: {command}", command
        )


def show_log_tail(out: Output, result: OneOffResult) -> None:
    """The log tail of a failed task, on stderr, whatever the output mode."""
    if result.log_tail:
        out.err.rule(f"last {len(result.log_tail)} log lines of {result.label}", style="red")
        for line in result.log_tail:
            out.err.out(line, highlight=False)
        out.err.rule(style="red")
    elif result.outcome in ("failed", "timed-out") and result.task_arn:
        out.err.print("  (no log lines were found for this task)")


def report_failure(out: Output, result: OneOffResult) -> None:
    """Why a task failed and its log tail, on stderr."""
    out.error(f"{result.label}: {result.describe()}")
    show_log_tail(out, result)


def _runner(
    clients: Clients,
    out: Output,
    stack: str,
    cluster: str,
    service: dict[str, Any],
    definition: dict[str, Any],
    poll: float,
    timeout: float,
    sleep: Callable[[float], None],
) -> oneoff.OneOffRunner:
    """The shared runner, with patient clients (see `_Patient`)."""
    return oneoff.OneOffRunner(
        ecs=_patient_ecs(clients.ecs, out),
        logs_client=lambda: _patient_logs(clients.logs, out),
        stack=stack,
        cluster=cluster,
        placement=placement_of(service),
        task_definition=definition,
        poll_interval=poll,
        timeout=timeout,
        sleep=sleep,
    )


@dataclass
class OneOffRun:
    """A runner for commands that manage their own errors (`coko failover`'s verify step)."""

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
        """coko_ecs's result: ``exit_code`` is the container's own."""
        runner = _runner(self.clients, self.out, self.stack, self.cluster, self.service, self.task_definition, self.poll_interval, self.timeout, self.sleep)
        runner.clock = self.clock
        with self.out.progress(f"{task.label}: starting") as progress:
            watch = _Watch(self.out, progress)
            try:
                with aws_errors():
                    return runner.run(task, watch)
            except Interrupted as exc:  # stop what we started, then let the command report the signal
                arn = watch.task_arn
                if arn is None:
                    raise
                if try_stop(self.clients, self.out, self.cluster, arn, f"{task.tool}: interrupted by {exc.signal_name}"):
                    raise OpsError(f"{task.label}: interrupted by {exc.signal_name}: stopped task {arn}.", exc.code) from None
                command = stop_command(self.cluster, arn, self.clients.region)
                raise OpsError(f"{task.label}: interrupted by {exc.signal_name}; task {arn} keeps running.", exc.code, f"Stop it with: {command}") from None


def placement_of(service: dict[str, Any]) -> Placement:
    placement = Placement.of_service(service)
    if placement is None:
        raise OpsError(
            f"Service {service['serviceName']} has no network configuration to reuse.", Exit.USAGE, "The backend service must run in awsvpc mode (Fargate)."
        )
    return placement


def backend_one_off(run: OpsRun, task_definition: str | None, timeout: float, on_interrupt: OnInterrupt) -> BackendOneOff:
    """A runner shaped like the backend service: its network, and its live task definition unless one is given."""
    from coko_cli.ops import taskdefs
    from coko_cli.ops.rollback import primary_task_definition

    target = run.find(("backend",))
    backend = target.services["backend"]
    definition = taskdefs.describe(run.clients.ecs, task_definition or primary_task_definition(backend))
    run.doc.update(service=backend["serviceName"], taskDefinition=definition["taskDefinitionArn"])
    runner = _runner(
        run.clients,
        run.out,
        run.config.stack,
        target.cluster,
        backend,
        definition,
        run.options.poll_interval,
        timeout,
        lambda _s: run.pause("waiting for the task"),
    )
    return BackendOneOff(run, runner, on_interrupt)


def recent_tasks(ecs: ECSClient, cluster: str, limit: int) -> list[dict[str, Any]]:
    """The stack's one-off tasks that run or stopped recently (ECS lists stopped tasks for about an hour)."""
    arns: list[str] = []
    with aws_errors():
        for started_by in ONE_OFF_STARTED_BY:
            for desired in ("RUNNING", "STOPPED"):
                pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, startedBy=started_by, desiredStatus=desired)  # type: ignore[arg-type]
                arns += [a for page in pages for a in page["taskArns"] if a not in arns]
        found: list[dict[str, Any]] = []
        for start in range(0, len(arns), 100):
            found += [dict(t) for t in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100], include=["TAGS"])["tasks"]]
    found.sort(key=lambda t: str(t.get("createdAt") or ""), reverse=True)
    return [_task_row(t) for t in found[:limit]]


def _task_row(task: dict[str, Any]) -> dict[str, Any]:
    tags = {t.get("key"): t.get("value") for t in task.get("tags") or []}
    containers = task.get("containers") or []
    main = next((c for c in containers if c.get("name") == oneoff.CONTAINER), containers[0] if containers else {})
    return {
        "purpose": tags.get(PURPOSE_TAG) or task.get("startedBy"),
        "database": tags.get(tasks.DATABASE_TAG),
        "status": task.get("lastStatus"),
        "containerExitCode": main.get("exitCode"),
        "stopCode": task.get("stopCode"),
        "stoppedReason": task.get("stoppedReason"),
        "taskDefinition": str(task.get("taskDefinitionArn", "")).rsplit("/", 1)[-1],
        "createdAt": task.get("createdAt"),
        "stoppedAt": task.get("stoppedAt"),
        "taskArn": task.get("taskArn"),
    }
