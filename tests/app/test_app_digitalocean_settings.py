"""Production settings off AWS (DigitalOcean): the cluster's CA, one CDN domain per bucket, a Spaces key, SMTP mail.

The same settings module runs on both clouds; these are the values the DigitalOcean stack passes
(stacks/digitalocean.py) and what the app does with them. The AWS defaults are asserted in
test_app_production_settings.py.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import ssl
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_manage
from test_app_production_settings import contract_env

SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104
REACHED = "fake PostgreSQL reached over verified TLS"

CONNECT = """
import json, django
django.setup()
from django.db import connections
try:
    connections["catalog_db"].ensure_connection()
    print(json.dumps({"error": None}))
except Exception as exc:
    print(json.dumps({"error": str(exc)}))
"""

DO_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import get_connection
media = storages["default"]  # (the static storage reads its manifest from the bucket when built: not here)
static = settings.STORAGES["staticfiles"]["OPTIONS"]
mail = get_connection()
print(json.dumps({
    "static_url": settings.STATIC_URL,
    "media_url": settings.MEDIA_URL,
    "media_file_url": media.url("covers/kirikou.jpg"),
    "static_domain": static["custom_domain"],
    "endpoints": [media.endpoint_url, settings.AWS_S3_ENDPOINT_URL],
    "keys": [media.access_key, media.secret_key, settings.AWS_S3_ACCESS_KEY_ID],
    "mail": [type(mail).__module__ + "." + type(mail).__name__, mail.host, mail.port, mail.use_tls, mail.use_ssl,
             mail.username, bool(mail.password), mail.timeout],
}))
"""


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def cluster_ca(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA (like a DigitalOcean cluster's 'Project CA') and a server certificate for localhost it signed."""
    d = tmp_path_factory.mktemp("cluster-ca")
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(d / "ca.key"),
        "-out",
        str(d / "ca.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=coko-staging-pg Project CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    )
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"), "-subj", "/CN=localhost")
    (d / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        str(d / "server.csr"),
        "-CA",
        str(d / "ca.pem"),
        "-CAkey",
        str(d / "ca.key"),
        "-CAcreateserial",
        "-out",
        str(d / "server.pem"),
        "-days",
        "2",
        "-extfile",
        str(d / "san.ext"),
    )
    return {"ca": d / "ca.pem", "cert": d / "server.pem", "key": d / "server.key"}


def _read(conn: socket.socket | ssl.SSLSocket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


@pytest.fixture
def tls_postgres(cluster_ca: dict[str, Path]) -> Iterator[int]:
    """Speaks PostgreSQL's TLS negotiation (SSLRequest -> 'S' -> handshake) with the CA-signed certificate,
    then refuses the startup message with a FATAL error the client reports: reaching that error means
    the client verified the certificate and host name."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cluster_ca["cert"], cluster_ca["key"])
    fields = b"SFATAL\0VFATAL\0C28000\0M" + REACHED.encode() + b"\0\0"

    def session(conn: socket.socket) -> None:
        length, code = struct.unpack("!ii", _read(conn, 8))
        if code == GSSENC_REQUEST:  # no GSSAPI encryption here; the client goes on with SSLRequest
            conn.sendall(b"N")
            length, code = struct.unpack("!ii", _read(conn, 8))
        if (length, code) != (8, SSL_REQUEST):
            return
        conn.sendall(b"S")
        with context.wrap_socket(conn, server_side=True) as tls:
            (size,) = struct.unpack("!i", _read(tls, 4))
            _read(tls, size - 4)  # the startup message
            tls.sendall(b"E" + struct.pack("!i", 4 + len(fields)) + fields)

    class Session(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            # A client that refused our certificate hangs up mid-handshake.
            with contextlib.suppress(OSError, ssl.SSLError, ConnectionError, struct.error):
                session(self.request)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def do_env(**overrides: str) -> dict[str, str]:
    """What the staging stack passes (stacks/digitalocean.py), with placeholder secrets."""
    values = dict(
        DEPLOYMENT_REGION="fra1",
        ENVIRONMENT="staging",
        AWS_S3_REGION_NAME="fra1",
        AWS_S3_CUSTOM_DOMAIN="coko-staging-static.fra1.cdn.digitaloceanspaces.com",
        AWS_S3_STATIC_DOMAIN="coko-staging-static.fra1.cdn.digitaloceanspaces.com",
        AWS_S3_MEDIA_DOMAIN="coko-staging-media.fra1.cdn.digitaloceanspaces.com",
        AWS_S3_ENDPOINT_URL="https://fra1.digitaloceanspaces.com",
        AWS_ACCESS_KEY_ID="DO00SPACESKEYID",
        AWS_SECRET_ACCESS_KEY="spaces-secret",
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="email-smtp.eu-west-1.amazonaws.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="AKIASMTPUSER",
        EMAIL_HOST_PASSWORD="smtp-password",
    )
    return contract_env(**{**values, **overrides})


def _connect(env: dict[str, str]) -> str:
    result = run_manage(["shell", "-c", CONNECT], env)
    assert result.returncode == 0, result.stderr
    error = json.loads(result.stdout.strip().splitlines()[-1])["error"]
    assert error, "the fake server never accepts a login"
    return str(error)


def test_the_clusters_ca_verifies_its_server_where_the_rds_bundle_refuses_it(tls_postgres: int, cluster_ca: dict[str, Path], tmp_path: Path) -> None:
    server = {"POSTGRES_HOST": "localhost", "POSTGRES_PORT": str(tls_postgres), "TMPDIR": str(tmp_path)}
    # Without the cluster's CA (the app before this change, on DigitalOcean): verify-full against RDS fails.
    refused = _connect(contract_env(**server))
    assert REACHED not in refused and "certificate verify failed" in refused
    # With it, as App Platform passes it (PEM text in an environment variable): TLS verified, host name checked.
    pem = cluster_ca["ca"].read_text()
    assert REACHED in _connect(do_env(POSTGRES_CA_CERT=pem, **server))
    # A one-line value with literal \n (pasted into a console field) works the same.
    assert REACHED in _connect(do_env(POSTGRES_CA_CERT=pem.replace("\n", "\\n"), **server))
    (written,) = tmp_path.glob("coko-postgres-ca-*.pem")
    assert written.read_text().strip() == pem.strip()


def test_the_clusters_ca_still_checks_the_host_name(tls_postgres: int, cluster_ca: dict[str, Path], tmp_path: Path) -> None:
    env = do_env(POSTGRES_HOST="127.0.0.1", POSTGRES_PORT=str(tls_postgres), POSTGRES_CA_CERT=cluster_ca["ca"].read_text(), TMPDIR=str(tmp_path))
    refused = _connect(env)  # the certificate names localhost, not 127.0.0.1: verify-full, not verify-ca
    assert REACHED not in refused and "127.0.0.1" in refused


def test_a_value_that_is_not_a_pem_certificate_is_refused_at_start() -> None:
    for value in ("not a certificate", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----"):
        result = run_manage(["check"], do_env(POSTGRES_CA_CERT=value))
        assert result.returncode != 0
        assert "ImproperlyConfigured: POSTGRES_CA_CERT is not a PEM CA certificate" in result.stderr.strip().splitlines()[-1]


def test_static_and_media_urls_use_each_buckets_cdn_endpoint_and_the_spaces_key() -> None:
    result = run_manage(["shell", "-c", DO_PROBE], do_env())
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["static_url"] == "https://coko-staging-static.fra1.cdn.digitaloceanspaces.com/static/"
    assert s["media_url"] == "https://coko-staging-media.fra1.cdn.digitaloceanspaces.com/media/"
    assert s["media_file_url"] == "https://coko-staging-media.fra1.cdn.digitaloceanspaces.com/media/covers/kirikou.jpg"
    assert s["static_domain"] == "coko-staging-static.fra1.cdn.digitaloceanspaces.com"
    assert s["endpoints"] == ["https://fra1.digitaloceanspaces.com"] * 2
    assert s["keys"] == ["DO00SPACESKEYID", "spaces-secret", "DO00SPACESKEYID"]


def test_smtp_sends_over_starttls_with_the_configured_login() -> None:
    result = run_manage(["shell", "-c", DO_PROBE], do_env())
    assert result.returncode == 0, result.stderr
    mail = json.loads(result.stdout.strip().splitlines()[-1])["mail"]
    backend, host, port, use_tls, use_ssl, user, has_password, timeout = mail
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, use_tls, use_ssl) == ("email-smtp.eu-west-1.amazonaws.com", 587, True, False)
    assert (user, has_password) == ("AKIASMTPUSER", True)
    assert 0 < timeout <= 30, "a frozen SMTP server must not hold a request or a worker forever"


@pytest.mark.parametrize("port", ["465", "2465"])
def test_smtps_ports_use_implicit_tls(port: str) -> None:
    result = run_manage(["shell", "-c", DO_PROBE], do_env(EMAIL_PORT=port))
    assert result.returncode == 0, result.stderr
    _, _, got, use_tls, use_ssl, *_ = json.loads(result.stdout.strip().splitlines()[-1])["mail"]
    assert (got, use_tls, use_ssl) == (int(port), False, True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"EMAIL_HOST_PASSWORD": ""}, "EMAIL_BACKEND=smtp needs EMAIL_HOST_PASSWORD"),
        ({"EMAIL_HOST": "", "EMAIL_HOST_USER": ""}, "EMAIL_BACKEND=smtp needs EMAIL_HOST, EMAIL_HOST_USER"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a TCP port, got 'smtp'"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, 'EMAIL_BACKEND must be "ses" or "smtp"'),
        ({"AWS_SECRET_ACCESS_KEY": ""}, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY come together"),
    ],
)
def test_an_incomplete_do_configuration_is_refused_with_the_names_to_fix(overrides: dict[str, str], message: str) -> None:
    result = run_manage(["check"], do_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]
