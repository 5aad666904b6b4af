"""The release inside the resource graph: migrations and the static upload before the services roll,
and a rollout check after them.

`pulumi up` alone then releases in order: image -> task definitions -> one migration task per
database alias -> collectstatic -> services -> steady state on the intended revision. Each step
is a Python dynamic resource (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/)
whose create/update runs a one-off ECS task with the machinery of `coko migrate`
(`coko_ecs.oneoff`) and raises when the container fails, so the engine stops the update before
any service changes. A step re-runs only when the image digest changes; deleting one forgets it
(a migration cannot be undone).

The steps talk to AWS with boto3's standard credential chain, i.e. the credentials of the
environment that runs `pulumi up` (the same ones the AWS provider uses when it is not given
explicit keys). This module imports neither ``pulumi_aws`` nor ``coko_cli``: its providers are
pickled into the state and re-imported by the dynamic provider process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

from coko_ecs.tasks import collectstatic_task, migration_task, provision_task

TOOL = "pulumi up (release step)"
MIGRATE = "migrate"
PROVISION = "provision"
COLLECTSTATIC = "collectstatic"
DEFAULT_TIMEOUT_SECONDS = 1800  # per task, as `coko migrate`'s --timeout
DEFAULT_POLL_SECONDS = 5.0
LOG_LINES_IN_ERROR = 20


class ReleaseStepError(Exception):
    """A release step failed: the message says which task, why, and its last log lines."""


def image_digest(image_ref: Any) -> Any:
    """``<repo>@sha256:…`` -> ``sha256:…``: what a step's re-run depends on (unknown stays unknown)."""
    return image_ref.rsplit("@", 1)[-1] if isinstance(image_ref, str) else image_ref


def _clients(region: str) -> tuple[Any, Callable[[], Any]]:
    """ECS client and a lazy Logs client with botocore's standard retries (8 attempts, as the CLI)."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(region_name=region)
    config = Config(retries={"mode": "standard", "total_max_attempts": 8}, user_agent_extra="coko-release")
    return session.client("ecs", config=config), lambda: session.client("logs", config=config)


def run_step(props: Mapping[str, Any]) -> dict[str, Any]:
    """Run the step's one-off task to completion; its outputs, or ReleaseStepError."""
    from coko_ecs.oneoff import ConcurrentTask, OneOffRunner, Placement
    from coko_ecs.tasks import describe_running, running_migrations

    ecs, logs = _clients(str(props["region"]))
    cluster = str(props["cluster"])
    kind = props["kind"]
    task = migration_task(str(props["database"]), tool=TOOL) if kind == MIGRATE else provision_task(TOOL) if kind == PROVISION else collectstatic_task(tool=TOOL)
    if props["kind"] == MIGRATE and (running := running_migrations(ecs, cluster)):
        raise ReleaseStepError(
            f"{task.label}: another migration is already running in this stack: {describe_running(running)}. "
            "Migrations must not race: wait for it to stop (coko status), then run `pulumi up` again."
        )
    definition = ecs.describe_task_definition(taskDefinition=str(props["taskDefinitionArn"]))["taskDefinition"]
    runner = OneOffRunner(
        ecs,
        logs,
        str(props["stack"]),
        cluster,
        Placement.private_fargate(list(props["subnetIds"]), list(props["securityGroupIds"])),
        definition,
        poll_interval=float(props.get("pollSeconds", DEFAULT_POLL_SECONDS)),
        timeout=float(props.get("timeoutSeconds", DEFAULT_TIMEOUT_SECONDS)),
    )
    try:
        result = runner.run(task)
    except ConcurrentTask as exc:
        raise ReleaseStepError(f"{task.label}: {exc} Run `pulumi up` again once the other has finished.") from None
    if result.outcome != "succeeded":
        tail = "\n".join(f"  {line}" for line in result.log_tail[-LOG_LINES_IN_ERROR:]) or "  (no log lines were found for this task)"
        raise ReleaseStepError(
            f"{task.label} ({' '.join(task.command)}) with {str(props['taskDefinitionArn']).rsplit('/', 1)[-1]}: {result.describe()}; "
            f"task {result.task_arn or '-'}. The services were not changed. Last log lines:\n{tail}"
        )
    outs = {k: v for k, v in props.items() if k != "__provider"}
    outs.update(taskArn=result.task_arn, exitCode=result.container_exit_code, seconds=round(result.seconds, 1), imageDigest=image_digest(props["imageRef"]))
    return outs


class OneOffTaskProvider(ResourceProvider):
    """A one-off task that runs on create, and again on update when the image digest changed."""

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = image_digest(olds.get("imageRef")) != image_digest(news.get("imageRef"))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = run_step(props)
        return CreateResult(id_=str(outs["taskArn"]), outs=outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=run_step(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to undo: a migration is not reversed by forgetting it (expand -> migrate -> contract)."""


class ProvisionStep(Resource, module="coko", name="ProvisionStep"):
    """`manage.py provision_db_users` as a one-off task of the database-admin task definition (master login)."""


class MigrationStep(Resource, module="coko", name="MigrationStep"):
    """`manage.py migrate_alias <alias>` as a one-off task of the new backend revision."""


class StaticUploadStep(Resource, module="coko", name="StaticUploadStep"):
    """`manage.py collectstatic --noinput` (content-hashed names) as a one-off task of the new backend revision."""


@dataclass(frozen=True)
class ReleaseStepsArgs:
    """Where the one-off tasks run; ``databases`` is empty where the database is a read replica."""

    stack: str
    region: str
    cluster: pulumi.Input[str]
    image_ref: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]
    databases: Sequence[str]
    # The database-admin task definition: where given, the app logins are provisioned before the
    # first migration (they run as the app user, which must exist and own the databases).
    admin_task_definition_arn: pulumi.Input[str] | None = None
    # What a task needs beyond its inputs (NAT routes to pull the image, role policies, security-group
    # rules of the data tier): a one-off task that fails to start is not retried, a service's task is.
    ready: Sequence[pulumi.Resource] = ()
    collect_static: bool = True
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    poll_seconds: float = DEFAULT_POLL_SECONDS


def release_steps(name: str, args: ReleaseStepsArgs, task_definition_arn: pulumi.Input[str], opts: pulumi.ResourceOptions) -> list[pulumi.Resource]:
    """The chain migrations (one alias after another) -> static upload; the services wait for all of it."""
    common: dict[str, Any] = {
        "stack": args.stack,
        "region": args.region,
        "cluster": args.cluster,
        "taskDefinitionArn": task_definition_arn,
        "imageRef": args.image_ref,
        "subnetIds": list(args.subnet_ids),
        "securityGroupIds": list(args.security_group_ids),
        "timeoutSeconds": args.timeout_seconds,
        "pollSeconds": args.poll_seconds,
    }
    provider = OneOffTaskProvider()
    steps: list[pulumi.Resource] = []
    if args.databases and args.admin_task_definition_arn is not None:
        provision = {**common, "kind": PROVISION, "taskDefinitionArn": args.admin_task_definition_arn}
        steps.append(ProvisionStep(provider, f"{name}-provision-db-users", provision, opts))
    for alias in args.databases:
        previous = pulumi.ResourceOptions(depends_on=steps[-1:])
        steps.append(
            MigrationStep(provider, f"{name}-migrate-{alias}", {**common, "kind": MIGRATE, "database": alias}, pulumi.ResourceOptions.merge(opts, previous))
        )
    if args.collect_static:
        previous = pulumi.ResourceOptions(depends_on=steps[-1:])
        steps.append(StaticUploadStep(provider, f"{name}-collectstatic", {**common, "kind": COLLECTSTATIC}, pulumi.ResourceOptions.merge(opts, previous)))
    return steps


class ReleaseGate:
    """Hands each service the steps it waits for; the backend's new task definition runs them.

    Used as ``AppServiceArgs.before_rollout``: the backend (built first) creates the steps from
    its own task definition, the worker and scheduler wait for the same steps.
    """

    def __init__(self, name: str, args: ReleaseStepsArgs):
        self.name, self.args = name, args
        self.steps: list[pulumi.Resource] | None = None

    def for_role(self, role: str) -> Callable[[pulumi.CustomResource], Sequence[pulumi.Resource]]:
        def gate(task_definition: pulumi.CustomResource) -> Sequence[pulumi.Resource]:
            if role == "backend":
                arn = task_definition.arn  # type: ignore[attr-defined]
                self.steps = release_steps(self.name, self.args, arn, pulumi.ResourceOptions(depends_on=[task_definition, *self.args.ready]))
            if self.steps is None:
                raise RuntimeError(f"{role}: the backend service must be built first (its task definition runs the release steps)")
            return self.steps

        return gate


class RolloutCheckProvider(ResourceProvider):
    """Waits for the services to be steady, then fails unless each runs the revision asked for."""

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("expected") != news.get("expected"), replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"{props['cluster']}-rollout", outs=check_rollout(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=check_rollout(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)


def check_rollout(props: Mapping[str, Any]) -> dict[str, Any]:
    from coko_ecs.rollout import RolloutWait, short

    ecs, _logs = _clients(str(props["region"]))
    expected = {str(k): str(v) for k, v in dict(props["expected"]).items()}
    wait = RolloutWait(ecs, str(props["cluster"]), expected, float(props.get("timeoutSeconds", 900)), float(props.get("pollSeconds", DEFAULT_POLL_SECONDS)))
    try:
        problems = wait.run()
    except TimeoutError as exc:
        raise ReleaseStepError(f"{exc}. ECS is still deploying; follow it with `coko status`, roll back with `coko rollback`.") from None
    if problems:
        raise ReleaseStepError(
            "The services did not end on the new revision:\n" + "\n".join(f"  {p}" for p in problems) + "\nSee docs/release.md (rolling back)."
        )
    outs = {k: v for k, v in props.items() if k != "__provider"}
    outs["running"] = {name: short(arn) for name, arn in expected.items()}
    return outs


class RolloutCheck(Resource, module="coko", name="RolloutCheck"):
    """After `pulumi up` changed the services: steady, and on the intended task definitions."""

    def __init__(
        self,
        name: str,
        region: str,
        cluster: pulumi.Input[str],
        expected: Mapping[str, pulumi.Input[str]],
        opts: pulumi.ResourceOptions,
        timeout_seconds: int = 900,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        props = {"region": region, "cluster": cluster, "expected": dict(expected), "timeoutSeconds": timeout_seconds, "pollSeconds": poll_seconds}
        super().__init__(RolloutCheckProvider(), name, props, opts)
