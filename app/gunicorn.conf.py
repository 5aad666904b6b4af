"""Gunicorn configuration for the web container (also used by the benchmark).

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
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 120
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
forwarded_allow_ips = "*"  # only the ALB can reach the task (security group)


def on_starting(server: Any) -> None:
    """Start from an empty metrics directory: stale files would resurrect old counters."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = Path(directory)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Drop the dead worker's live-gauge files so /metrics stops reporting it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
