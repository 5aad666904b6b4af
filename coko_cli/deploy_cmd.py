"""`coko deploy`: one release with progress — `pulumi up` (Automation API), smoke check, rollback.

`pulumi up` itself releases in order (image, task definitions, migrations, static upload,
services, rollout check: components/release_step.py). This command adds what happens after the
engine says "done": the public names must answer through CloudFront, else the services go back
to what ran before with `coko rollback` — each service whose task definition the update changed
(backend, worker, scheduler, the reader frontend web) to exactly the revision the update replaced,
in one journaled, verified rollback. It drives the real Pulumi CLI through
`pulumi.automation` (https://www.pulumi.com/docs/iac/using-pulumi/automation-api/), so it needs
the CLI on PATH, a `pulumi login` (or PULUMI_ACCESS_TOKEN) and AWS credentials.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coko_cli.exit_codes import Exit
from coko_cli.ops.command import help_text
from coko_cli.ops.render import Output
from coko_contract.names import WEB_ROLE

if TYPE_CHECKING:
    from pulumi import automation as auto

    from stacks.config_source import AnyStackConfig

HELP = """Release a stack: `pulumi up` (which migrates, uploads static files, rolls the services and
checks the rollout), then a smoke check of https://<domain.api>/health/ and https://<domain.apex>/
through CloudFront, then `coko rollback` if the smoke check fails: each service whose task
definition this update changed (backend, worker, scheduler, web) back to exactly the revision the
update replaced (--revision ROLE=N, --web-revision N) — not to an older image after a
configuration-only release.

--all deploys the primary stack, then the secondary (stopping at the first failure). A failed
`pulumi up` is not rolled back: a failed migration or static upload stops the update before any
service changes, and a failed rollout was already reverted by ECS's circuit breaker.

Exit codes: 0 released and healthy; 1 `pulumi up` failed, or the smoke check failed (rolled back
or not); 2 usage or configuration error (unknown stack, no Pulumi CLI); 130 interrupted."""

ROLL_ORDER = {"primary": 0, "standalone": 0, "secondary": 1}


class DeployError(Exception):
    def __init__(self, message: str, code: int = Exit.FAILED, hint: str | None = None):
        super().__init__(message)
        self.message, self.code, self.hint = message, int(code), hint


@dataclass
class Smoke:
    """The URLs a release must serve, and how patiently to ask."""

    urls: list[str]
    attempts: int = 5
    interval: float = 10.0

    def run(self, out: Output) -> list[str]:
        """Failures, one line per URL (empty: all answered 200)."""
        from coko_cli.ops.rollback import check_health

        failures = []
        for url in self.urls:
            healthy, detail = check_health(url, attempts=self.attempts, pause=self.interval)
            out.note(f"  {'[green]✓[/]' if healthy else '[red]✗[/]'} {detail}")
            if not healthy:
                failures.append(detail)
        return failures


@dataclass
class Release:
    stack: str
    outcome: str = "pending"  # released | up-failed | smoke-failed | rolled-back | rollback-failed
    problems: list[str] = field(default_factory=list)


def task_definitions(outputs: Mapping[str, Any]) -> dict[str, str]:
    """The Django roles' ``taskDefinitionArns`` and the web's ``webTaskDefinitionArn`` (role -> ARN), {} before the first release."""
    value = outputs.get("taskDefinitionArns")
    value = getattr(value, "value", value)
    found = {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
    web = outputs.get("webTaskDefinitionArn")
    web = getattr(web, "value", web)
    if isinstance(web, str) and web:
        found[WEB_ROLE] = web
    return found


def rollback_args(before: Mapping[str, str], after: Mapping[str, str]) -> list[str] | None:
    """`coko rollback` options that undo what the update changed; None: it registered nothing new.

    Each service whose task definition the update changed goes back to exactly the revision the
    update replaced: a Django role with --revision ROLE=N, the web with --web-revision N (alone,
    --web-only, when no Django task definition changed). Not "the previous release": after a
    configuration-only release (same image) that is an older image than what ran before.
    """
    from coko_cli.ops.taskdefs import split_arn

    django = [r for r, a in before.items() if r != WEB_ROLE and a != after.get(r)]
    web_changed = WEB_ROLE in before and before[WEB_ROLE] != after.get(WEB_ROLE)
    if not django and not web_changed:
        return None
    args = [a for r in django for a in ("--revision", f"{r}={split_arn(before[r])[1]}")]
    if web_changed:
        args += ["--web-revision", str(split_arn(before[WEB_ROLE])[1])] + ([] if django else ["--web-only"])
    return args


def rolled_back_what(args: list[str], before: Mapping[str, str]) -> str:
    """What the rollback moves, in words (the report and the docs say the same): 'backend to coko-production-backend:7, … and web to …'."""
    roles = [v.split("=", 1)[0] for o, v in pairwise(args) if o == "--revision"]
    roles += [WEB_ROLE] if "--web-revision" in args else []
    parts = [f"{role} to {before[role].rsplit('/', 1)[-1]}" for role in roles]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def ordered(names: list[str], configs: dict[str, AnyStackConfig]) -> list[str]:
    return sorted(names, key=lambda s: (ROLL_ORDER.get(configs[s].role, 2), s))


def select(stack: str) -> auto.Stack:
    """The stack through a local workspace on this project (the CLI reads Pulumi.yaml and the stack file)."""
    from pulumi import automation as auto

    from stacks.config_source import project_root

    try:
        return auto.select_stack(stack_name=stack, work_dir=str(project_root()))
    except FileNotFoundError:
        raise DeployError(
            "The Pulumi CLI is not installed (no `pulumi` on PATH).", Exit.USAGE, "Install it (https://www.pulumi.com/docs/install/) and run `pulumi login`."
        ) from None
    except auto.errors.StackNotFoundError:
        raise DeployError(f"No Pulumi stack named {stack!r} in the current backend.", Exit.USAGE, f"Create it with `pulumi stack init {stack}`.") from None
    except auto.errors.CommandError as exc:
        raise DeployError(
            f"pulumi could not select stack {stack!r}: {_last_lines(exc)}", Exit.USAGE, "Check `pulumi whoami` and the backend you are logged in to."
        ) from None


def _last_lines(exc: Exception, count: int = 15) -> str:
    text = str(exc).strip().splitlines()
    return "\n".join(text[-count:])


def rollback(stack: str, out: Output, args: list[str] | None = None) -> int:
    """`coko rollback --stack S --yes [args]`, as an operator would run it; its exit code."""
    command = [sys.executable, "-m", "coko_cli.main", "rollback", "--stack", stack, "--yes", *(args or [])]
    out.note(f"Rolling back: {' '.join(['coko', *command[3:]])}")
    return subprocess.run(command, check=False).returncode


def release(stack: str, cfg: AnyStackConfig, smoke: Smoke, roll_back: bool, message: str | None, out: Output) -> Release:
    from pulumi import automation as auto

    result = Release(stack)
    out.note(f"[bold]{stack}[/] ({cfg.region}, {cfg.role}): pulumi up")
    workspace_stack = select(stack)
    before = task_definitions(workspace_stack.outputs())
    try:
        up = workspace_stack.up(on_output=lambda line: out.err.out(line, highlight=False), message=message)
    except auto.errors.CommandError as exc:
        result.outcome = "up-failed"
        result.problems.append(f"pulumi up -s {stack} failed:\n{_last_lines(exc)}")
        return result
    after = task_definitions(up.outputs)
    out.note(f"pulumi up -s {stack}: {up.summary.result}; smoke check")
    failures = smoke.run(out)
    if not failures:
        result.outcome = "released"
        return result
    result.outcome = "smoke-failed"
    result.problems += failures
    if not roll_back:
        return result
    args = rollback_args(before, after)
    if args is None:
        result.problems.append("the release registered no new task definitions: there is no previous release to roll back to automatically")
        return result
    what = rolled_back_what(args, before)
    out.note(f"Rolling back {what}")
    code = rollback(stack, out, args)
    result.outcome = "rolled-back" if code == 0 else "rollback-failed"
    if code:
        result.problems.append(f"coko rollback --stack {stack} {' '.join(['--yes', *args])} exited {code} (it was moving {what})")
    else:
        result.problems.append(f"rolled back: {what}")
    return result


def register(app: typer.Typer) -> None:
    @app.command(help=help_text(HELP))
    def deploy(
        stack: Annotated[list[str] | None, typer.Option("--stack", "-s", help="Stack to release (repeatable, released in the given role order).")] = None,
        all_stacks: Annotated[bool, typer.Option("--all", help="The primary stack, then the secondary.")] = False,
        health_url: Annotated[str | None, typer.Option(help="Instead of https://<domain.api>/health/ (one stack only).")] = None,
        apex_url: Annotated[str | None, typer.Option(help="Instead of https://<domain.apex>/ (one stack only).")] = None,
        smoke_attempts: Annotated[int, typer.Option(min=1, help="Tries per URL before the smoke check fails.")] = 5,
        smoke_interval: Annotated[float, typer.Option(min=0, help="Seconds between tries.")] = 10.0,
        no_rollback: Annotated[bool, typer.Option("--no-rollback", help="Report a failed smoke check without rolling back.")] = False,
        message: Annotated[str | None, typer.Option(help="Update message recorded in the stack history (e.g. the commit).")] = None,
    ) -> None:
        from stacks.config_source import ConfigError, load_stack_file

        out = Output()
        try:
            names = resolve(stack or [], all_stacks, health_url or apex_url)
            configs = {name: load_stack_file(name) for name in names}
        except ConfigError as exc:
            for problem in exc.problems:
                out.error(problem)
            raise typer.Exit(Exit.USAGE) from None
        except DeployError as exc:
            out.error(exc.message, exc.hint)
            raise typer.Exit(exc.code) from None
        for name in ordered(names, configs):
            cfg = configs[name]
            smoke = Smoke([health_url or f"https://{cfg.domain.api}/health/", apex_url or f"https://{cfg.domain.apex}/"], smoke_attempts, smoke_interval)
            try:
                result = release(name, cfg, smoke, not no_rollback, message, out)
            except DeployError as exc:
                out.error(exc.message, exc.hint)
                raise typer.Exit(exc.code) from None
            except KeyboardInterrupt:
                out.error(f"interrupted while releasing {name}; pulumi cancels the update it was running (check `pulumi stack -s {name}`).")
                raise typer.Exit(Exit.INTERRUPTED) from None
            if result.outcome != "released":
                for problem in result.problems:
                    out.error(f"{name}: {problem}")
                out.error(f"{name}: {result.outcome}; later stacks were not deployed. See docs/release.md.")
                raise typer.Exit(Exit.FAILED)
            out.note(f"[green]✓[/] {name} released and healthy")


def resolve(stacks: list[str], all_stacks: bool, url_override: str | None) -> list[str]:
    """The stacks to release; --all means every stack of the primary/secondary pair."""
    from coko_cli.offline.runner import known_stacks
    from stacks.config_source import load_stack_file

    if all_stacks == bool(stacks):
        raise DeployError("give --stack S (repeatable) or --all", Exit.USAGE)
    if all_stacks:
        stacks = [s for s in known_stacks() if load_stack_file(s).role in ("primary", "secondary")]
    if url_override and len(stacks) != 1:
        raise DeployError("--health-url/--apex-url apply to one stack; give a single --stack", Exit.USAGE)
    return list(dict.fromkeys(stacks))
