"""Compute tier of one region: images -> registries, cluster, roles, the three services of the app
image and the reader frontend's service (``web``, from app/web).

Order on `pulumi up` (docs/release.md): the image is built and pushed, task definitions reference
it by digest, migrations (one one-off task per database alias, primary only) and the static upload
run with the new backend revision, then the services roll and a rollout check waits for them to be
steady on that revision (components/release_step.py). The web service waits for no migration (it
talks to the API, never to the database); it rolls with its own image and is in the rollout check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi

from coko_contract import names as naming
from coko_ecs.tasks import PROVISION_COMMAND
from components.app_env import WEB_CONTRACT_PATH, ContainerEnv, build_container_env, load_contract, load_json_contract
from components.app_security_group import AppSecurityGroup, AppSecurityGroupArgs
from components.cluster import AppCluster, AppClusterArgs
from components.db_admin_task import DbAdminTask
from components.ecs_service import AppService, AppServiceArgs, LoadBalancing, RollingUpdate, Scaling
from components.registry import BUILD_INPUTS, WEB_BUILD_INPUTS, AppImage, AppImageArgs, git_image_tag
from components.release_step import ReleaseGate, ReleaseStepsArgs, RolloutCheck
from components.task_roles import ImageOnlyTaskRoles, ImageOnlyTaskRolesArgs, TaskRoles, TaskRolesArgs
from stacks.config import StackConfig
from stacks.config_source import PROJECT_ROOT
from stacks.regional import Regional

# What the image provides (app/bin, app/Dockerfile); tests check these against the app tree.
COMMANDS: dict[str, tuple[str, ...]] = {
    "backend": ("/app/bin/start-backend",),  # gunicorn (app/gunicorn.conf.py)
    "worker": ("/app/bin/start-worker",),  # celery worker, concurrency 4, max tasks per child 1000
    "scheduler": ("/app/bin/start-beat",),  # celery beat: exactly one task
}
# The admin task's default command; `coko` overrides it (rotate_db_credentials, check_database).
HEALTH_CHECK = ("CMD", "python", "/app/bin/healthcheck")  # no curl in the image
APP_USER = "10001:10001"  # the Dockerfile's `coko` user
BACKEND_PORT = 8000
# Liveness served apart from the request workers (app/gunicorn.conf.py GUNICORN_LIVENESS_BIND).
LIVENESS_PORT = 8001
# Celery finishes its current tasks on SIGTERM (warm shutdown): give it Fargate's maximum.
STOP_TIMEOUT = {"backend": 30, "worker": 120, "scheduler": 30}
SETTINGS_MODULE = "coko.settings.production"
# The seed's Django settings send mail through SES in eu-west-1 (AWS_SES_REGION_NAME).
SES_REGION = "eu-west-1"

# The reader frontend's image (app/web/Dockerfile, docs/web.md "The image"): `node server.js` as
# user coko (10001) on port 3000; no curl, so the health check is Node's fetch; the standalone
# server writes nothing but os.tmpdir() (/tmp, a task volume) under a read-only root filesystem.
KEEP_IMAGES = 30  # ECR lifecycle: the newest images of each repository, enough to roll back weeks
WEB_CONTEXT = "app/web"
WEB_DOCKERFILE = "app/web/Dockerfile"
WEB_COMMAND = ("node", "server.js")
WEB_USER = "10001:10001"
WEB_PORT = 3000
WEB_HEALTH_PATH = "/api/health"
WEB_HEALTH_CHECK = (
    "CMD",
    "node",
    "-e",
    f"fetch('http://127.0.0.1:{WEB_PORT}{WEB_HEALTH_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
)
WEB_WRITABLE_PATHS = ("/tmp",)


@dataclass(frozen=True)
class EdgeWiring:
    """What the edge tier hands the compute tier: the backend's target group and the public name of /static/ and /media/."""

    target_group_arn: pulumi.Input[str]
    alb_security_group_id: pulumi.Input[str]
    cdn_domain: pulumi.Input[str]
    # The web's target group (Host = the apex), attached to its listener rule.
    web_target_group_arn: pulumi.Input[str]


@dataclass
class Compute:
    image: AppImage
    cluster: AppCluster
    roles: TaskRoles
    # The three roles and the web (monitoring watches them all).
    services: dict[str, AppService]
    env: ContainerEnv
    web_image: AppImage
    web_env: ContainerEnv
    outputs: dict[str, Any] = field(default_factory=dict)


def image_tag(cfg: StackConfig, paths: tuple[str, ...] = BUILD_INPUTS) -> str:
    """The pinned ``coko:image.tag``, else the commit being deployed (``paths``: the image's build inputs)."""
    if cfg.image.tag:
        return cfg.image.tag
    try:
        return git_image_tag(PROJECT_ROOT, paths)
    except RuntimeError as exc:
        raise pulumi.RunError(
            f"{exc}\nThe app image is tagged with the git commit; outside a git checkout pin one with "
            f'`pulumi config set coko:image \'{{"tag": "<tag>"}}\' --path -s {cfg.stack}` (or coko:image.tag in Pulumi.{cfg.stack}.yaml).'
        ) from None


def sender_address(cfg: StackConfig) -> str:
    return f"noreply@{cfg.domain.apex}"


def plain_values(cfg: StackConfig, regional: Regional, cdn_domain: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """Every non-secret value the infrastructure knows, keyed by the app's variable names."""
    origins = list(dict.fromkeys([f"https://{cfg.domain.apex}", *cfg.storage.cors_origins]))
    values: dict[str, pulumi.Input[str]] = {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        # The ALB health check's Host (the task IP) is admitted by the app's middleware, not here.
        "DJANGO_ALLOWED_HOSTS": ",".join([cfg.domain.api, *([cfg.domain.primary_api] if cfg.domain.primary_api else [])]),
        "CORS_ALLOWED_ORIGINS": ",".join(origins),
        "POSTGRES_HOST": regional.database.address,
        "POSTGRES_PORT": pulumi.Output.from_input(regional.database.port).apply(str),
        "DEPLOYMENT_REGION": cfg.region,
        "ENVIRONMENT": cfg.environment,
        "AWS_STORAGE_BUCKET_NAME": regional.storage.media_bucket.id,
        "AWS_STATIC_BUCKET_NAME": regional.storage.static_bucket.id,
        "AWS_S3_REGION_NAME": cfg.region,
        # CloudFront serves /static/ and /media/ under the public API name.
        "AWS_S3_CUSTOM_DOMAIN": cdn_domain,
        "OPENSEARCH_URL": regional.search.url,
        "DEFAULT_FROM_EMAIL": sender_address(cfg),
        "AWS_SES_REGION_NAME": SES_REGION,
        # Requests from these (the web's server-side calls) carry the reader's IP: see app/coko/core/ratelimit.py.
        "TRUSTED_EGRESS_IPS": pulumi.Output.all(*regional.network.egress_ips).apply(",".join),
    }
    if not cfg.is_primary and not cfg.disaster_recovery.promoted:
        values[naming.READ_ONLY_ENV] = "true"  # the secondary's database is a read replica
    return values


def web_values(cfg: StackConfig) -> dict[str, pulumi.Input[str]]:
    """The web's runtime variables (app/web/env-contract.json): its region's API, and the region itself."""
    return {"NEXT_PUBLIC_API_URL": f"https://{cfg.domain.api}", "NEXT_PUBLIC_REGION": cfg.region}


def build_compute(cfg: StackConfig, regional: Regional, edge: EdgeWiring) -> Compute:
    """Image, cluster, roles and services for ``cfg``'s region.

    Every secret the tasks read is in this region, encrypted with this region's key (the
    secondary's database login is the replica of the primary's secret): a task starts with the
    primary region gone.
    """
    name = cfg.name
    tags = cfg.tags
    kms_arn = regional.kms_key.arn
    env = _container_env(cfg, lambda: build_container_env(load_contract(), plain_values(cfg, regional, edge.cdn_domain), regional.secret_arns))
    image = _image(cfg, regional, f"{name}-app", naming.repository_name(cfg.stack), image_tag(cfg), context=".", dockerfile="app/Dockerfile")
    cluster = AppCluster(f"{name}-ecs", AppClusterArgs(cluster_name=naming.cluster_name(cfg.stack), tags=tags))
    storage = regional.storage
    roles = TaskRoles(
        f"{name}-task-roles",
        TaskRolesArgs(
            region=cfg.region,
            repository_arn=image.repository_arn,
            log_group_names=[naming.log_group_name(cfg.stack, role) for role in naming.SERVICE_ROLES],
            secret_refs=[s["valueFrom"] for s in env.secrets],
            secret_key_arns=[kms_arn],
            bucket_arns=[storage.media_bucket.arn, storage.static_bucket.arn],
            bucket_kms_key_arn=kms_arn,
            ses_region=SES_REGION,
            ses_identities=[cfg.domain.apex],
            from_address=sender_address(cfg),
            search_domain_arn=regional.search.arn,
            tags=tags,
        ),
    )

    service_args: dict[str, AppServiceArgs] = {}
    for role in naming.SERVICE_ROLES:
        svc = cfg.services.of(role)
        web = role == "backend"
        scales = role != "scheduler"
        service_args[role] = AppServiceArgs(
            **_placement(cfg, regional, cluster, role),
            image=image.image_ref,
            command=COMMANDS[role],
            security_group_id=regional.app_security_group_id,
            execution_role_arn=roles.execution_role_arn,
            task_role_arn=roles.task_role_arn,
            environment=env.environment,
            secrets=env.secrets,
            rolling_update=RollingUpdate.one_extra_task(svc.min_count) if scales else RollingUpdate.stop_then_start(),
            user=APP_USER,
            port=BACKEND_PORT if web else None,
            health_check=HEALTH_CHECK if web else None,
            load_balancing=_load_balancing(edge) if web else None,
            scaling=_scaling(cfg, svc.min_count, svc.max_count) if scales else None,
            stop_timeout_seconds=STOP_TIMEOUT[role],
        )
    # The admin task first: where the database is owned here, the release provisions its logins before migrating.
    admin = _db_admin_task(cfg, regional, service_args["backend"], plain_values(cfg, regional, edge.cdn_domain), image.repository_arn)
    steps = ReleaseStepsArgs(
        stack=cfg.stack,
        region=cfg.region,
        cluster=cluster.arn,
        image_ref=image.image_ref,
        subnet_ids=regional.network.private_subnet_ids,
        security_group_ids=[regional.app_security_group_id],
        # A read replica is migrated through its primary; a promoted secondary owns its database.
        databases=naming.DATABASE_ALIASES if cfg.is_primary or cfg.disaster_recovery.promoted else (),
        # Unlike a service, a one-off task is not retried: routes, role policies and data-tier rules first.
        ready=[regional.network, roles, regional.database, regional.cache, regional.storage],
        admin_task_definition_arn=admin.task_definition_arn if admin else None,
    )
    release = ReleaseGate(name, steps)
    services = {role: AppService(f"{name}-{role}", dataclasses.replace(args, before_rollout=release.for_role(role))) for role, args in service_args.items()}
    web_image, web_env, services[naming.WEB_ROLE] = _web(cfg, regional, edge, cluster)

    expected = {naming.service_name(cfg.stack, role): svc.task_definition_arn for role, svc in services.items()}
    RolloutCheck(f"{name}-rollout", cfg.region, cluster.arn, expected, pulumi.ResourceOptions(depends_on=list(services.values())))

    outputs: dict[str, Any] = {
        "imageRepositoryUrl": image.repository_url,
        "imageRef": image.image_ref,
        "webImageRepositoryUrl": web_image.repository_url,
        "webImageRef": web_image.image_ref,
        "clusterName": cluster.name,
        "serviceNames": {role: svc.service_name for role, svc in services.items()},
        # The Django release `coko rollback` and `coko deploy` move together; the web is apart.
        "taskDefinitionArns": {role: services[role].task_definition_arn for role in naming.SERVICE_ROLES},
        "webTaskDefinitionArn": services[naming.WEB_ROLE].task_definition_arn,
    }
    if admin is not None:
        outputs["dbAdminTaskDefinitionArn"] = admin.task_definition_arn
    return Compute(image=image, cluster=cluster, roles=roles, services=services, env=env, web_image=web_image, web_env=web_env, outputs=outputs)


def _container_env(cfg: StackConfig, build: Callable[[], ContainerEnv]) -> ContainerEnv:
    """The task's environment from its contract; a mismatch stops the program with one message."""
    try:
        return build()
    except ValueError as exc:
        raise pulumi.RunError(f"stack {cfg.stack}: {exc}") from None


def _image(cfg: StackConfig, regional: Regional, logical_name: str, repository: str, tag: str, *, context: str, dockerfile: str) -> AppImage:
    """An image built by `pulumi up` into its own ECR repository, encrypted with the region's key."""
    return AppImage(
        logical_name,
        AppImageArgs(
            repository_name=repository,
            tag=tag,
            platform=cfg.image.platform,
            context=context,
            dockerfile=dockerfile,
            kms_key_arn=regional.kms_key.arn,
            keep_images=KEEP_IMAGES,
            tags=cfg.tags,
        ),
    )


def _web(cfg: StackConfig, regional: Regional, edge: EdgeWiring, cluster: AppCluster) -> tuple[AppImage, ContainerEnv, AppService]:
    """The reader frontend: its image, its own security group and roles (no AWS permission for its
    code, no secret), and an autoscaled service behind the web target group."""
    name, role, tags = cfg.name, naming.WEB_ROLE, cfg.tags
    source = str(WEB_CONTRACT_PATH.relative_to(PROJECT_ROOT))
    env = _container_env(cfg, lambda: build_container_env(load_json_contract(), web_values(cfg), {}, source=source))
    image = _image(
        cfg, regional, f"{name}-web-image", naming.web_repository_name(cfg.stack), image_tag(cfg, WEB_BUILD_INPUTS), context=WEB_CONTEXT, dockerfile=WEB_DOCKERFILE
    )
    log_group = naming.log_group_name(cfg.stack, role)
    roles = ImageOnlyTaskRoles(
        f"{name}-web-roles", ImageOnlyTaskRolesArgs(region=cfg.region, repository_arn=image.repository_arn, log_group_name=log_group, tags=tags)
    )
    # Its own group: the web reaches the API over HTTPS and never the data tier; the ALB reaches it on 3000 only.
    security_group = AppSecurityGroup(
        f"{name}-web",
        AppSecurityGroupArgs(
            vpc_id=regional.network.vpc_id, description="Coko reader frontend tasks (ECS): ingress from the ALB only, egress HTTPS", tags=tags
        ),
    )
    svc = cfg.services.web
    service = AppService(
        f"{name}-{role}",
        AppServiceArgs(
            **_placement(cfg, regional, cluster, role),
            image=image.image_ref,
            command=WEB_COMMAND,
            security_group_id=security_group.id,
            execution_role_arn=roles.execution_role_arn,
            task_role_arn=roles.task_role_arn,
            environment=env.environment,
            secrets=env.secrets,
            rolling_update=RollingUpdate.one_extra_task(svc.min_count),
            user=WEB_USER,
            port=WEB_PORT,
            health_check=WEB_HEALTH_CHECK,
            load_balancing=LoadBalancing(target_group_arn=edge.web_target_group_arn, alb_security_group_id=edge.alb_security_group_id),
            scaling=_scaling(cfg, svc.min_count, svc.max_count),
            writable_paths=WEB_WRITABLE_PATHS,
        ),
    )
    return image, env, service


def _placement(cfg: StackConfig, regional: Regional, cluster: AppCluster, role: str) -> dict[str, Any]:
    """What every service of the stack shares, by role: names the ops CLI finds, size from
    ``coko:services.<role>``, private subnets, the stack key for its logs, tags."""
    svc = cfg.services.of(role)
    return {
        "role": role,
        "region": cfg.region,
        "cluster_arn": cluster.arn,
        "cluster_name": naming.cluster_name(cfg.stack),
        "service_name": naming.service_name(cfg.stack, role),
        "family": naming.task_family(cfg.stack, role),
        "container_name": naming.container_name(role),
        "log_group_name": naming.log_group_name(cfg.stack, role),
        "platform": cfg.image.platform,
        "cpu": svc.cpu,
        "memory": svc.memory,
        "desired_count": svc.min_count,
        "subnet_ids": regional.network.private_subnet_ids,
        "log_retention_days": cfg.services.log_retention_days,
        "kms_key_arn": regional.kms_key.arn,
        "tags": cfg.tags,
    }


def _db_admin_task(
    cfg: StackConfig, regional: Regional, backend: AppServiceArgs, plain: dict[str, pulumi.Input[str]], repository_arn: pulumi.Input[str]
) -> DbAdminTask | None:
    """Where the database is writable and owned here (primary, or promoted secondary): the admin task
    with the master login, for provisioning the app users and rotating their passwords."""
    if not (cfg.is_primary or cfg.disaster_recovery.promoted):
        return None  # a read replica is administered through its primary
    admin_refs = {
        **regional.secret_arns,
        "POSTGRES_MASTER_USER": regional.master_secret_arn,
        "POSTGRES_MASTER_PASSWORD": regional.master_secret_arn,
        "POSTGRES_APP_PASSWORD": regional.login_secret_arn,
    }
    try:
        env = build_container_env(load_contract(), plain, admin_refs)
    except ValueError as exc:
        raise pulumi.RunError(f"stack {cfg.stack}: {exc}") from None
    return DbAdminTask(
        f"{cfg.name}-dbadmin",
        dataclasses.replace(backend, command=PROVISION_COMMAND, environment=env.environment),
        family=naming.dbadmin_family(cfg.stack),
        log_group_name=naming.log_group_name(cfg.stack, "dbadmin"),
        secrets=env.secrets,
        app_secret_arn=regional.login_secret_arn,
        repository_arn=repository_arn,
    )


def _load_balancing(edge: EdgeWiring) -> LoadBalancing:
    return LoadBalancing(target_group_arn=edge.target_group_arn, alb_security_group_id=edge.alb_security_group_id, health_check_port=LIVENESS_PORT)


def _scaling(cfg: StackConfig, min_count: int, max_count: int) -> Scaling:
    auto = cfg.autoscaling
    return Scaling(
        min_count=min_count,
        max_count=max_count,
        cpu_target=auto.cpu_target,
        memory_target=auto.memory_target,
        scale_in_cooldown=auto.scale_in_cooldown_seconds,
        scale_out_cooldown=auto.scale_out_cooldown_seconds,
    )
