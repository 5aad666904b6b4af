"""Benchmark the offline preview and policy check of both AWS stacks, as cold processes,
against the SDK floor measured in the same run.

- floor: a cold `python -c "import pulumi, pulumi_aws, pulumi_docker"` (what any Pulumi
  program pays before declaring a resource);
- cold `coko preview production capetown` and `coko check production capetown`, each a new
  process (imports included), wall time and CPU time (user+sys, children included);
- ratios to the floor, so a busy machine shifts both sides;
- linear growth: the bare SDK registering N and 2N trivial resources (x2.0 expected), and our
  per-resource cost in a warm process.

Run: uv run python bench/preview_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STACKS = ["production", "capetown"]
TARGET_SECONDS = 3.0


def cold(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median (wall, cpu) seconds of a new process; cpu = user+sys of it and its children."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def bare_sdk(count: int) -> float:
    """Seconds for the SDK alone to register `count` trivial resources under the mock runtime."""
    import pulumi
    from pulumi.runtime import settings as runtime_settings
    from pulumi.runtime.mocks import MockMonitor, Mocks, set_mocks
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    class Trivial(Mocks):
        def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: Any) -> tuple[dict[str, Any], None]:
            return {}, None

    set_mocks(Trivial(), project="bench", stack="bench", preview=True, monitor=MockMonitor(Trivial()))
    runtime_settings.ROOT.set(None)

    def program() -> None:
        for i in range(count):
            pulumi.CustomResource("bench:index:Thing", f"thing-{i}", {"index": i, "tags": {"Project": "coko"}})

    started = time.perf_counter()
    _sync_await(run_in_stack(program))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    python, coko = sys.executable, [sys.executable, "-m", "coko_cli.main"]

    load = os.getloadavg()[0]
    cold([*coko, "preview", *STACKS, "--json", "--out", os.devnull], 1)  # fills the bytecode cache once
    floor = cold([python, "-c", "import pulumi, pulumi_aws, pulumi_docker"], args.repeat)
    preview = cold([*coko, "preview", *STACKS, "--json", "--out", os.devnull], args.repeat)
    check = cold([*coko, "check", *STACKS, "--format", "json", "--out", os.devnull], args.repeat)
    sequential = cold(["env", "COKO_PREVIEW_JOBS=1", *coko, "preview", *STACKS, "--json", "--out", os.devnull], args.repeat)
    baseline = cold(["env", "COKO_PREVIEW_JOBS=1", "COKO_FAST_IMPORT=0", *coko, "preview", *STACKS, "--json", "--out", os.devnull], args.repeat)

    from coko_cli.offline.runner import run_stacks

    warm = run_stacks(STACKS, "preview")
    resources = sum(len(p.resources) for p in warm)
    sdk_1x = statistics.median(bare_sdk(resources) for _ in range(args.repeat))
    sdk_2x = statistics.median(bare_sdk(2 * resources) for _ in range(args.repeat))

    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores; {resources} resources in the two stacks")
    print(f"SDK floor (cold import pulumi, pulumi_aws, pulumi_docker): wall {floor[0]:.2f} s, cpu {floor[1]:.2f} s")
    for label, (wall, cpu) in (
        ("coko preview production capetown", preview),
        ("coko check production capetown", check),
        ("  preview, runs in one process", sequential),
        ("  preview, fast import off, one process", baseline),
    ):
        print(f"{label:58} wall {wall:5.2f} s ({wall / floor[0]:4.1f}x floor)  cpu {cpu:5.2f} s ({cpu / floor[1]:4.1f}x floor)")
    print(f"bare SDK, {resources} / {2 * resources} trivial resources: {sdk_1x:.2f} s / {sdk_2x:.2f} s (x{sdk_2x / sdk_1x:.2f} for 2x resources)")
    met = preview[0] <= TARGET_SECONDS and check[0] <= TARGET_SECONDS
    print(f"target: each cold command <= {TARGET_SECONDS:.0f} s wall -> {'met' if met else 'NOT met'} (on this run's load)")


if __name__ == "__main__":
    main()
