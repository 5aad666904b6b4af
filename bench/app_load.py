"""Load benchmark of the Coko Django app against a plain WSGI baseline.

Runs the app under gunicorn (app/gunicorn.conf.py, 3 workers, DEBUG off,
real PostgreSQL and Redis), seeds a catalogue, drives /health/, the cached
catalogue list and a catalogue detail with wrk, then does the same for
bench/hello_wsgi.py under the same gunicorn config, and prints a Markdown
table. Bounded: each wrk run lasts --duration seconds; servers are always
stopped.

    uv run python bench/app_load.py [--duration 10] [--threads 2] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
BENCH = ROOT / "bench"
sys.path.insert(0, str(APP))

from coko.env_contract import sample_environment  # noqa: E402 - needs APP on sys.path

ALIASES = ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")
SEED_BOOKS = 500
TARGET_RPS, TARGET_P95_MS = 1000.0, 200.0

SEED_SCRIPT = f"""
from coko.catalog.models import Book
missing = {SEED_BOOKS} - Book.objects.count()
Book.objects.bulk_create(
    Book(title=f"Livre {{n:04d}}", author=f"Auteur {{n % 37}}", isbn=f"bench-{{n:06d}}", published_year=1950 + n % 70)
    for n in range(Book.objects.count(), Book.objects.count() + max(missing, 0))
)
print(Book.objects.order_by("id").values_list("id", flat=True).first())
"""


@dataclass(frozen=True)
class Result:
    label: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int


def bench_env() -> dict[str, str]:
    """Production-shaped environment: every contract variable, dummy secrets, local services."""
    return sample_environment(
        DJANGO_SETTINGS_MODULE="coko_bench_settings",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        CORS_ALLOWED_ORIGINS="http://localhost:3000",
        POSTGRES_HOST="127.0.0.1",
        POSTGRES_USER="postgres",
        POSTGRES_PASSWORD="unused-with-trust-auth",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"),
        AWS_S3_CUSTOM_DOMAIN="cdn.bench.invalid",
        PYTHONPATH=os.pathsep.join([str(APP), str(BENCH)]),
        PATH=os.environ.get("PATH", ""),
    )


def ensure_wrk() -> str:
    """Path to wrk, installing the Debian package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: apt-get install -y wrk", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk is still missing")


def manage(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=APP, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout}s")


@contextmanager
def gunicorn(wsgi: str, env: dict[str, str]) -> Iterator[str]:
    """Run gunicorn with app/gunicorn.conf.py on a free loopback port; stop it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="coko-prom-") as prom_dir:
        proc_env = {
            "GUNICORN_WORKERS": "3",
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LIVENESS_BIND": f"127.0.0.1:{free_port()}",
            "PROMETHEUS_MULTIPROC_DIR": prom_dir,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", wsgi, "--config", str(APP / "gunicorn.conf.py")],
            cwd=APP,
            env=proc_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(f"{base}/health/")
            yield base
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_wrk(wrk: str, label: str, url: str, args: argparse.Namespace) -> Result:
    cmd = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "5s",
        "-s",
        str(BENCH / "wrk_report.lua"),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=args.duration + 30).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return Result(label=label, **throughput(data), non2xx=data["non2xx"], socket_errors=data["socket_errors"])


def throughput(data: dict[str, int]) -> dict[str, float]:
    """req/s and latency percentiles (ms) from the JSON line our wrk scripts print."""
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
    }


def table(results: list[Result], baseline: Result) -> str:
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*results, baseline]:
        ratio = r.rps / baseline.rps if baseline.rps else 0.0
        lines.append(f"| {r.label} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.non2xx} | {r.socket_errors} | {ratio:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    wrk = ensure_wrk()
    env = bench_env()
    for alias in ALIASES:
        manage(["migrate_alias", alias, "--verbosity", "0"], env)
    first_id = int(manage(["shell", "-c", SEED_SCRIPT], env).strip().splitlines()[-1])

    paths = [
        ("/health/ (liveness)", "/health/"),
        ("catalog list (cached)", "/api/catalog/books/?page=1"),
        ("catalog detail (cached)", f"/api/catalog/books/{first_id}/"),
    ]
    results: list[Result] = []
    with gunicorn("coko.wsgi:application", env) as base:
        for _label, path in paths:  # warm the cache and each worker's connections
            for _ in range(6):
                urllib.request.urlopen(base + path, timeout=5).read()
        results = [run_wrk(wrk, label, base + path, args) for label, path in paths]
    with gunicorn("hello_wsgi:application", env) as base:
        baseline = run_wrk(wrk, "baseline: hello-world WSGI", base + "/health/", args)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, gunicorn.conf.py defaults (3 workers x 4 threads), {os.cpu_count()} CPUs, load average {load}"
    )
    print(table(results, baseline))
    cached = results[1]
    ok = cached.rps >= TARGET_RPS and cached.p95_ms < TARGET_P95_MS and all(r.non2xx == 0 for r in results)
    print(f"\ntarget (cached list >= {TARGET_RPS:.0f} req/s, p95 < {TARGET_P95_MS:.0f} ms, zero non-2xx): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
