"""Shared pieces of the ops commands: options, AWS connection, discovery, error handling.

Each command loads the stack file (region, tags, domain), finds the stack's cluster and services
by tags (then by name), and turns every expected failure into one stderr line and an exit code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.render import Output

if TYPE_CHECKING:  # boto3 and pydantic load only when an ops command runs, not for `coko --help`
    from coko_cli.ops.aws import Clients
    from coko_cli.ops.discovery import StackServices
    from stacks.config import StackConfig

F = TypeVar("F", bound=Callable[..., None])

EXIT_CODES = (
    "Exit codes: 0 success; 1 the operation failed or was refused; 2 usage or configuration error "
    "(unknown stack, no such cluster/service); 4 AWS refused or was unreachable (credentials, access "
    "denied, throttling beyond retries); 124 timed out; 130 interrupted."
)

Stack = Annotated[str, typer.Option("--stack", "-s", help="Stack name: reads Pulumi.<stack>.yaml for the region and tags.")]
Region = Annotated[str | None, typer.Option(help="AWS region; default: the stack file's aws:region (AWS_REGION is ignored on purpose).")]
Profile = Annotated[str | None, typer.Option(help="AWS profile (default: the standard chain: AWS_PROFILE, env keys, SSO, role).")]
Cluster = Annotated[str | None, typer.Option(help="ECS cluster name or ARN, instead of discovery by tags.")]
Services = Annotated[list[str] | None, typer.Option("--service", help="ROLE=NAME service override (repeatable), instead of discovery by tags.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (progress and errors stay on stderr).")]
PollInterval = Annotated[float, typer.Option(min=0, help="Seconds between polls.")]
TaskDefinition = Annotated[str | None, typer.Option(help="Task definition (family:revision or ARN) instead of the one the backend service runs.")]


class RetryModeChoice(StrEnum):
    standard = "standard"
    adaptive = "adaptive"


RetryModeOpt = Annotated[RetryModeChoice, typer.Option(help="botocore retry mode (adaptive also rate-limits the client).")]
MaxAttempts = Annotated[int, typer.Option(min=1, max=50, help="botocore max attempts per AWS call (retries on throttling and 5xx).")]


def help_text(text: str) -> str:
    """Reflow hand-wrapped paragraphs: typer's rich help keeps single newlines."""
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in text.strip().split("\n\n"))


def handle_errors(func: F) -> F:
    """Expected failures become `error: …` on stderr and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from stacks.config_source import ConfigError

        out = Output(as_json=bool(kwargs.get("as_json")))
        try:
            func(*args, **kwargs)
        except OpsError as exc:
            out.error(exc.message, exc.hint)
            raise typer.Exit(exc.code) from None
        except ConfigError as exc:
            for problem in exc.problems:
                out.error(problem)
            raise typer.Exit(Exit.USAGE) from None
        except KeyboardInterrupt:
            out.error("interrupted; anything already started in AWS keeps running (check with `coko status`).")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def connect(stack: str, region: str | None, profile: str | None, retry_mode: RetryModeChoice | str, max_attempts: int) -> tuple[StackConfig, Clients]:
    from coko_cli.ops.aws import AwsOptions, make_clients
    from stacks.config_source import load_stack_file

    config = load_stack_file(stack)
    options = AwsOptions(region=region or config.region, profile=profile, retry_mode=RetryModeChoice(retry_mode).value, max_attempts=max_attempts)  # type: ignore[arg-type]
    return config, make_clients(options)


def find(clients: Clients, config: StackConfig, roles: tuple[str, ...], cluster: str | None, services: list[str] | None) -> StackServices:
    from coko_cli.ops.discovery import discover, parse_service_overrides

    overrides = parse_service_overrides(services or [], roles)
    return discover(clients.ecs, config.stack, clients.region, roles, cluster, overrides)
