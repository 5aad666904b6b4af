"""An HTTP proxy in front of moto that fails chosen AWS operations, the way AWS fails them.

Each `Fault` names an operation (``UpdateService``, ``DescribeTasks``, …, read from the JSON
protocol's ``X-Amz-Target`` header; only requests whose User-Agent says ``coko-cli`` count), which calls of it to hit (``after`` calls pass first, then
``times`` calls fail), and how: an HTTP status with an AWS error code in the body, and/or a
delay before answering (longer than the client's read timeout = a stalled endpoint). The CLI
reaches it through ``AWS_ENDPOINT_URL`` like any endpoint; product code has no test hooks.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class Fault:
    operation: str
    code: str | None = "AccessDeniedException"  # None: answer normally (after the delay)
    status: int = 400
    delay: float = 0.0
    times: int = 1
    after: int = 0  # calls of the operation that pass before this fault applies
    hits: int = 0


@dataclass
class FaultProxy:
    upstream: str
    faults: list[Fault] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, operation: str, **kwargs: object) -> Fault:
        fault = Fault(operation, **kwargs)  # type: ignore[arg-type]
        self.faults.append(fault)
        return fault

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.calls.clear()

    def decide(self, operation: str) -> Fault | None:
        with self.lock:
            self.calls[operation] += 1
            seen = self.calls[operation]
            for fault in self.faults:
                if fault.operation == operation and seen > fault.after and fault.hits < fault.times:
                    fault.hits += 1
                    return fault
        return None


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    upstream = urlsplit(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = self.headers.get("X-Amz-Target", "")
            operation = target.rsplit(".", 1)[-1] if target else self.command + " " + self.path
            # Only the CLI's calls are counted and failed, not the test's own set-up and checks.
            fault = proxy.decide(operation) if "coko-cli" in self.headers.get("User-Agent", "") else None
            if fault and fault.delay:
                time.sleep(fault.delay)
            if fault and fault.code:
                payload = json.dumps({"__type": fault.code, "message": f"injected {fault.code}"}).encode()
                self._answer(fault.status, {"x-amzn-errortype": fault.code, "content-type": "application/x-amz-json-1.1"}, payload)
                return
            conn = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            self._answer(response.status, {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}, data)

        def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (read timeout): nothing to answer
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    return Handler


def start(upstream: str) -> tuple[FaultProxy, ThreadingHTTPServer, str]:
    proxy = FaultProxy(upstream)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True).start()
    return proxy, server, f"http://127.0.0.1:{server.server_address[1]}"
