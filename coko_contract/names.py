"""Physical names and tags: what the program creates and the CLI discovers.

Every physical name starts with :func:`prefix`; the ops CLI finds resources by the tags below
first, then by these names.
"""

from __future__ import annotations

PROJECT = "coko"

SERVICE_ROLES: tuple[str, ...] = ("backend", "worker", "scheduler")
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


def repository_name(stack: str) -> str:
    """ECR repository of the app image (one per stack, in the stack's region)."""
    return f"{PROJECT}/{stack}"


def secret_prefix(stack: str) -> str:
    """Secrets Manager names of a stack: ``coko/<stack>/<NAME>``."""
    return f"{PROJECT}/{stack}"


def kms_alias(stack: str) -> str:
    """The stack's customer-managed key alias, without the ``alias/`` prefix."""
    return prefix(stack)
