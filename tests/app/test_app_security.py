"""Sign-in lockout, migrate without --database, and TLS that verifies (PostgreSQL and Redis)."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from coko.env_contract import sample_environment
from coko.settings.base import redis_cache
from coko.settings.databases import RDS_CA_BUNDLE, TLS_LOCAL_ONLY_UNVERIFIED
from conftest import APP_DIR, run_manage
from django.contrib.auth import get_user_model
from django.test import Client
from django_redis.pool import ConnectionFactory
from test_app_production_settings import load

LOGIN = "/api/auth/login/"


def _attempt(client: Client, username: str, password: str, ip: str) -> int:
    body = json.dumps({"username": username, "password": password})
    return client.post(LOGIN, body, content_type="application/json", HTTP_X_FORWARDED_FOR=f"{ip}, 130.176.0.1").status_code


@pytest.mark.django_db(databases="__all__")
def test_sign_in_locks_out_per_username_across_ips(client: Client) -> None:
    get_user_model().objects.create_user("aminata", password="lire-en-paix-2025")
    codes = [_attempt(client, "aminata", f"wrong-{n}", f"196.200.1.{n}") for n in range(5)]
    assert codes == [400, 400, 400, 400, 429], "the fifth failure (AXES_FAILURE_LIMIT) locks the account"
    # Even the right password is refused during the cool-off, from yet another address.
    assert _attempt(client, "aminata", "lire-en-paix-2025", "196.200.9.9") == 429


@pytest.mark.django_db(databases="__all__")
def test_sign_in_locks_out_per_ip_across_usernames(client: Client) -> None:
    codes = [_attempt(client, f"reader{n}", "wrong", "41.82.0.7") for n in range(5)]
    assert codes == [400, 400, 400, 400, 429], codes
    response = client.post(
        LOGIN, json.dumps({"username": "x", "password": "y"}), content_type="application/json", HTTP_X_FORWARDED_FOR="41.82.0.7, 130.176.0.1"
    )
    assert response.json()["code"] == "login_locked"
    assert _attempt(client, "reader1", "wrong", "41.82.0.8") == 400, "another viewer is not affected"


@pytest.mark.django_db(databases="__all__")
def test_admin_sign_in_is_locked_out_too(client: Client) -> None:
    get_user_model().objects.create_superuser("root", password="lire-en-paix-2025")
    for n in range(5):
        client.post("/admin/login/", {"username": "root", "password": f"bad{n}"}, HTTP_X_FORWARDED_FOR="105.0.0.1, 130.176.0.1")
    locked = client.post("/admin/login/", {"username": "root", "password": "lire-en-paix-2025"}, HTTP_X_FORWARDED_FOR="105.0.0.2, 130.176.0.1")
    assert locked.status_code == 429 and locked.json()["code"] == "login_locked"


def test_plain_migrate_refuses_and_points_to_migrate_alias() -> None:
    env = {"DJANGO_SETTINGS_MODULE": "coko.settings.test", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    result = run_manage(["migrate", "--noinput"], env)
    assert result.returncode == 1
    assert "migrate_alias" in result.stderr and "Traceback" not in result.stderr
    for alias in ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db"):
        assert alias in result.stderr


def test_production_verifies_the_database_certificate_against_the_shipped_rds_bundle() -> None:
    options = load(sample_environment())["db_options"]
    assert options["sslmode"] == "verify-full"
    assert Path(options["sslrootcert"]) == RDS_CA_BUNDLE
    subjects = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile", str(RDS_CA_BUNDLE)], capture_output=True, check=True).stdout
    listed = subprocess.run(["openssl", "pkcs7", "-print_certs", "-noout"], input=subjects, capture_output=True, check=True).stdout.decode()
    for region in ("eu-west-3", "af-south-1"):
        assert f"Amazon RDS {region} Root CA RSA2048 G1" in listed, f"the bundle must cover {region}"


def test_production_settings_never_use_the_local_only_tls_mode() -> None:
    sources = [p for p in (APP_DIR / "coko" / "settings").glob("*.py") if p.name not in {"local.py", "test.py", "databases.py"}]
    for path in sources:
        text = path.read_text()
        assert "TLS_LOCAL_ONLY_UNVERIFIED" not in text and TLS_LOCAL_ONLY_UNVERIFIED not in text, path.name
        assert "sslmode" not in text or path.name == "databases.py"


def test_verify_full_refuses_a_server_that_cannot_prove_its_identity() -> None:
    """The local server offers no RDS certificate: production's options must not connect (no silent plaintext)."""
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            host="127.0.0.1", port=5432, user="postgres", dbname="postgres", sslmode="verify-full", sslrootcert=str(RDS_CA_BUNDLE), connect_timeout=3
        )


@pytest.fixture
def self_signed_tls_server(tmp_path: Path) -> Iterator[int]:
    """A TLS listener with a self-signed certificate, as an impostor Redis would present."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield port
    listener.close()


def test_redis_tls_refuses_a_certificate_it_cannot_verify(self_signed_tls_server: int) -> None:
    config = redis_cache(f"rediss://127.0.0.1:{self_signed_tls_server}/0")
    pool = config["OPTIONS"]["CONNECTION_POOL_KWARGS"]
    assert pool["ssl_cert_reqs"] == "required" and pool["ssl_check_hostname"] is True
    factory = ConnectionFactory(config["OPTIONS"])
    client = factory.connect(config["LOCATION"])
    with pytest.raises(Exception, match="certificate verify failed"):
        client.ping()
