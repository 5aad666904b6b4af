"""`coko status | releases | rollback | migrate` for a DigitalOcean stack (App Platform).

What ECS calls revisions, App Platform calls deployments: each one carries the whole app spec
(image digest included) and a phase (PENDING_BUILD … ACTIVE, SUPERSEDED, ERROR, CANCELED). A
rollback asks App Platform to redeploy an earlier deployment (POST /v2/apps/{id}/rollback), waits
for the new deployment to become ACTIVE, and checks that it is the app's active deployment.
Migrations are the app's PRE_DEPLOY job: they run on every deployment, before any component
changes, and a failure fails the deployment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coko_cli.exit_codes import Exit
from coko_cli.ops import do_api
from coko_cli.ops.errors import OpsError
from coko_cli.records import Column, Records
from policies.digitalocean_catalog import APP_DATACENTERS

if TYPE_CHECKING:
    from pydo import Client

    from coko_cli.ops.command import OpsRun

DONE = {"ACTIVE", "SUPERSEDED"}
FAILED = {"ERROR", "CANCELED"}
# Options that name ECS things: refused on a DigitalOcean stack rather than silently ignored.
AWS_ONLY = {"cluster": "--cluster", "service": "--service", "profile": "--profile"}


def is_digitalocean(run: OpsRun) -> bool:
    return getattr(run.config, "cloud", "aws") == "digitalocean"


def connect(run: OpsRun) -> tuple[Client, dict[str, Any]]:
    """Check the options against the stack's cloud, then the token, then find the app."""
    given = [flag for option, flag in AWS_ONLY.items() if getattr(run.options, option)]
    if given:
        raise OpsError(f"{', '.join(given)}: ECS options; stack {run.config.stack} runs on DigitalOcean App Platform.", Exit.USAGE)
    region = run.options.region
    if region is not None and region not in APP_DATACENTERS:
        raise OpsError(f"--region {region}: no App Platform in that region (data centers with App Platform: {', '.join(sorted(APP_DATACENTERS))}).", Exit.USAGE)
    client = do_api.make_client(run.options)
    app = do_api.find_app(client, run.config.stack)
    run.doc.update(cloud="digitalocean", app={"id": app["id"], "name": do_api.app_name(run.config.stack), "liveUrl": app.get("live_url")})
    return client, app


def image_of(deployment: dict[str, Any]) -> str:
    """The backend's image (digest or tag) in a deployment's spec."""
    for service in (deployment.get("spec") or {}).get("services") or []:
        image = service.get("image") or {}
        return str(image.get("digest") or image.get("tag") or "")
    return ""


def _component_counts(spec: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for kind in ("services", "workers"):
        for component in spec.get(kind) or []:
            scaling = component.get("autoscaling") or {}
            count = component.get("instance_count") or scaling.get("min_instance_count") or 1
            rows.append({"component": component.get("name"), "kind": kind[:-1], "instances": count, "size": component.get("instance_size_slug")})
    return rows


# --- status -----------------------------------------------------------------------------------


def status(run: OpsRun) -> None:
    """Active deployment, what is in progress, the last deployment's outcome, instance counts."""
    client, app = connect(run)
    active = app.get("active_deployment") or {}
    in_progress = app.get("in_progress_deployment") or app.get("pending_deployment") or {}
    latest = (do_api.deployments(client, app["id"], 1) or [{}])[0]
    failed = latest.get("phase") in FAILED
    steady = bool(active) and not in_progress and not failed
    components = _component_counts(active.get("spec") or app.get("spec") or {})
    run.doc.update(
        steady=steady,
        activeDeployment=_deployment_row(active, active.get("id")) if active else None,
        inProgressDeployment=_deployment_row(in_progress, active.get("id")) if in_progress else None,
        latestDeployment=_deployment_row(latest, active.get("id")) if latest else None,
        components=components,
    )
    run.out.print(
        f"Stack [bold]{run.config.stack}[/] — App Platform app {app.get('spec', {}).get('name')} in {run.config.region} ({app.get('live_url') or 'no live URL yet'})"
    )
    deployments = [d for d in (active, in_progress, latest if latest.get("id") not in (active.get("id"), in_progress.get("id")) else {}) if d]
    run.out.records([_deployments_records("Deployments", deployments, active.get("id")), _components_records(components)])
    if not steady:
        reasons = ([f"deployment {in_progress.get('id')} is {in_progress.get('phase')}"] if in_progress else []) + (
            [f"the latest deployment {latest.get('id')} ended {latest.get('phase')}"] if failed else []
        )
        raise OpsError(f"not steady: {'; '.join(reasons) or 'no active deployment'}.", Exit.FAILED)


def _deployment_row(deployment: dict[str, Any], active_id: str | None) -> dict[str, Any]:
    progress = deployment.get("progress") or {}
    return {
        "id": deployment.get("id"),
        "phase": deployment.get("phase"),
        "live": deployment.get("id") == active_id,
        "created": deployment.get("created_at"),
        "cause": deployment.get("cause"),
        "image": image_of(deployment),
        "steps": f"{progress.get('success_steps', 0)}/{progress.get('total_steps', 0)}" if progress else "",
    }


def _deployments_records(title: str, deployments: list[dict[str, Any]], active_id: str | None) -> Records:
    columns = [
        Column("Deployment", "id"),
        Column("Phase", "phase"),
        Column("Live", "live"),
        Column("Created (UTC)", "created"),
        Column("Image", "image", fold=True),
        Column("Cause", "cause", fold=True),
    ]
    return Records("deployment", title, columns, [_deployment_row(d, active_id) for d in deployments])


def _components_records(components: list[dict[str, Any]]) -> Records:
    return Records(
        "component",
        "Components",
        [Column("Component", "component"), Column("Kind", "kind"), Column("Instances", "instances", justify="right"), Column("Size", "size")],
        components,
    )


# --- releases ---------------------------------------------------------------------------------


def releases(run: OpsRun, limit: int) -> None:
    client, app = connect(run)
    active_id = (app.get("active_deployment") or {}).get("id")
    found = do_api.deployments(client, app["id"], limit)
    run.doc["releases"] = [_deployment_row(d, active_id) for d in found]
    run.out.records([_deployments_records(f"Deployments of {app.get('spec', {}).get('name')}, newest first", found, active_id)])


# --- rollback ---------------------------------------------------------------------------------


def rollback_target(found: list[dict[str, Any]], active_id: str | None, to_release: str | None) -> dict[str, Any]:
    """The deployment to go back to: the newest earlier live one, or the one matching an id/digest/tag."""
    earlier = [d for d in found if d.get("id") != active_id and d.get("phase") in DONE]
    if to_release:
        wanted = to_release.removeprefix("sha256:")
        for deployment in found:
            image = image_of(deployment).removeprefix("sha256:")
            if deployment.get("id") == to_release or (image and (image == wanted or image.startswith(wanted))):
                if deployment.get("id") == active_id:
                    raise OpsError(f"{to_release} is the active deployment already: nothing to roll back.", Exit.FAILED)
                if deployment.get("phase") not in DONE:
                    raise OpsError(f"deployment {deployment.get('id')} never went live ({deployment.get('phase')}): refusing to roll back to it.", Exit.FAILED)
                return deployment
        raise OpsError(f"no deployment matches {to_release} among the last {len(found)} (see `coko releases`).", Exit.USAGE)
    if not earlier:
        raise OpsError("no earlier deployment went live: nothing to roll back to.", Exit.FAILED)
    current_image = image_of(next((d for d in found if d.get("id") == active_id), {}))
    different = [d for d in earlier if image_of(d) != current_image]
    return (different or earlier)[0]


def rollback(run: OpsRun, to: int | None, to_release: str | None, yes: bool, dry_run: bool, timeout: float) -> None:
    from coko_cli.ops.command import confirm

    if to is not None:
        raise OpsError("--to takes an ECS revision number; App Platform has deployments: use --to-release DEPLOYMENT_ID or an image digest.", Exit.USAGE)
    client, app = connect(run)
    active = app.get("active_deployment") or {}
    found = do_api.deployments(client, app["id"], 20)
    target = rollback_target(found, active.get("id"), to_release)
    plan = {"from": _deployment_row(active, active.get("id")), "to": _deployment_row(target, active.get("id"))}
    run.doc.update(dryRun=dry_run, plan=plan)
    run.out.records([_deployments_records("Rollback plan: from the live deployment to the target", [active, target], active.get("id"))])
    if dry_run:
        run.out.note("Dry run: nothing was changed.")
        run.doc["outcome"] = "dry-run"
        return
    if not yes and not confirm(run.out, f"Roll app {app['spec']['name']} back to deployment {target['id']}?"):
        raise OpsError("Rollback aborted: nothing was changed.", Exit.FAILED)
    created = do_api.call("roll back", lambda: client.apps.create_rollback(app["id"], {"deployment_id": target["id"], "skip_pin": False}))
    deployment = created.get("deployment") or {}
    run.doc["rollbackDeployment"] = deployment.get("id")
    run.out.note(f"Rollback deployment {deployment.get('id')} created; waiting for it to go live.")
    final = wait_live(run, client, app["id"], str(deployment.get("id")), timeout)
    now_active = (do_api.call("read the app", lambda: client.apps.get(app["id"])).get("app") or {}).get("active_deployment") or {}
    if now_active.get("id") != final.get("id"):
        run.doc["outcome"] = "failed"
        raise OpsError(f"the rollback deployment ended {final.get('phase')} but the app runs {now_active.get('id')}: not verified.", Exit.FAILED)
    run.doc["outcome"] = "rolled-back"
    run.out.note(f"[green]✓[/] {app['spec']['name']} runs deployment {final.get('id')} ({image_of(final) or 'image unknown'}).")
    run.out.warn("the database schema was NOT rolled back: the older code now runs against the newer schema.")
    run.out.warn(
        f"App Platform pins the app to the rollback until you commit or revert it (POST /v2/apps/{app['id']}/rollback/commit, or the control panel), and the next `pulumi up` deploys the spec in the stack; pin the good image there first (coko:image.tag)."
    )


def wait_live(run: OpsRun, client: Client, app_id: str, deployment_id: str, timeout: float) -> dict[str, Any]:
    """Poll the deployment until ACTIVE (done), ERROR/CANCELED (failed) or the timeout (124)."""
    import time

    started = time.monotonic()
    while True:
        deployment = do_api.call("read the deployment", lambda: client.apps.get_deployment(app_id, deployment_id)).get("deployment") or {}
        phase = deployment.get("phase")
        if phase == "ACTIVE":
            return dict(deployment)
        if phase in FAILED or phase == "SUPERSEDED":
            raise OpsError(f"rollback deployment {deployment_id} ended {phase}.", Exit.FAILED, "See its logs: doctl apps logs <app-id> --deployment <id>.")
        if timeout and time.monotonic() - started > timeout:
            raise OpsError(f"rollback deployment {deployment_id} still {phase} after {timeout:.0f}s.", Exit.TIMEOUT)
        run.pause(f"waiting for deployment {deployment_id}")


# --- migrate ----------------------------------------------------------------------------------


def migrate(run: OpsRun, aliases: list[str], check: bool) -> None:
    """Explain the PRE_DEPLOY job and show how the last deployment's migrations went."""
    client, app = connect(run)
    spec = app.get("spec") or {}
    job = next((j for j in spec.get("jobs") or [] if j.get("kind") == "PRE_DEPLOY"), None)
    if job is None:
        raise OpsError(
            f"app {spec.get('name')} has no PRE_DEPLOY job: migrations would not run on deploy.",
            Exit.FAILED,
            f"Run `pulumi up -s {run.config.stack}`: the program defines the job.",
        )
    latest = (do_api.deployments(client, app["id"], 1) or [{}])[0]
    missing = [a for a in aliases if f"migrate_alias {a}" not in str(job.get("run_command", ""))]
    run.doc.update(
        mode="pre-deploy",
        job={"name": job.get("name"), "command": job.get("run_command")},
        latestDeployment=_deployment_row(latest, (app.get("active_deployment") or {}).get("id")),
    )
    run.out.print(
        f"On DigitalOcean, migrations run as the app's PRE_DEPLOY job [bold]{job.get('name')}[/] on every deployment, "
        "before any component is replaced; a failed migration fails the deployment and the previous one keeps serving.\n"
        f"Command: {job.get('run_command')}\n"
        f"To run them now, deploy: `pulumi up -s {run.config.stack}` (or `doctl apps create-deployment {app['id']}`)."
    )
    if check:
        run.out.note("--check: App Platform cannot run a one-off job outside a deployment; the PRE_DEPLOY job applies every migration.")
    if missing:
        raise OpsError(f"the PRE_DEPLOY job does not migrate {', '.join(missing)}.", Exit.FAILED)
    if latest.get("phase") in FAILED:
        raise OpsError(
            f"the latest deployment {latest.get('id')} ended {latest.get('phase')}: its migrations may have failed.",
            Exit.FAILED,
            "See the job's logs: doctl apps logs <app-id> migrate --deployment <id>.",
        )
