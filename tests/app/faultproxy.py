"""A TCP proxy that can freeze (accept, never answer) or go down (close everything, refuse).

Outages are simulated here, in the test process, never by stopping the shared PostgreSQL or
Redis: point an alias or the cache at ``proxy.port`` and flip ``proxy.mode``.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time

FORWARD, FROZEN, DOWN = "forward", "frozen", "down"


class FaultProxy:
    """Forwards 127.0.0.1:<port> to ``target_port`` until told to freeze or go down."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.mode = FORWARD
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def set(self, mode: str) -> None:
        self.mode = mode
        if mode == DOWN:
            self._reset_all()

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        self._reset_all()
        time.sleep(0.2)  # let the server notice the resets before test databases are dropped

    def _reset_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                # shutdown() wakes a pump blocked in recv(); close() alone would leave the
                # connection (and the server's session) alive until that recv returns.
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == DOWN:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
                continue
            if self.mode == FROZEN:  # a frozen server accepts and never answers; no upstream session
                with self._lock:
                    self._sockets.append(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                while self.mode == FROZEN:  # swallow the traffic: the peer waits for an answer
                    time.sleep(0.02)
                if self.mode == DOWN:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
