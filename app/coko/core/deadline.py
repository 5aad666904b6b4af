"""Client-side deadlines for blocking socket I/O (the database when it is frozen).

PostgreSQL's statement_timeout is enforced by the server, so it cannot help when the server
(or the network path to it) stops answering: a failover, a partition, a SIGSTOPped process.
TCP keepalives only notice a peer whose kernel is gone. psycopg has no per-query client
timeout, so one watchdog thread per process shuts down the socket of any call that overran
its deadline: the blocked call then fails at once with OperationalError ("server closed the
connection"), Django marks the connection unusable, and the request gets a 503.

The hot path costs a lock and a dict update; the thread wakes every TICK seconds.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger("coko.deadline")

TICK = 0.1


class Watchdog:
    """Shuts down sockets whose guarded call outlived its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, int]] = {}
        self._ids = itertools.count()
        self._pid = 0
        self.fired = 0
        # A fork (gunicorn, Celery prefork) copies the lock in whatever state the watchdog
        # thread left it, but not the thread: start the child from a clean slate.
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self._entries = {}
        self._pid = 0

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():  # first use, or first use after a fork (gunicorn workers)
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="coko-deadline", daemon=True).start()

    @contextmanager
    def guard(self, fileno: int, seconds: float | None) -> Iterator[None]:
        """Bound the I/O on ``fileno`` inside the block to ``seconds`` (None: unbounded)."""
        if not seconds or fileno < 0:
            yield
            return
        with self._lock:
            self._ensure_thread()
            token = next(self._ids)
            self._entries[token] = (time.monotonic() + seconds, fileno)
        try:
            yield
        finally:
            with self._lock:
                self._entries.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(TICK)
            now = time.monotonic()
            with self._lock:
                expired = [token for token, (deadline, _fd) in self._entries.items() if deadline <= now]
                for token in expired:
                    _deadline, fileno = self._entries.pop(token)
                    self._shutdown(fileno)

    def _shutdown(self, fileno: int) -> None:
        """Wake the blocked call: shut the socket down (the fd itself stays its owner's)."""
        self.fired += 1
        try:
            sock = socket.socket(fileno=os.dup(fileno))
        except OSError:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
            logger.warning("database call exceeded its deadline; connection shut down")
        except OSError:
            pass
        finally:
            sock.close()


watchdog = Watchdog()
