"""Benchmark `coko preview --all`: wall time and peak memory, against the bare SDK in the same run.

Baseline: the Pulumi SDK mock runtime registering the same number of trivial resources with no
program logic, no realistic outputs and no recording. The ratio says what our program, mocks
and recording cost on top of the SDK floor; the 2x-resources baseline checks linear growth.

Run: uv run python bench/preview_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402
from pulumi.runtime import settings as runtime_settings  # noqa: E402
from pulumi.runtime.mocks import MockMonitor, Mocks, set_mocks  # noqa: E402
from pulumi.runtime.stack import run_in_stack  # noqa: E402
from pulumi.runtime.sync_await import _sync_await  # noqa: E402

from coko_cli.offline.runner import run_stacks  # noqa: E402


class _Trivial(Mocks):
    def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: Any) -> tuple[dict[str, Any], None]:
        return {}, None


def bare_sdk(count: int) -> float:
    """Seconds for the SDK alone to register `count` resources under the mock runtime."""
    set_mocks(_Trivial(), project="bench", stack="bench", preview=True, monitor=MockMonitor(_Trivial()))
    runtime_settings.ROOT.set(None)

    def program() -> None:
        for i in range(count):
            pulumi.CustomResource("bench:index:Thing", f"thing-{i}", {"index": i, "tags": {"Project": "coko"}})

    started = time.perf_counter()
    _sync_await(run_in_stack(program))
    return time.perf_counter() - started


def median_seconds(fn: Any, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cold_started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coko_cli.main", "preview", "--all", "--json", "--out", "/dev/null"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    cold = time.perf_counter() - cold_started

    warm = run_stacks(["production", "capetown"], "preview")  # imports warm
    resources = sum(len(p.resources) for p in warm)
    preview = median_seconds(lambda: run_stacks(["production", "capetown"], "preview"), args.repeat)
    up = median_seconds(lambda: run_stacks(["production", "capetown"], "up"), args.repeat)
    bare_sdk(10)
    baseline = median_seconds(lambda: bare_sdk(resources), args.repeat)
    baseline_2x = median_seconds(lambda: bare_sdk(2 * resources), args.repeat)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"resources (both stacks, excluding the capetown reference run): {resources}")
    print(f"cold `coko preview --all --json` (new process, imports included): {cold:.2f} s")
    print(f"warm preview mode, both stacks (median of {args.repeat}): {preview:.2f} s")
    print(f"warm up mode, both stacks (median of {args.repeat}):      {up:.2f} s")
    print(f"baseline: bare SDK, {resources} trivial resources:        {baseline:.2f} s")
    print(f"baseline: bare SDK, {2 * resources} trivial resources:       {baseline_2x:.2f} s  (x{baseline_2x / baseline:.2f} for 2x resources)")
    print(f"ratio preview / baseline: {preview / baseline:.2f}   ratio up / baseline: {up / baseline:.2f}")
    print(f"peak RSS: {peak_mib:.0f} MiB")
    print(f"target: both stacks <= 3 s warm -> {'met' if preview <= 3 and up <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
