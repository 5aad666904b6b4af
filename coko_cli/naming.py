"""Names and tags shared by the infrastructure and the ops CLI, so the CLI finds what Pulumi made."""

from __future__ import annotations

SERVICE_ROLES: tuple[str, ...] = ("backend", "worker", "scheduler")
# The app's five logical databases (see app/coko/env_contract.py and the settings' DATABASES).
DATABASE_ALIASES: tuple[str, ...] = ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")


def cluster_name(stack: str) -> str:
    return f"coko-{stack}"


def service_name(stack: str, role: str) -> str:
    return f"coko-{stack}-{role}"


def task_family(stack: str, role: str) -> str:
    return f"coko-{stack}-{role}"


def container_name(role: str) -> str:
    return role


def log_group_name(stack: str, role: str) -> str:
    return f"/coko/{stack}/{role}"


def repository_name(stack: str) -> str:
    """ECR repository of the app image (one per stack, in the stack's region)."""
    return f"coko/{stack}"


# Tag keys (values: Project=coko, Stack=<stack>, RegionRole=primary|secondary, Service=<role>).
TAG_PROJECT = "Project"
TAG_STACK = "Stack"
TAG_SERVICE = "Service"
