"""Physical names and tags: what the program creates and the CLI discovers.

Every physical name starts with :func:`prefix`; the ops CLI finds resources by the tags below
first, then by these names.
"""

from __future__ import annotations

PROJECT = "coko"

SERVICE_ROLES: tuple[str, ...] = ("backend", "worker", "scheduler")
# The reader frontend (app/web): its own image and service, released apart from the three roles
# above (which `coko rollback` moves together as one Django release).
WEB_ROLE = "web"
# The app's five logical databases (see app/coko/env_contract.py and the settings' DATABASES).
DATABASE_ALIASES: tuple[str, ...] = ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")

# Tag keys (values: Project=coko, Stack=<stack>, RegionRole=primary|secondary, Service=<role>).
TAG_PROJECT = "Project"
TAG_STACK = "Stack"
TAG_REGION_ROLE = "RegionRole"
TAG_OWNER = "Owner"
TAG_MANAGED_BY = "ManagedBy"
TAG_SERVICE = "Service"
MANAGED_BY = "pulumi"


def prefix(stack: str) -> str:
    """``coko-<stack>``: the start of every physical and logical resource name of a stack."""
    return f"{PROJECT}-{stack}"


def stack_tags(stack: str, role: str, owner: str) -> dict[str, str]:
    """Tags on every taggable resource of a stack."""
    return {TAG_PROJECT: PROJECT, TAG_STACK: stack, TAG_REGION_ROLE: role, TAG_OWNER: owner, TAG_MANAGED_BY: MANAGED_BY}


def cluster_name(stack: str) -> str:
    return prefix(stack)


def service_name(stack: str, role: str) -> str:
    return f"{prefix(stack)}-{role}"


def task_family(stack: str, role: str) -> str:
    return f"{prefix(stack)}-{role}"


def container_name(role: str) -> str:
    return role


def log_group_name(stack: str, role: str) -> str:
    return f"/{PROJECT}/{stack}/{role}"


def alb_name(stack: str) -> str:
    """At most 32 characters (ELB limit): a stack name of up to 23 characters fits."""
    return f"{prefix(stack)}-alb"


def target_group_name(stack: str) -> str:
    """The backend's target group (the API)."""
    return f"{prefix(stack)}-api"


def repository_name(stack: str) -> str:
    """ECR repository of the app image (one per stack, in the stack's region)."""
    return f"{PROJECT}/{stack}"


def web_repository_name(stack: str) -> str:
    """ECR repository of the reader frontend's image (app/web), beside the app's."""
    return f"{PROJECT}/{stack}-web"


def web_target_group_name(stack: str) -> str:
    """The web's target group (the apex); at most 24 characters for a stack name of up to 15."""
    return f"{prefix(stack)}-{WEB_ROLE}"


def secret_prefix(stack: str) -> str:
    """Secrets Manager names of a stack: ``coko/<stack>/<NAME>``."""
    return f"{PROJECT}/{stack}"


def kms_alias(stack: str) -> str:
    """The stack's customer-managed key alias, without the ``alias/`` prefix."""
    return prefix(stack)


# --- Disaster recovery: names both stacks and `coko failover` derive without asking the other region.


def database_identifier(stack: str) -> str:
    """RDS instance identifier (the primary's database, or the secondary's replica)."""
    return f"{prefix(stack)}-db"


def db_credentials_secret_name(primary_stack: str) -> str:
    """The app's database login (JSON: username, password, host, port, dbname, engine, masterarn).

    Owned by the primary stack and replicated, under the same name, to the secondary's region,
    where the secondary's tasks read it. Alternating-users rotation switches ``username``
    between :data:`DB_APP_USERS`.
    """
    return f"{secret_prefix(primary_stack)}/database"


def db_master_secret_name(primary_stack: str) -> str:
    """The master login, used only by the database-admin one-off task (provisioning, rotation)."""
    return f"{secret_prefix(primary_stack)}/database-master"


DB_MASTER_USER = "coko_admin"
DB_APP_USERS: tuple[str, str] = ("coko_app", "coko_app_clone")


def media_bucket_name(stack: str, account_id: str) -> str:
    """Deterministic, so the primary can name the secondary's replica bucket without a StackReference."""
    return f"{prefix(stack)}-media-{account_id}"


def static_bucket_name(stack: str, account_id: str) -> str:
    return f"{prefix(stack)}-static-{account_id}"


def backup_vault_name(stack: str) -> str:
    return prefix(stack)


def dbadmin_family(stack: str) -> str:
    """Task definition of the database-admin one-off task (master credentials; no service runs it)."""
    return f"{prefix(stack)}-dbadmin"


def failover_set_identifier(stack: str) -> str:
    """Route 53 failover record of a stack's ALB under the shared origin name."""
    return prefix(stack)


def api_health_check_name(stack: str) -> str:
    """Name tag of the Route 53 health check that decides whether the primary's API origin is up."""
    return f"{prefix(stack)}-api-origin"


READ_ONLY_ENV = "DATABASE_READ_ONLY"
