"""Production settings off AWS (DigitalOcean): the cluster's CA, static files public-read behind the CDN,
media private behind presigned links, a Spaces key, SMTP mail.

The same settings module runs on both clouds; these are the values the DigitalOcean stack passes
(stacks/digitalocean.py) and what the app does with them. The AWS defaults are asserted in
test_app_production_settings.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import socket
import socketserver
import ssl
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import boto3
import pytest
from coko.env_contract import sample_environment
from conftest import run_manage
from moto.server import ThreadedMotoServer

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

STORAGE_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
media = storages["default"]  # (the static storage reads its manifest from the bucket when built: not here)
static = settings.STORAGES["staticfiles"]["OPTIONS"]
print(json.dumps({
    "static_url": settings.STATIC_URL,
    "media_url": settings.MEDIA_URL,
    "media_file_url": media.url("covers/kirikou.jpg"),
    "static_domain": static["custom_domain"],
    "static_acl": static.get("default_acl"),
    "media_acl": media.default_acl,
    "endpoints": [media.endpoint_url, getattr(settings, "AWS_S3_ENDPOINT_URL", None)],
    "keys": [media.access_key, media.secret_key, getattr(settings, "AWS_S3_ACCESS_KEY_ID", None)],
}))
"""

MAIL_PROBE = """
import json, django
django.setup()
from django.core.mail import get_connection
mail = get_connection()
print(json.dumps([type(mail).__module__ + "." + type(mail).__name__, mail.host, mail.port, mail.use_tls, mail.use_ssl,
                  mail.username, bool(mail.password), mail.timeout]))
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
        AWS_STORAGE_BUCKET_NAME="coko-staging-media",
        AWS_STATIC_BUCKET_NAME="coko-staging-static",
        AWS_S3_STATIC_DOMAIN="coko-staging-static.fra1.cdn.digitaloceanspaces.com",
        STATIC_OBJECT_ACL="public-read",
        MEDIA_PRESIGNED_URL_SECONDS="3600",
        AWS_S3_ENDPOINT_URL="https://fra1.digitaloceanspaces.com",
        AWS_ACCESS_KEY_ID="DO00SPACESKEYID",
        AWS_SECRET_ACCESS_KEY="spaces-secret",
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="email-smtp.eu-west-1.amazonaws.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="AKIASMTPUSER",
        EMAIL_HOST_PASSWORD="smtp-password",
    )
    return sample_environment(**{**values, **overrides})


def _connect(env: dict[str, str]) -> str:
    result = run_manage(["shell", "-c", CONNECT], env)
    assert result.returncode == 0, result.stderr
    error = json.loads(result.stdout.strip().splitlines()[-1])["error"]
    assert error, "the fake server never accepts a login"
    return str(error)


def sigv4_valid(url: str, secret: str) -> bool:
    """Whether a presigned GET URL carries a valid SigV4 query signature for ``secret``, computed as the
    storage service does (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html):
    it covers the host, the path and every parameter, so the link works only on the host it names."""
    link = urlsplit(url)
    pairs = parse_qsl(link.query, keep_blank_values=True)
    params = dict(pairs)
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs) if k != "X-Amz-Signature")
    canonical = "\n".join(["GET", link.path, query, f"host:{link.netloc}", "", "host", "UNSIGNED-PAYLOAD"])
    scope = params["X-Amz-Credential"].split("/", 1)[1]
    to_sign = "\n".join(["AWS4-HMAC-SHA256", params["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), params["X-Amz-Signature"])


def test_the_clusters_ca_verifies_its_server_where_the_rds_bundle_refuses_it(tls_postgres: int, cluster_ca: dict[str, Path], tmp_path: Path) -> None:
    server = {"POSTGRES_HOST": "localhost", "POSTGRES_PORT": str(tls_postgres), "TMPDIR": str(tmp_path)}
    # Without the cluster's CA (the app before this change, on DigitalOcean): verify-full against RDS fails.
    refused = _connect(sample_environment(**server))
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


def _probe(env: dict[str, str]) -> dict[str, Any]:
    result = run_manage(["shell", "-c", STORAGE_PROBE], env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_static_files_are_public_read_on_the_cdn_and_media_links_presigned_on_the_bucket() -> None:
    s = _probe(do_env())
    # Static files: uploaded public-read (the only objects the Spaces CDN serves), linked on the CDN.
    assert s["static_url"] == "https://coko-staging-static.fra1.cdn.digitaloceanspaces.com/static/"
    assert s["static_domain"] == "coko-staging-static.fra1.cdn.digitaloceanspaces.com"
    assert s["static_acl"] == "public-read"
    # Media: private objects (no ACL sent), each link signed with the Spaces key on the bucket's own host.
    assert s["media_acl"] is None
    link = urlsplit(s["media_file_url"])
    query = dict(parse_qsl(link.query))
    assert (link.scheme, link.netloc, link.path) == ("https", "coko-staging-media.fra1.digitaloceanspaces.com", "/media/covers/kirikou.jpg")
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" and query["X-Amz-Expires"] == "3600"
    assert query["X-Amz-Credential"].startswith("DO00SPACESKEYID/") and query["X-Amz-Credential"].endswith("/fra1/s3/aws4_request")
    assert sigv4_valid(s["media_file_url"], "spaces-secret") and not sigv4_valid(s["media_file_url"], "another-secret")
    assert s["media_url"] == "https://coko-staging-media.fra1.digitaloceanspaces.com/media/"
    assert s["endpoints"] == ["https://fra1.digitaloceanspaces.com"] * 2
    assert s["keys"] == ["DO00SPACESKEYID", "spaces-secret", "DO00SPACESKEYID"]


def test_the_media_link_lifetime_is_the_configured_one() -> None:
    link = _probe(do_env(MEDIA_PRESIGNED_URL_SECONDS="600"))["media_file_url"]
    assert dict(parse_qsl(urlsplit(link).query))["X-Amz-Expires"] == "600"


def test_without_the_two_variables_links_stay_unsigned_and_uploads_send_no_acl() -> None:
    """What AWS runs (CloudFront reads the private objects through origin access control)."""
    s = _probe(sample_environment())
    assert s["static_acl"] is None and s["media_acl"] is None
    assert s["media_file_url"] == "https://d111.cloudfront.net/media/covers/kirikou.jpg"
    assert s["static_url"] == "https://d111.cloudfront.net/static/"


def test_smtp_sends_over_starttls_with_the_configured_login() -> None:
    result = run_manage(["shell", "-c", MAIL_PROBE], do_env())
    assert result.returncode == 0, result.stderr
    mail = json.loads(result.stdout.strip().splitlines()[-1])
    backend, host, port, use_tls, use_ssl, user, has_password, timeout = mail
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (host, port, use_tls, use_ssl) == ("email-smtp.eu-west-1.amazonaws.com", 587, True, False)
    assert (user, has_password) == ("AKIASMTPUSER", True)
    assert 0 < timeout <= 30, "a frozen SMTP server must not hold a request or a worker forever"


@pytest.mark.parametrize("port", ["465", "2465"])
def test_smtps_ports_use_implicit_tls(port: str) -> None:
    result = run_manage(["shell", "-c", MAIL_PROBE], do_env(EMAIL_PORT=port))
    assert result.returncode == 0, result.stderr
    _, _, got, use_tls, use_ssl, *_ = json.loads(result.stdout.strip().splitlines()[-1])
    assert (got, use_tls, use_ssl) == (int(port), False, True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"EMAIL_HOST_PASSWORD": ""}, "EMAIL_BACKEND=smtp needs EMAIL_HOST_PASSWORD"),
        ({"EMAIL_HOST": "", "EMAIL_HOST_USER": ""}, "EMAIL_BACKEND=smtp needs EMAIL_HOST, EMAIL_HOST_USER"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a TCP port, got 'smtp'"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, 'EMAIL_BACKEND must be "ses" or "smtp"'),
        ({"AWS_SECRET_ACCESS_KEY": ""}, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY come together"),
        ({"STATIC_OBJECT_ACL": "public-read-write"}, 'STATIC_OBJECT_ACL must be "private" or "public-read", got \'public-read-write\''),
        ({"MEDIA_PRESIGNED_URL_SECONDS": "0"}, "MEDIA_PRESIGNED_URL_SECONDS must be a number of seconds in [1, 604800], got '0'"),
        ({"MEDIA_PRESIGNED_URL_SECONDS": "604801"}, "MEDIA_PRESIGNED_URL_SECONDS must be a number of seconds in [1, 604800]"),
        ({"MEDIA_PRESIGNED_URL_SECONDS": "1h"}, "MEDIA_PRESIGNED_URL_SECONDS must be a number of seconds in [1, 604800], got '1h'"),
        (
            {"AWS_S3_MEDIA_DOMAIN": "coko-staging-media.fra1.cdn.digitaloceanspaces.com"},
            "MEDIA_PRESIGNED_URL_SECONDS and AWS_S3_MEDIA_DOMAIN exclude each other",
        ),
    ],
)
def test_an_incomplete_do_configuration_is_refused_with_the_names_to_fix(overrides: dict[str, str], message: str) -> None:
    result = run_manage(["check"], do_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]


# --- Against a local S3 (moto): what an anonymous reader (the Spaces CDN's fetch, a browser) gets ---

UPLOAD_MEDIA = """
import json, django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.templatetags.static import static
media = storages["default"]
name = media.save("covers/kirikou.txt", ContentFile(b"Kirikou et la sorciere"))
print(json.dumps({"media": media.url(name), "static": static("admin/css/base.css")}))
"""

SAVE_STATIC = """
import json, django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import storages
print(json.dumps(storages["staticfiles"].save(NAME, ContentFile(b"body{}"))))
"""

#: *.localhost resolves to this machine in the app's process only: the stand-in for the DNS of
#: <bucket>.<datacenter>.digitaloceanspaces.com, the virtual-hosted names the app links.
RESOLVER = """
import socket
_getaddrinfo = socket.getaddrinfo
def _local(host, *args, **kwargs):
    return _getaddrinfo("127.0.0.1" if isinstance(host, str) and host.endswith(".localhost") else host, *args, **kwargs)
socket.getaddrinfo = _local
"""
BUCKETS = ("coko-staging-static", "coko-staging-media")


@pytest.fixture(scope="module")
def fake_spaces(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A local S3 server (moto) with the two staging buckets; it enforces object ACLs on anonymous reads."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    admin = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="fra1", aws_access_key_id="admin", aws_secret_access_key="admin")
    for bucket in BUCKETS:
        admin.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "fra1"})
    shim = tmp_path_factory.mktemp("resolver")
    (shim / "sitecustomize.py").write_text(RESOLVER)
    yield {"port": port, "admin": admin, "env": {"AWS_S3_ENDPOINT_URL": f"http://localhost:{port}", "PYTHONPATH": str(shim)}}
    server.stop()


def _anonymous_get(port: int, url: str) -> tuple[int, bytes]:
    """GET ``url`` without credentials from the fake server (whatever host the URL names)."""
    link = urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", link.path + (f"?{link.query}" if link.query else ""), headers={"Host": link.netloc})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _save_static(env: dict[str, str], name: str) -> str:
    """Upload one file through the static storage (any upload, not only collectstatic's); its key."""
    result = run_manage(["shell", "-c", SAVE_STATIC.replace("NAME", repr(name))], env)
    assert result.returncode == 0, result.stderr
    return "static/" + str(json.loads(result.stdout.strip().splitlines()[-1]))


def _public(admin: Any, bucket: str, key: str) -> bool:
    grants = admin.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    return any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") and g["Permission"] == "READ" for g in grants)


def test_collectstatic_uploads_public_read_files_and_media_links_are_presigned(fake_spaces: dict[str, Any]) -> None:
    port, admin = fake_spaces["port"], fake_spaces["admin"]
    env = do_env(**fake_spaces["env"])
    collected = run_manage(["collectstatic", "--noinput"], env, timeout=300)
    assert collected.returncode == 0, collected.stderr
    keys = [o["Key"] for page in admin.get_paginator("list_objects_v2").paginate(Bucket="coko-staging-static") for o in page.get("Contents", [])]
    assert len(keys) > 100 and all(k.startswith("static/") for k in keys)
    assert [k for k in keys if not _public(admin, "coko-staging-static", k)] == [], "every static object must be public-read"

    result = run_manage(["shell", "-c", UPLOAD_MEDIA], env)
    assert result.returncode == 0, result.stderr
    urls = json.loads(result.stdout.strip().splitlines()[-1])
    # The page links static files on the CDN by their hashed name; the CDN fetches them from the bucket
    # anonymously, which the public-read ACL allows.
    static = urlsplit(urls["static"])
    assert static.netloc == "coko-staging-static.fra1.cdn.digitaloceanspaces.com" and static.path.startswith("/static/admin/css/base.")
    assert _anonymous_get(port, f"http://coko-staging-static.localhost:{port}{static.path}")[0] == 200
    assert _public(admin, "coko-staging-static", _save_static(env, "coko/late.css"))

    # Media: a private object; the link is presigned on the bucket's own host and signed with the app's key.
    media = urlsplit(urls["media"])
    assert media.netloc == f"coko-staging-media.localhost:{port}" and media.path == "/media/covers/kirikou.txt"
    assert not _public(admin, "coko-staging-media", "media/covers/kirikou.txt")
    assert sigv4_valid(urls["media"], "spaces-secret")
    assert _anonymous_get(port, urls["media"]) == (200, b"Kirikou et la sorciere")
    unsigned = urls["media"].split("?", 1)[0]
    assert _anonymous_get(port, unsigned)[0] == 403, "without the signature a private upload is refused"


def test_without_the_acl_setting_a_static_upload_stays_private_as_on_aws(fake_spaces: dict[str, Any]) -> None:
    """The AWS behaviour (no ACL sent): on Spaces these files would answer 403 through the CDN."""
    key = _save_static(do_env(STATIC_OBJECT_ACL="", **fake_spaces["env"]), "coko/private.css")
    assert not _public(fake_spaces["admin"], "coko-staging-static", key)
    port = fake_spaces["port"]
    assert _anonymous_get(port, f"http://coko-staging-static.localhost:{port}/{key}")[0] == 403
