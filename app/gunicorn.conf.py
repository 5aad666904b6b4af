"""Gunicorn configuration for the web container (also used by the benchmark).

Liveness is also served apart from the request workers on GUNICORN_LIVENESS_BIND (default :8001, see
coko.core.liveness): point the container health check (bin/healthcheck) and ideally the ALB
target-group health check there, so requests stuck on a frozen dependency cannot starve it.

Prometheus multi-process mode: every worker writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR; the directory is emptied when the master starts and
a dead worker's live gauges are dropped in ``child_exit``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# gthread: a request stuck on a dependency holds one thread, not a whole worker, and clients
# (the ALB) keep their connections alive. Measured on the mixed benchmark: docs/app.md.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The seed's value. A worker whose main loop stops heartbeating for this long is replaced;
# requests themselves are bounded much earlier by the database and cache deadlines
# (docs/app.md "Time bounds"), so they no longer run into it.
timeout = 120
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
forwarded_allow_ips = "*"  # only the ALB can reach the task (security group)


liveness_bind = os.environ.get("GUNICORN_LIVENESS_BIND", "0.0.0.0:8001")


def on_starting(server: Any) -> None:
    """Open the liveness socket; start from an empty metrics directory (stale files would resurrect old counters)."""
    if liveness_bind:
        from coko.core.liveness import open_listener

        server.coko_liveness = open_listener(liveness_bind)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = Path(directory)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def post_worker_init(worker: Any) -> None:
    """Each worker answers liveness from its own thread, apart from the request threads."""
    from coko.core.liveness import serve_in_worker

    serve_in_worker()


def child_exit(server: Any, worker: Any) -> None:
    """Drop the dead worker's live-gauge files so /metrics stops reporting it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
