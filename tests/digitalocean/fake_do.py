"""A local HTTPS fake of the App Platform endpoints the ops commands use.

Response shapes follow DigitalOcean's API reference (github.com/digitalocean/openapi,
specification/resources/apps: apps_list, apps_get, apps_list_deployments, apps_get_deployment,
apps_create_rollback; error bodies ``{"id", "message"}``). pydo refuses bearer tokens over plain
HTTP, so the fake serves TLS with a throwaway self-signed certificate the tests trust.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "dop_v1_fake_token_for_tests"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (SAN), valid one day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fake-do.pem", directory / "fake-do.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def app_spec(name: str, digest: str) -> dict[str, Any]:
    image = {"registry_type": "DOCR", "repository": name, "digest": digest}
    return {
        "name": name,
        "region": "fra",
        "services": [
            {
                "name": "backend",
                "image": image,
                "instance_count": 3,
                "instance_size_slug": "apps-s-1vcpu-1gb",
                "http_port": 8000,
                "health_check": {"http_path": "/health/"},
            }
        ],
        "workers": [
            {"name": "worker", "image": image, "instance_count": 2, "instance_size_slug": "apps-s-1vcpu-1gb"},
            {"name": "scheduler", "image": image, "instance_count": 1, "instance_size_slug": "apps-s-1vcpu-0.5gb"},
        ],
        "jobs": [
            {
                "name": "migrate",
                "kind": "PRE_DEPLOY",
                "image": image,
                "run_command": " && ".join(
                    f"python manage.py migrate_alias {a}" for a in ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")
                ),
            }
        ],
    }


def deployment(dep_id: str, spec: dict[str, Any], phase: str, created: str, cause: str = "manual") -> dict[str, Any]:
    return {
        "id": dep_id,
        "spec": spec,
        "services": [{"name": "backend", "source_commit_hash": ""}],
        "phase_last_updated_at": created,
        "created_at": created,
        "updated_at": created,
        "cause": cause,
        "progress": {"success_steps": 6 if phase in ("ACTIVE", "SUPERSEDED") else 0, "total_steps": 6, "steps": []},
        "phase": phase,
        "tier_slug": "basic",
    }


@dataclass
class FakeDigitalOcean:
    """App Platform state: apps, their deployments (newest first), and how new deployments progress."""

    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    deployments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rollout_phases: list[str] = field(default_factory=lambda: ["PENDING_DEPLOY", "DEPLOYING", "ACTIVE"])
    max_per_page: int = 100
    requests: list[tuple[str, str]] = field(default_factory=list)
    _progress: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_app(self, app_id: str, name: str, history: list[tuple[str, str, str]]) -> None:
        """history: (deployment id, image digest, phase), newest first; the ACTIVE one is live."""
        deps = [deployment(d, app_spec(name, digest), phase, f"2026-11-{30 - i:02d}T10:00:00Z") for i, (d, digest, phase) in enumerate(history)]
        active = next((d for d in deps if d["phase"] == "ACTIVE"), None)
        app = {
            "id": app_id,
            "owner_uuid": "a4e16f25-cdd1-4483-b246-d77f283c9209",
            "spec": copy.deepcopy(active["spec"] if active else deps[0]["spec"]),
            "default_ingress": f"https://{name}-zyhgn.ondigitalocean.app",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-30T10:00:00Z",
            "live_url": f"https://{name}-zyhgn.ondigitalocean.app",
            "region": {"slug": "fra", "label": "Frankfurt", "flag": "germany", "continent": "Europe", "data_centers": ["fra1"]},
            "tier_slug": "basic",
        }
        if active:
            app["active_deployment"] = copy.deepcopy(active)
        self.apps[app_id] = app
        self.deployments[app_id] = deps

    # --- request handling ---------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append((method, path))
            if m := re.fullmatch(r"/v2/apps", path):
                return self._list(query)
            if m := re.fullmatch(r"/v2/apps/([^/]+)", path):
                app = self.apps.get(m.group(1))
                return (200, {"app": copy.deepcopy(app)}) if app else _not_found()
            if m := re.fullmatch(r"/v2/apps/([^/]+)/deployments", path):
                if m.group(1) not in self.apps:
                    return _not_found()
                deps = self.deployments[m.group(1)]
                return 200, {"deployments": copy.deepcopy(deps), "links": {"pages": {}}, "meta": {"total": len(deps)}}
            if m := re.fullmatch(r"/v2/apps/([^/]+)/deployments/([^/]+)", path):
                return self._get_deployment(m.group(1), m.group(2))
            if (m := re.fullmatch(r"/v2/apps/([^/]+)/rollback", path)) and method == "POST":
                return self._rollback(m.group(1), body or {})
        return _not_found()

    def _list(self, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        apps = sorted(self.apps.values(), key=lambda a: a["created_at"])
        per_page = min(int(query.get("per_page", ["20"])[0]), self.max_per_page)
        page = int(query.get("page", ["1"])[0])
        chunk = apps[(page - 1) * per_page : page * per_page]
        pages: dict[str, str] = {}
        if page * per_page < len(apps):
            pages = {
                "next": f"https://api.digitalocean.com/v2/apps?page={page + 1}&per_page={per_page}",
                "last": f"https://api.digitalocean.com/v2/apps?page={-(-len(apps) // per_page)}&per_page={per_page}",
            }
        return 200, {"apps": copy.deepcopy(chunk), "links": {"pages": pages}, "meta": {"total": len(apps)}}

    def _get_deployment(self, app_id: str, dep_id: str) -> tuple[int, dict[str, Any]]:
        dep = next((d for d in self.deployments.get(app_id, []) if d["id"] == dep_id), None)
        if dep is None:
            return _not_found()
        steps = self._progress.get(dep_id)
        if steps:
            dep["phase"] = steps.pop(0)
            if dep["phase"] == "ACTIVE":
                self._go_live(app_id, dep)
            elif dep["phase"] in ("ERROR", "CANCELED"):
                self.apps[app_id].pop("in_progress_deployment", None)
        return 200, {"deployment": copy.deepcopy(dep)}

    def _go_live(self, app_id: str, dep: dict[str, Any]) -> None:
        for other in self.deployments[app_id]:
            if other is not dep and other["phase"] == "ACTIVE":
                other["phase"] = "SUPERSEDED"
        app = self.apps[app_id]
        app["active_deployment"] = copy.deepcopy(dep)
        app["pinned_deployment"] = {"id": dep["id"]}
        app["spec"] = copy.deepcopy(dep["spec"])
        app.pop("in_progress_deployment", None)

    def _rollback(self, app_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if app_id not in self.apps:
            return _not_found()
        target = next((d for d in self.deployments[app_id] if d["id"] == body.get("deployment_id")), None)
        if target is None:
            return 422, {"id": "unprocessable_entity", "message": "deployment not found"}
        new_id = f"rb-{len(self.deployments[app_id]):04d}-{target['id']}"
        new = deployment(new_id, copy.deepcopy(target["spec"]), "PENDING_DEPLOY", "2026-12-01T10:00:00Z", cause=f"app rollback to {target['id']}")
        new["cloned_from"] = target["id"]
        self.deployments[app_id].insert(0, new)
        self.apps[app_id]["in_progress_deployment"] = copy.deepcopy(new)
        self._progress[new_id] = list(self.rollout_phases)
        return 200, {"deployment": copy.deepcopy(new)}


def _not_found() -> tuple[int, dict[str, Any]]:
    return 404, {"id": "not_found", "message": "The resource you were accessing could not be found."}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeDigitalOcean

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self, method: str) -> None:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"id": "unauthorized", "message": "Unable to authenticate you."})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null") if length else None
        url = urlparse(self.path)
        status, document = self.fake.handle(method, url.path, parse_qs(url.query), body)
        self._send(status, document)

    def _send(self, status: int, document: dict[str, Any]) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


def serve(fake: FakeDigitalOcean, cert: Path, key: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_address[1]}"
