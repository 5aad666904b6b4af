"""Run the real Pulumi program in-process under the SDK's mock runtime.

No CLI, no plugins, no credentials: config comes from ``Pulumi.<stack>.yaml``, secrets are
replaced by placeholders that stay marked secret, invokes and resource outputs come from
``mocks.py``. ``preview`` mode leaves computed outputs unknown (like ``pulumi preview``);
``up`` mode resolves everything (like ``pulumi up``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import importlib
import json
import logging
import multiprocessing
import os
import runpy
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from google.protobuf import json_format
from pulumi.runtime import config as runtime_config
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime import stack as runtime_stack
from pulumi.runtime.mocks import MockEngine, MockMonitor, MockResourceArgs, Mocks, MockSettings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from coko_cli.offline import fastimport, mocks
from coko_contract.names import PROJECT
from coko_contract.plan import SECRET, UNKNOWN
from stacks.config_source import AnyStackConfig, ConfigError, load_stack_file, project_root, read_stack_file

Mode = Literal["preview", "up"]
ORGANIZATION = "organization"
_SECRET_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PLACEHOLDER_PREFIX = "OFFLINEsecret"


class PreviewError(Exception):
    """The program failed under the offline preview; the message says where."""


@dataclass
class ResourceRecord:
    urn: str
    type: str
    name: str
    parent: str | None
    region: str | None
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    dependencies: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "region": self.region,
            "custom": self.custom,
            "inputs": self.inputs,
            "options": self.options,
            "dependencies": self.dependencies,
        }


@dataclass
class StackPreview:
    stack: str
    region: str
    mode: Mode
    resources: list[ResourceRecord]
    outputs: dict[str, Any]
    leaks: list[str]
    seconds: float
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "region": self.region,
            "mode": self.mode,
            "resources": [r.as_json() for r in self.resources],
            "outputs": self.outputs,
        }


def placeholder(key: str) -> str:
    """A recognisable, valid-looking stand-in for a secret value (also a valid Redis AUTH token)."""
    return f"{PLACEHOLDER_PREFIX}{key.split(':')[-1]}{mocks.digest(key, length=8)}"


def _clean(value: Any, secret: bool, leaks: list[str], path: str) -> Any:
    """Wire value -> JSON value: secrets redacted, unknowns marked, resource refs as their URN."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == _SECRET_VALUE:
            return _clean(value.get("value"), True, leaks, path)
        if value.get(_SECRET_SIG) == _RESOURCE_SIG:
            return value.get("id") or value.get("urn")
        return {k: _clean(v, secret, leaks, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, secret, leaks, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):
        if _UNKNOWN_VALUE in value:
            return UNKNOWN
        if secret:
            return SECRET
        if PLACEHOLDER_PREFIX in value:
            leaks.append(path)
            return SECRET
    if secret and value is not None:
        return SECRET
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire has only doubles; show 20, not 20.0
    return value


def _wire_to_python(struct: Any) -> dict[str, Any]:
    result: dict[str, Any] = json_format.MessageToDict(struct) if struct is not None else {}
    return result


def _plain(value: Any) -> Any:
    """Wire value -> value the mock returns as outputs: secrets unwrapped, unknowns kept."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == _SECRET_VALUE:
            return _plain(value.get("value"))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _optional_bool(request: Any, name: str) -> bool | None:
    """Unset (None) and False differ for protect/retainOnDelete: unset inherits from the parent."""
    try:
        return bool(getattr(request, name)) if request.HasField(name) else None
    except ValueError:  # a ReadResource request has no such field
        return None


def resource_options(request: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The resource options the engine receives, and which input keys depend on which URNs.

    ``dependsOn`` is what the program declared: the request's ``dependencies`` minus those
    implied by inputs (``propertyDependencies``). ``provider`` is the provider's URN.
    """
    by_key = {key: sorted(deps.urns) for key, deps in getattr(request, "propertyDependencies", {}).items()}
    implied = {urn for urns in by_key.values() for urn in urns}
    provider = str(getattr(request, "provider", "") or "")
    options = {
        "protect": _optional_bool(request, "protect"),
        "retainOnDelete": _optional_bool(request, "retainOnDelete"),
        "deleteBeforeReplace": bool(getattr(request, "deleteBeforeReplace", False)),
        "ignoreChanges": sorted(getattr(request, "ignoreChanges", [])),
        "replaceOnChanges": sorted(getattr(request, "replaceOnChanges", [])),
        "dependsOn": sorted(set(getattr(request, "dependencies", [])) - implied),
        "provider": provider.rsplit("::", 1)[0] if provider else None,
        "importId": str(getattr(request, "importId", "") or "") or None,
    }
    return options, {key: urns for key, urns in by_key.items() if urns}


class _OfflineMocks(Mocks):
    def __init__(self, run: _Run) -> None:
        self.run = run

    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return mocks.call_outputs(args.token, args.args, self.run.region), []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return self.run.answer(args)


class _OfflineMonitor(MockMonitor):
    """Records the tree (parent, provider) and the stack outputs, which MockResourceArgs lacks."""

    def __init__(self, run: _Run) -> None:
        super().__init__(_OfflineMocks(run))
        self.run = run
        run.monitor = self

    def RegisterResource(self, request: Any) -> Any:
        self.run.current.request = request
        return super().RegisterResource(request)

    def ReadResource(self, request: Any) -> Any:
        self.run.current.request = request
        return super().ReadResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn.split("::")[2] == "pulumi:pulumi:Stack":
            self.run.stack_outputs = _wire_to_python(request.outputs)
        return super().RegisterResourceOutputs(request)


class _Run:
    """State of one stack's run; new_resource answers from here."""

    def __init__(self, cfg: AnyStackConfig, mode: Mode, references: dict[str, dict[str, Any]]) -> None:
        self.cfg = cfg
        self.region = cfg.region
        self.mode = mode
        self.references = references
        self.current = threading.local()
        self.records: list[ResourceRecord] = []
        self.leaks: list[str] = []
        self.provider_regions: dict[str, str] = {}
        self.stack_outputs: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.monitor: MockMonitor | None = None  # set by the monitor that serves this run

    def _region(self, type_: str, inputs: dict[str, Any], provider_ref: str) -> str | None:
        if type_.startswith("digitalocean:"):
            return _do_mocks().region(type_, inputs, self.region)
        if not type_.startswith("aws:"):
            return None
        if isinstance(inputs.get("region"), str):
            return str(inputs["region"])
        provider_urn = provider_ref.rsplit("::", 1)[0] if provider_ref else ""
        return self.provider_regions.get(provider_urn, self.region)

    def answer(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        request = self.current.request
        parent = getattr(request, "parent", "") or None
        assert self.monitor is not None
        urn = self.monitor.make_urn(parent or "", args.typ, args.name)
        wire = _wire_to_python(getattr(request, "object", None) or getattr(request, "properties", None))
        inputs = _plain(wire)
        region = self._region(args.typ, inputs, args.provider or "")
        leaks: list[str] = []
        record = ResourceRecord(urn, args.typ, args.name, parent, region, bool(args.custom) or args.resource_id is not None, _clean(wire, False, leaks, ""))
        record.options, record.dependencies = resource_options(request)
        if args.typ == "pulumi:pulumi:StackReference":
            rid, outputs = self._stack_reference(args)
        elif not record.custom:
            rid, outputs = "", {}
        elif args.typ.startswith("pulumi:providers:"):
            if isinstance(inputs.get("region"), str):
                self.provider_regions[urn] = inputs["region"]
            rid, outputs = mocks.digest(urn), dict(inputs)
        elif self.mode == "preview":
            rid, outputs = "", dict(inputs)  # computed attributes stay unknown, as in `pulumi preview`
        elif args.typ.startswith("digitalocean:"):
            rid, outputs = _do_mocks().resource_outputs(args.typ, args.name, urn, region or self.region, inputs)
        else:
            rid, outputs = mocks.resource_outputs(args.typ, args.name, urn, region or self.region, inputs)
        record.outputs = outputs
        with self.lock:
            self.records.append(record)
            self.leaks += [f"{urn} input {path}" for path in leaks]
        return rid, outputs

    def _stack_reference(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        name = str(args.inputs.get("name") or args.resource_id)
        target = name.split("/")[-1]
        if target not in self.references:
            raise PreviewError(f"stack reference {name!r}: no offline outputs for stack {target!r}")
        outputs = self.references[target]
        return name, {"name": name, "outputs": outputs, "secretOutputNames": []}


def _do_mocks() -> Any:
    """DigitalOcean answers, imported on the first DigitalOcean resource (AWS previews never load them)."""
    from coko_cli.offline import do_mocks

    return do_mocks


class _WaitForWholeSnapshot:
    """``asyncio`` as seen by ``pulumi.runtime.stack``, except that ``wait`` waits for all tasks.

    The SDK's ``wait_for_rpcs`` drains outstanding outputs with ``asyncio.wait(FIRST_COMPLETED)``
    in a loop; every round re-registers callbacks on every pending task, so the cost grows with
    the square of the number of outputs (a quarter of a warm run at ~190 resources). Waiting for
    the whole snapshot gives the same result (every task awaited, errors re-raised, new tasks
    picked up on the next round) in linear time.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait(tasks: Any, *, timeout: float | None = None, return_when: str = asyncio.ALL_COMPLETED) -> Any:
        return await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.ALL_COMPLETED)


def _no_source_positions() -> source_pb2.StackTrace:
    """The engine shows where each resource was declared; the mock monitor ignores it."""
    return source_pb2.StackTrace()


@contextlib.contextmanager
def _offline_sdk_shortcuts() -> Iterator[None]:
    """Two SDK internals swapped for the run only: linear output wait, no stack-trace capture.

    ``_get_stack_trace`` walks and formats the whole Python stack for every resource (about a
    sixth of the run) to give the engine source positions, which nothing reads offline.
    """
    wait_module, stack_trace = runtime_stack.asyncio, runtime_resource._get_stack_trace
    runtime_stack.asyncio = _WaitForWholeSnapshot()  # type: ignore[assignment]
    runtime_resource._get_stack_trace = _no_source_positions
    try:
        yield
    finally:
        runtime_stack.asyncio, runtime_resource._get_stack_trace = wait_module, stack_trace


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No garbage collection while the SDK loads and the program runs (profiled: a third of a
    cold run). The provider SDK leaves ~10^6 objects (classes, functions) that every full
    collection re-scans; a run's own garbage is small (peak RSS 219 MB with the collector
    off, 217 MB with it on, measured over both AWS stacks). Nests; restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _engine_config(raw: dict[str, Any], secret_keys: set[str]) -> dict[str, str]:
    """Config as the engine hands it to the program: strings, objects as JSON, secrets as placeholders."""
    config: dict[str, str] = {}
    for key, value in raw.items():
        if key in secret_keys:
            config[key] = placeholder(key)
        elif isinstance(value, str):
            config[key] = value
        else:
            config[key] = json.dumps(value)
    return config


def run_stack(stack: str, mode: Mode, references: dict[str, dict[str, Any]] | None = None, root: Path | None = None) -> StackPreview:
    """Run ``__main__.py`` for one stack; raises ConfigError or PreviewError on failure."""
    root = root or project_root()
    cfg = load_stack_file(stack, root)
    raw, secret_keys = read_stack_file(stack, root)
    run = _Run(cfg, mode, references or {})
    runtime_config.set_all_config(_engine_config(raw, secret_keys), sorted(secret_keys))
    monitor = _OfflineMonitor(run)
    settings = MockSettings(
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
        engine=MockEngine(logging.getLogger("coko.offline")),
        project=PROJECT,
        stack=stack,
        dry_run=mode == "preview",
        organization=ORGANIZATION,
        callbacks=None,
    )
    runtime_settings.configure(settings)
    runtime_settings.ROOT.set(None)
    started = time.perf_counter()

    def program() -> None:
        runpy.run_path(str(root / "__main__.py"), run_name="__main__")

    try:
        with _offline_sdk_shortcuts(), _gc_paused():
            _sync_await(run_in_stack(program))
    except Exception as exc:  # the program's own failure: report it as one message
        message = str(exc).strip() or type(exc).__name__
        raise PreviewError(f"stack {stack} ({mode}): {message}") from exc
    seconds = time.perf_counter() - started
    outputs = _clean(run.stack_outputs, False, run.leaks, "outputs")
    records = sorted(run.records, key=lambda r: r.urn)
    return StackPreview(stack, cfg.region, mode, records, outputs, run.leaks, seconds, raw_outputs=_plain(run.stack_outputs))


def _job(stack: str, mode: Mode, references: dict[str, dict[str, Any]], root: Path | None) -> tuple[str, Any]:
    """One stack run in a forked worker; errors come back as data (ConfigError does not unpickle)."""
    try:
        return "ok", run_stack(stack, mode, references, root)
    except ConfigError as exc:
        return "config", exc.problems
    except PreviewError as exc:
        return "preview", str(exc)
    except Exception as exc:  # the worker must answer, whatever happened
        return "preview", f"stack {stack} ({mode}): {type(exc).__name__}: {exc}"


def _workers(jobs: int) -> int:
    """Forked workers for independent runs: COKO_PREVIEW_JOBS, else one per idle core.

    On a busy machine (load average >= cores - 1) forking does not pay and the runs stay
    in-process.
    """
    if jobs < 2 or not hasattr(os, "fork"):
        return 1
    wanted = os.environ.get("COKO_PREVIEW_JOBS")
    if wanted and wanted.isdigit():
        return max(1, min(jobs, int(wanted)))
    cores = os.cpu_count() or 1
    idle = cores - os.getloadavg()[0]
    return max(1, min(jobs, int(idle) + 1)) if idle >= 1 else 1


@dataclass(frozen=True)
class _Job:
    """One run; ``needs`` is the primary stack whose up-mode outputs its StackReference reads."""

    stack: str
    mode: Mode
    needs: str | None = None

    @property
    def key(self) -> tuple[str, Mode]:
        return self.stack, self.mode


def _answer(kind: str, payload: Any) -> StackPreview:
    if kind == "config":
        raise ConfigError(payload)
    if kind == "preview":
        raise PreviewError(payload)
    result: StackPreview = payload
    return result


def _references(job: _Job, results: dict[tuple[str, Mode], StackPreview]) -> dict[str, dict[str, Any]]:
    return {job.needs: results[(job.needs, "up")].raw_outputs} if job.needs else {}


def _run_jobs(jobs: list[_Job], workers: int, root: Path | None) -> dict[tuple[str, Mode], StackPreview]:
    """Runs in list order (a job comes after the up-mode run it needs), or in ``workers`` forked
    workers: each job starts as soon as the run it needs has finished.

    The parent has already loaded the program's modules (``_preload``), so each worker starts
    warm; results come back pickled.
    """
    results: dict[tuple[str, Mode], StackPreview] = {}
    if workers == 1:
        for job in jobs:
            results[job.key] = run_stack(job.stack, job.mode, _references(job, results), root)
        return results
    waiting = list(jobs)
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        running: dict[concurrent.futures.Future[tuple[str, Any]], _Job] = {}
        while waiting or running:
            for job in [j for j in waiting if j.needs is None or (j.needs, "up") in results]:
                waiting.remove(job)
                running[pool.submit(_job, job.stack, job.mode, _references(job, results), root)] = job
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                results[running.pop(future).key] = _answer(*future.result())
    return results


def _preload(root: Path | None) -> None:
    """Import what ``__main__.py`` imports (stacks.program and, through it, the components and
    the AWS provider SDK modules) before forking, so workers share one warm import."""
    root = root or project_root()
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.import_module("stacks.program")
    # The provider modules the last run used (stacks.program imports lazily); other clouds' run later.
    fastimport.preload_modules(root, skip=frozenset({"pulumi_digitalocean"}))


def run_stacks(stacks: list[str], mode: Mode, root: Path | None = None) -> list[StackPreview]:
    """Primary stacks first: a secondary's StackReference is answered from the primary's up-mode outputs.

    A secondary whose primary is not itself run in up mode gets that up-mode run too, scheduled
    first so the secondary can start while the primary's own preview is still running.
    """
    configs = {s: load_stack_file(s, root) for s in stacks}
    aws = [s for s in stacks if configs[s].cloud == "aws"]
    needs = {s: configs[s].primary_stack.split("/")[-1] for s in aws if configs[s].primary_stack}  # type: ignore[union-attr]
    jobs = [_Job(t, "up") for t in sorted(set(needs.values())) if not (t in aws and mode == "up")]
    jobs += [_Job(s, mode) for s in aws if s not in needs]
    jobs += [_Job(s, mode, needs[s]) for s in aws if s in needs]
    workers = _workers(sum(1 for job in jobs if job.needs is None))  # runs that can start at once
    with _gc_paused():
        if workers > 1:
            _preload(root)
        results = _run_jobs(jobs, workers, root)
    # Other clouds' stacks run last, alone: their provider SDK loads only after every AWS run
    # (bench/do_isolation.py measured AWS runs 1.1-1.6x slower in a process that had loaded it).
    for stack in stacks:
        if configs[stack].cloud != "aws":
            results[(stack, mode)] = run_stack(stack, mode, {}, root)
    fastimport.remember_modules(root or project_root())
    return [results[(s, mode)] for s in stacks]


def known_stacks(root: Path | None = None) -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (root or project_root()).glob("Pulumi.*.yaml"))
