"""How an ops command is declared: shared options, connection, errors, signals, one JSON document.

Write a command (migrate, rollback, and the coming failover or DigitalOcean variants) as::

    @ops_command(app, "status", HELP, codes=(0, 1, 2, 4, 124, 130, 143), deadline=300)
    def status_command(run: OpsRun, events: Annotated[int, typer.Option(help="…")] = 5) -> None:
        target = run.find(naming.SERVICE_ROLES)  # stack file, AWS clients, cluster + services
        run.doc["services"] = rows                # part of the --json document, even on failure
        run.out.records([...])                    # a table in a wide terminal, plain lines elsewhere
        if not steady:
            raise OpsError("…", Exit.FAILED)      # `error: …` on stderr, exit code, "ok": false

`ops_command` appends the shared options to the command's own (``SHARED_OPTIONS``: --stack,
--region, --profile, --cluster, --service, --retry-mode, --max-attempts, --connect-timeout,
--read-timeout, --deadline, --json; with ``waits=True`` also --poll-interval) and runs the body
inside `OpsRun.execute`, which

- turns SIGINT/SIGTERM into `Interrupted` (so a body can stop or hand over what it started) and
  exits 130/143;
- turns `OpsError` and `ConfigError` (both `ProblemsError`) into `error:` lines and their code;
- prints exactly one JSON document with ``--json`` on every exit path:
  ``{"ok", "exitCode", "error": {"code", "message", "problems", "hint"} | null, …run.doc}``.

`OpsRun.config` / `.clients` / `.find()` connect lazily: an option error costs no AWS call, and a
command for another cloud only needs its own client next to them.
"""

from __future__ import annotations

import inspect
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.core import Context as ClickContext  # typer 0.29 vendors click: its own exception classes
from typer._click.exceptions import UsageError
from typer.core import TyperCommand

from coko_cli.exit_codes import Exit
from coko_cli.ops.errors import Interrupted, OpsError
from coko_cli.ops.render import Output
from coko_contract.problems import ProblemsError

if TYPE_CHECKING:  # boto3 and pydantic load only when an ops command runs, not for `coko --help`
    from coko_cli.ops.aws import Clients, Deadline
    from coko_cli.ops.discovery import StackServices
    from stacks.config_source import AnyStackConfig

PANEL = "Stack, AWS connection and output"


class RetryModeChoice(StrEnum):
    standard = "standard"
    adaptive = "adaptive"


class OnInterrupt(StrEnum):
    stop = "stop"
    detach = "detach"


def _opt(*names: str, **kwargs: Any) -> Any:
    return typer.Option(*names, rich_help_panel=PANEL, **kwargs)


# name -> (annotation, default); inspect.Parameter.empty = required
SHARED_OPTIONS: dict[str, tuple[Any, Any]] = {
    "stack": (Annotated[str, _opt("--stack", "-s", help="Stack name: reads Pulumi.<stack>.yaml for the region and tags.")], inspect.Parameter.empty),
    "cluster": (Annotated[str | None, _opt(help="ECS cluster name or ARN, instead of discovery by tags.")], None),
    "service": (Annotated[list[str] | None, _opt("--service", help="ROLE=NAME service override (repeatable), instead of discovery by tags.")], None),
    "region": (Annotated[str | None, _opt(help="AWS region; default: the stack file's aws:region (AWS_REGION is ignored on purpose).")], None),
    "profile": (Annotated[str | None, _opt(help="AWS profile (default: the standard chain: AWS_PROFILE, env keys, SSO, role).")], None),
    "retry_mode": (Annotated[RetryModeChoice, _opt(help="botocore retry mode (adaptive also rate-limits the client).")], RetryModeChoice.standard),
    "max_attempts": (Annotated[int, _opt(min=1, max=50, help="botocore attempts per AWS call, the first included.")], 8),
    "connect_timeout": (Annotated[float, _opt(min=0.1, help="Seconds to wait for a connection to AWS, per attempt.")], 5.0),
    "read_timeout": (Annotated[float, _opt(min=0.1, help="Seconds to wait for an AWS answer, per attempt.")], 30.0),
    "deadline": (Annotated[float, _opt(min=0, help="Total seconds for the whole command (0: none); exit 124 when exceeded.")], 0.0),
    "as_json": (Annotated[bool, _opt("--json", help="Print exactly one JSON document on stdout, whatever happens.")], False),
}
WAIT_OPTIONS: dict[str, tuple[Any, Any]] = {
    "poll_interval": (Annotated[float, _opt(min=0, help="Seconds between polls while waiting.")], 5.0),
}

# Options of the one-off task commands (migrate, collectstatic), declared by them.
TaskDefinition = Annotated[str | None, typer.Option(help="Task definition (family:revision or ARN) instead of the one the backend service runs.")]
OnInterruptOpt = Annotated[
    OnInterrupt,
    typer.Option(help="On Ctrl-C/SIGTERM: stop the task, or detach (leave it running; print its ARN and the stop command)."),
]


@dataclass
class OpsOptions:
    """The shared options' values, as typed by the operator."""

    stack: str
    cluster: str | None = None
    service: list[str] | None = None
    region: str | None = None
    profile: str | None = None
    retry_mode: RetryModeChoice = RetryModeChoice.standard
    max_attempts: int = 8
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    deadline: float = 0.0
    as_json: bool = False
    poll_interval: float = 5.0


@dataclass
class OpsRun:
    """One invocation: options, output, the JSON document so far, and the lazily built AWS side."""

    options: OpsOptions
    out: Output
    doc: dict[str, Any] = field(default_factory=dict)
    _config: AnyStackConfig | None = None
    _clients: Clients | None = None
    _deadline: Deadline | None = None

    @property
    def deadline(self) -> Deadline:
        if self._deadline is None:
            from coko_cli.ops.aws import Deadline

            self._deadline = Deadline(self.options.deadline)
        return self._deadline

    @property
    def config(self) -> AnyStackConfig:
        if self._config is None:
            from stacks.config_source import load_stack_file

            self._config = load_stack_file(self.options.stack)
            self.doc["region"] = self.options.region or self._config.region
        return self._config

    @property
    def clients(self) -> Clients:
        if self._clients is None:
            from coko_cli.ops.aws import AwsOptions, make_clients

            o = self.options
            aws = AwsOptions(
                region=o.region or self.config.region,
                profile=o.profile,
                retry_mode=RetryModeChoice(o.retry_mode).value,  # type: ignore[arg-type]
                max_attempts=o.max_attempts,
                connect_timeout=o.connect_timeout,
                read_timeout=o.read_timeout,
            )
            self._clients = make_clients(aws, self.deadline)
        return self._clients

    def find(self, roles: tuple[str, ...]) -> StackServices:
        """The stack's cluster and one described service per role (overrides, tags, then names)."""
        from coko_cli.ops.discovery import discover, parse_service_overrides

        overrides = parse_service_overrides(self.options.service or [], roles)
        target = discover(self.clients.ecs, self.config.stack, self.clients.region, roles, self.options.cluster, overrides)
        self.doc["cluster"] = target.cluster
        return target

    def pause(self, doing: str) -> None:
        """Sleep one poll interval, never past the deadline."""
        self.deadline.check(doing)
        remaining = self.deadline.remaining()
        time.sleep(self.options.poll_interval if remaining is None else min(self.options.poll_interval, remaining))

    def execute(self, body: Callable[[], None]) -> int:
        """Run the body; whatever happens, report once (stderr lines, JSON document) and return the code."""
        error = guarded(body)
        code = error.code if error else int(Exit.OK)
        if error is not None:
            report(self.out, error)
        self.out.emit_json({"ok": error is None, "exitCode": code, "error": error.as_json() if error else None, **self.doc})
        return code


def guarded(body: Callable[[], None]) -> OpsError | None:
    """Run the body with the signal handlers; every expected way out becomes an OpsError."""
    try:
        with _signals_raise_interrupted():
            body()
    except OpsError as exc:
        return exc
    except ProblemsError as exc:  # the stack file (ConfigError)
        return OpsError(exc.problems, Exit.USAGE)
    except Interrupted as exc:
        return OpsError(
            f"interrupted by {exc.signal_name}.", exc.code, "Anything already started in AWS keeps running unless said otherwise above; see `coko status`."
        )
    except (typer.Abort, EOFError):
        return OpsError("aborted: nothing was changed.", Exit.FAILED)
    return None


def report(out: Output, error: OpsError) -> None:
    for problem in error.problems:
        out.error(problem)
    if error.hint:
        out.err.print(f"  {error.hint}", markup=False)


@contextmanager
def _signals_raise_interrupted() -> Iterator[None]:
    """SIGINT -> Interrupted(130), SIGTERM -> Interrupted(143), while the body runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        name = signal.Signals(signum).name
        raise Interrupted(name, int(Exit.TERMINATED if signum == signal.SIGTERM else Exit.INTERRUPTED))

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted("SIGINT", int(Exit.INTERRUPTED)) from None
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def confirm(out: Output, question: str) -> bool:
    """Ask on stderr, read a line from stdin: stdout stays clean (click's prompt writes a space there)."""
    out.err.print(f"{question} [y/N]: ", end="", markup=False)
    answer = sys.stdin.readline()
    if not answer:
        out.err.print("")
    return answer.strip().lower() in ("y", "yes")


def codes_line(codes: tuple[int, ...]) -> str:
    return f"Exit codes (meanings in `coko --help` and docs/ops.md): {', '.join(str(c) for c in codes)}."


def help_text(text: str) -> str:
    """Reflow hand-wrapped paragraphs: typer's rich help keeps single newlines."""
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in text.strip().split("\n\n"))


class JsonOnUsageError(TyperCommand):
    """A bad option is an exit path too: with --json, stdout still gets its one document."""

    def make_context(self, info_name: str | None, args: list[str], parent: ClickContext | None = None, **extra: Any) -> ClickContext:
        wants_json = "--json" in args
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            _usage_json(exc, wants_json)
            raise

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:  # values are converted when the callback is invoked
            _usage_json(exc, bool(ctx.params.get("as_json")))
            raise


def _usage_json(exc: UsageError, wanted: bool) -> None:
    if wanted:
        error = OpsError(exc.format_message(), Exit.USAGE)
        Output(as_json=True).emit_json({"ok": False, "exitCode": error.code, "error": error.as_json()})


def ops_command(
    app: typer.Typer, name: str, help: str, *, codes: tuple[int, ...], deadline: float, waits: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register `func(run, **own_options)` as `coko <name>` with the shared options appended."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(func, eval_str=True).parameters.values() if p.name != "run"]
        shared = {**SHARED_OPTIONS, **(WAIT_OPTIONS if waits else {})}
        shared["deadline"] = (shared["deadline"][0], float(deadline))
        params = own + [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=a, default=d) for n, (a, d) in shared.items()]

        def command(**kwargs: Any) -> None:
            options = OpsOptions(**{n: kwargs.pop(n) for n in shared})
            run = OpsRun(options, Output(options.as_json), {"stack": options.stack})
            code = run.execute(lambda: func(run, **kwargs))
            if code:
                raise typer.Exit(code)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        command.__name__ = func.__name__
        app.command(name=name, help=help_text(help) + "\n\n" + codes_line(codes), cls=JsonOnUsageError)(command)
        return func

    return decorate
