"""A local HTTP proxy in front of moto that can take a whole AWS region down.

Every request the CLI sends goes through it (AWS_ENDPOINT_URL points here). It reads the
region from the SigV4 credential scope — what AWS itself routes and authorises by — records
(region, operation) for every request, and while ``down`` is set answers 503 for that region
instead of forwarding. ``fail_once`` makes one named operation fail with AccessDenied, to
interrupt a failover halfway the way a missing IAM permission would (``fail_once_for``: only the
first request of that operation whose body names a given resource).
"""

from __future__ import annotations

import http.client
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/")
_ACTION = re.compile(rb"(?:^|&)Action=(?P<action>[A-Za-z]+)")


@dataclass
class Call:
    region: str
    service: str
    operation: str
    refused: bool  # the region was down: answered 503
    injected: bool = False  # a fail_once / fail_once_for refusal: answered AccessDenied, never reached moto


@dataclass
class RegionOutage:
    """The proxy's switches and what it saw."""

    upstream: str
    down: str | None = None
    fail_once: set[str] = field(default_factory=set)
    # (operation, bytes the request body must contain): fail the first such request only, e.g. an
    # UpdateService of one particular service (an IAM policy scoped to the other services' ARNs).
    fail_once_for: set[tuple[str, bytes]] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def calls_to(self, region: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.region == region]

    def operations(self, name: str) -> list[Call]:
        """The requests of that operation that reached moto (neither the outage's 503 nor an injected refusal)."""
        with self.lock:
            return [c for c in self.calls if c.operation == name and not c.refused and not c.injected]


def operation_of(method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """The API operation, whatever the protocol (json target, query Action, rpc-v2 path, REST)."""
    target = headers.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    if "/operation/" in path:
        return path.rsplit("/operation/", 1)[-1].split("?")[0]
    match = _ACTION.search(body)
    if match:
        return match.group("action").decode()
    return f"{method} {urlsplit(path).path}"


def start(outage: RegionOutage) -> tuple[ThreadingHTTPServer, str]:
    upstream = urlsplit(outage.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _handle(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            scope = _SCOPE.search(headers.get("authorization", ""))
            region, service = (scope.group("region"), scope.group("service")) if scope else ("unsigned", "unknown")
            operation = operation_of(self.command, self.path, headers, body)
            refused = region == outage.down
            injected = False
            with outage.lock:
                if not refused and operation in outage.fail_once:
                    outage.fail_once.discard(operation)
                    injected = True
                matching = [f for f in outage.fail_once_for if not refused and f[0] == operation and f[1] in body]
                if matching and not injected:
                    outage.fail_once_for.discard(matching[0])
                    injected = True
                outage.calls.append(Call(region, service, operation, refused, injected))
            if refused:
                self._reply(503, b'{"message": "Service Unavailable (simulated regional outage)"}', "application/json")
                return
            if injected:
                self._reply(400, b'{"__type": "AccessDeniedException", "message": "simulated: not authorized"}', "application/x-amz-json-1.1")
                return
            connection = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=60)
            forwarded = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            connection.request(self.command, self.path, body=body, headers=forwarded)
            response = connection.getresponse()
            data = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            connection.close()

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
