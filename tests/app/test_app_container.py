"""The web container's start script, gunicorn config and health check, run for real."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import APP_DIR, free_port

REQUESTS = 12


def healthcheck(url: str) -> int:
    env = dict(os.environ, HEALTHCHECK_URL=url)
    return subprocess.run([sys.executable, str(APP_DIR / "bin" / "healthcheck")], env=env, capture_output=True, check=False).returncode


@pytest.fixture
def backend(tmp_path: Path, closed_port: int) -> Iterator[tuple[str, Path]]:
    """bin/start-backend with 2 workers in Prometheus multi-process mode, on a free port."""
    prom_dir = tmp_path / "prometheus"
    prom_dir.mkdir()
    (prom_dir / "counter_99999.db").write_bytes(b"stale file from a previous container")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="coko.settings.test",
        GUNICORN_BIND=f"127.0.0.1:{closed_port}",
        GUNICORN_WORKERS="2",
        GUNICORN_LIVENESS_BIND=f"127.0.0.1:{free_port()}",
        PROMETHEUS_MULTIPROC_DIR=str(prom_dir),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    proc = subprocess.Popen([str(APP_DIR / "bin" / "start-backend")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{closed_port}"
    try:
        deadline = time.monotonic() + 60
        liveness = f"http://{env['GUNICORN_LIVENESS_BIND']}/health/"
        while healthcheck(liveness) != 0 or healthcheck(f"{base}/health/") != 0:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "gunicorn did not answer /health/ within 60 s"
            time.sleep(0.3)
        yield base, prom_dir
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_healthcheck_script_fails_when_nothing_listens(closed_port: int) -> None:
    assert healthcheck(f"http://127.0.0.1:{closed_port}/health/") == 1


def test_gunicorn_workers_share_one_metrics_view(backend: tuple[str, Path]) -> None:
    base, prom_dir = backend
    assert not (prom_dir / "counter_99999.db").exists(), "stale metrics are wiped at start"
    for _ in range(REQUESTS):
        with contextlib.suppress(urllib.error.HTTPError):  # only the count matters, not the status
            urllib.request.urlopen(f"{base}/api/auth/me/", timeout=10).read()
    text = urllib.request.urlopen(f"{base}/metrics", timeout=10).read().decode()
    match = re.search(r'^django_http_requests_total_by_method_total\{method="GET"\} (\S+)$', text, re.M)
    assert match, text[:2000]
    assert float(match.group(1)) == REQUESTS, "counters from every worker are summed"
    assert len(list(prom_dir.glob("counter_*.db"))) >= 1
