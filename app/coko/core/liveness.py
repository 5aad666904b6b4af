"""Liveness served apart from the request workers (standard library only, no Django).

If every request thread waits on a frozen dependency, a /health/ request queued behind them
would time out and ECS would restart a task that is merely waiting: the restart loop liveness
exists to avoid. So gunicorn's master opens one extra listening socket (GUNICORN_LIVENESS_BIND,
default :8001) and each worker answers it from a dedicated daemon thread that never touches
Django, the database or the cache. It proves what liveness should prove: the worker process
runs and its interpreter is not wedged. Stuck requests are bounded elsewhere (database and
cache deadlines) and gunicorn itself replaces a worker that stops heartbeating.
"""

from __future__ import annotations

import os
import socket
import threading

FD_ENV = "COKO_LIVENESS_FD"
OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\nConnection: close\r\n\r\n{"status": "ok"}'
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
PATHS = (b"/health/", b"/health")


def open_listener(bind: str) -> socket.socket:
    """Master side: listen on ``host:port`` and publish the fd for the workers (inherited at fork)."""
    host, _, port = bind.rpartition(":")
    listener = socket.create_server((host or "0.0.0.0", int(port)), reuse_port=False, backlog=64)
    listener.set_inheritable(True)
    os.environ[FD_ENV] = str(listener.fileno())
    return listener


def _answer(conn: socket.socket) -> None:
    with conn:
        conn.settimeout(1.0)
        try:
            request_line = conn.recv(1024).split(b"\r\n", 1)[0].split(b" ")
            ok = len(request_line) >= 2 and request_line[0] in (b"GET", b"HEAD") and request_line[1] in PATHS
            response = OK if ok else NOT_FOUND
            conn.sendall(response.split(b"\r\n\r\n")[0] + b"\r\n\r\n" if request_line[0] == b"HEAD" else response)
        except OSError:
            pass


def _serve(listener: socket.socket) -> None:
    while True:
        try:
            conn, _addr = listener.accept()
        except OSError:
            return
        _answer(conn)


def serve_in_worker() -> bool:
    """Worker side: answer the inherited listener from a daemon thread; False when there is none."""
    fd = os.environ.get(FD_ENV)
    if not fd:
        return False
    listener = socket.socket(fileno=os.dup(int(fd)))
    threading.Thread(target=_serve, args=(listener,), name="coko-liveness", daemon=True).start()
    return True
