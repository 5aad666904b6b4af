"""`coko rotate-db-credentials --stack production`: alternating-users rotation as a one-off task."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coko_cli.ops.command import OpsRun, ops_command

if TYPE_CHECKING:
    from coko_cli.ops.discovery import StackServices

CODES = (0, 1, 2, 3, 4, 124, 130, 143)
HELP = """Rotate the app's database login (alternating users), then redeploy every service.

Runs `python manage.py rotate_db_credentials` as a one-off task of the database-admin task
definition (coko-<stack>-dbadmin, the only one with the master login and the right to write the
app's login secret), with the backend service's network. The task gives the login the secret does
not name a new password, tests it, and makes it the secret's current value; the login the running
tasks use keeps working. Then, once the secret's replica in the secondary region has the new
version, every service in both regions gets a new deployment, so no task keeps a login older than
one rotation.

Refused while any service task started before the previous rotation (it still uses the login
this rotation would change), or while another rotation runs."""


def _stacks(run: OpsRun) -> list[tuple[str, StackServices, Any]]:
    """(region, services, ecs client) of every stack whose tasks use the login."""
    from coko_cli.ops.aws import aws_errors
    from coko_cli.ops.discovery import discover
    from coko_cli.ops.rotate import regions

    found = []
    for stack, region in regions(run.config):  # type: ignore[arg-type]
        if stack == run.config.stack:
            found.append((region, run.find(tuple(_roles())), run.clients.ecs))
            continue
        with aws_errors():
            ecs = run.clients.session.client("ecs", region_name=region, config=run.clients.config)  # type: ignore[call-overload]
        found.append((region, discover(ecs, stack, region, tuple(_roles())), ecs))
    return found


def _roles() -> tuple[str, ...]:
    from coko_contract import names

    return names.SERVICE_ROLES


def _wait_replicated(run: OpsRun, secret: str, version: str, region: str, timeout: float) -> None:
    """The secondary's replica serves the new version before its tasks are replaced."""
    from coko_cli.ops.aws import aws_errors
    from coko_cli.ops.errors import Exit, OpsError

    with aws_errors():
        sm = run.clients.session.client("secretsmanager", region_name=region, config=run.clients.config)  # type: ignore[call-overload]
    started = time.monotonic()
    while True:
        with aws_errors():
            stages = sm.describe_secret(SecretId=secret).get("VersionIdsToStages") or {}
        if "AWSCURRENT" in stages.get(version, []):
            return
        if timeout and time.monotonic() - started >= timeout:
            raise OpsError(
                f"The replica of {secret} in {region} did not receive version {version} within {timeout:g}s; its services were not redeployed.",
                Exit.TIMEOUT,
                f"Check the secret's replication status, then force a new deployment in {region}.",
            )
        run.pause(f"waiting for {secret} to replicate to {region}")


def register(app: typer.Typer) -> None:
    @ops_command(app, "rotate-db-credentials", HELP, codes=CODES, deadline=3600, waits=True)
    def rotate_db_credentials(
        run: OpsRun,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds the rotation task (and each wait) may take; 0: no limit.")] = 900,
    ) -> None:
        from coko_cli.ops import taskdefs
        from coko_cli.ops.aws import aws_errors
        from coko_cli.ops.errors import Exit, OpsError
        from coko_cli.ops.oneoff import OneOffRun, OneOffTask, report_failure
        from coko_cli.ops.rotate import STARTED_BY, current_version, force_new_deployments, secret_name, stale_tasks
        from coko_contract import names
        from coko_ecs.oneoff import running_tasks
        from coko_ecs.tasks import ADMIN_CONTAINER

        config = run.config
        secret = secret_name(config)  # type: ignore[arg-type]
        with aws_errors():
            sm = run.clients.session.client("secretsmanager", config=run.clients.config)  # type: ignore[call-overload]
        version, since = current_version(sm, secret)
        run.doc.update(secret=secret, previousVersion=version, previousRotation=since.isoformat())
        stacks = _stacks(run)
        stale = [f"{region}: {t}" for region, target, ecs in stacks for t in stale_tasks(ecs, target.cluster, target.services, since)]
        if stale:
            raise OpsError(
                f"{len(stale)} task(s) started before the previous rotation ({since:%Y-%m-%d %H:%M:%SZ}) still run and use the login this rotation would change: "
                + "; ".join(stale),
                Exit.FAILED,
                "Wait for the deployment that replaces them (`coko status`), then rotate again.",
            )
        region, primary, ecs = stacks[0]
        with aws_errors():
            busy = running_tasks(ecs, primary.cluster, STARTED_BY)
        if busy:
            raise OpsError("Another credentials rotation is running.", Exit.FAILED, "Wait for it to finish.")
        family = names.dbadmin_family(config.stack)
        latest = taskdefs.family_arns(ecs, family)[:1]
        if not latest:
            raise OpsError(
                f"No ACTIVE task definition {family} in {region}.", Exit.USAGE, f"Deploy the {config.stack} stack (it defines the database-admin task)."
            )
        definition = taskdefs.describe(ecs, latest[0])
        task = OneOffTask(
            label="rotate",
            command=["python", "manage.py", "rotate_db_credentials", "--secret-id", secret, "--region", region],
            started_by=STARTED_BY,
            purpose="db-credentials-rotation",
            tool="coko rotate-db-credentials",
            announce="Rotating the app's database login",
            exclusive_kind="credentials rotation",
            container=ADMIN_CONTAINER,  # the database-admin task definition's only container
        )
        runner = OneOffRun(
            run.clients, config.stack, primary.cluster, primary.services["backend"], definition, run.options.poll_interval, timeout, run.out,
            sleep=lambda _seconds: run.pause("waiting for the rotation task"),
        )  # fmt: skip
        result = runner.run(task)
        run.doc["task"] = result.as_json()
        if result.exit_code != 0:
            report_failure(run.out, result)
            code = Exit.CONTAINER if result.container_exit_code not in (None, 0) else Exit.FAILED
            raise OpsError(f"The rotation task failed ({result.outcome}); the secret and every login are as they were, or the rotation can be rerun.", code)
        new_version, rotated_at = current_version(sm, secret)
        if new_version == version:
            raise OpsError(f"The rotation task succeeded but {secret}'s current version did not change.", Exit.FAILED)
        run.doc.update(version=new_version, rotatedAt=rotated_at.isoformat())
        redeployed: dict[str, list[str]] = {}
        for other_region, target, other_ecs in stacks:
            if other_region != region:
                _wait_replicated(run, secret, new_version, other_region, timeout)
            redeployed[other_region] = force_new_deployments(other_ecs, target.cluster, target.services)
        run.doc["redeployed"] = redeployed
        run.out.note(
            f"[green]✓[/] {secret} rotated (version {new_version}); new deployments started in "
            + ", ".join(f"{r} ({len(s)} services)" for r, s in redeployed.items())
            + " — follow them with `coko status`."
        )
