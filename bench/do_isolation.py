"""Does the DigitalOcean stack cost the AWS previews anything? Ratio against a baseline in the same run.

Baseline: warm `up`-mode previews of the AWS stacks in a fresh process that never loads
DigitalOcean code. Measured: the same previews in a process that previewed `staging` first
(pulumi_digitalocean and the DO mocks loaded). Also prints which DO modules an AWS-only process
imported (must be none) and the cost of the per-resource cloud dispatch the runner gained.

Run: uv run python bench/do_isolation.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AWS = ["production", "capetown"]

CHILD = """
import json, statistics, sys, time
sys.path.insert(0, {root!r})
from coko_cli.offline.runner import run_stacks
if {warm_do}:
    run_stacks(["staging"], "up")
run_stacks({aws!r}, "up")  # warm-up: imports, bytecode
times = []
for _ in range({repeat}):
    started = time.perf_counter()
    previews = run_stacks({aws!r}, "up")
    times.append(time.perf_counter() - started)
loaded = sorted(m for m in sys.modules if "digitalocean" in m or m.endswith("do_mocks"))
print(json.dumps({{"median": statistics.median(times), "resources": sum(len(p.resources) for p in previews), "do_modules": loaded}}))
"""


def measure(warm_do: bool, repeat: int) -> dict[str, object]:
    code = CHILD.format(root=str(ROOT), warm_do=warm_do, aws=AWS, repeat=repeat)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, timeout=1800).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    baseline = measure(False, args.repeat)
    with_do = measure(True, args.repeat)
    types = ["aws:ec2/subnet:Subnet"] * int(str(baseline["resources"]))
    dispatch = min(timeit.repeat(lambda: [t.startswith("digitalocean:") for t in types for _ in (0, 1)], number=20, repeat=5)) / 20
    print(f"AWS stacks ({baseline['resources']} resources), up mode, median of {args.repeat} warm runs")
    print(f"  baseline, DigitalOcean never loaded : {float(str(baseline['median'])):.2f} s; DO modules imported: {baseline['do_modules'] or 'none'}")
    print(f"  after a staging preview in-process : {float(str(with_do['median'])):.2f} s")
    print(f"  ratio                              : {float(str(with_do['median'])) / float(str(baseline['median'])):.2f}")
    print(f"  per-resource cloud dispatch        : {dispatch * 1e3:.3f} ms per AWS preview ({dispatch / float(str(baseline['median'])):.5%} of it)")


if __name__ == "__main__":
    main()
