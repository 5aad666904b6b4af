"""`coko status | releases | rollback | migrate --stack staging` through pydo against a local fake of DO's API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coko_cli.main import app

from .fake_do import TOKEN, FakeDigitalOcean, self_signed, serve

APP_ID = "c2a93513-8d9b-4223-9d61-5e7272c81cf5"
OLD, CURRENT = "sha256:" + "a" * 64, "sha256:" + "b" * 64
runner = CliRunner()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("fake-do"))


@pytest.fixture
def fake(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDigitalOcean]:
    state = FakeDigitalOcean()
    state.add_app("0f0f0f0f-0000-4000-8000-000000000001", "another-app", [("d-other", OLD, "ACTIVE")])
    state.add_app(APP_ID, "coko-staging", [("d-3", CURRENT, "ACTIVE"), ("d-2", CURRENT, "SUPERSEDED"), ("d-1", OLD, "SUPERSEDED"), ("d-0", OLD, "ERROR")])
    server, url = serve(state, *certificate)
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", TOKEN)
    monkeypatch.setenv("DIGITALOCEAN_API_URL", url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.delenv("DIGITALOCEAN_ACCESS_TOKEN", raising=False)
    yield state
    server.shutdown()


def coko(*args: str) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, [*args, "--stack", "staging", "--json", "--max-attempts", "1"])
    document = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, document, result.stderr


def test_status_shows_the_live_deployment_and_the_seed_counts(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("status")
    assert code == 0, doc
    assert doc["steady"] is True and doc["activeDeployment"]["id"] == "d-3"
    assert {c["component"]: c["instances"] for c in doc["components"]} == {"backend": 3, "worker": 2, "scheduler": 1}


def test_status_is_not_steady_while_the_latest_deployment_failed(fake: FakeDigitalOcean) -> None:
    fake.deployments[APP_ID][0]["phase"] = "ERROR"
    code, doc, _ = coko("status")
    assert code == 1 and doc["steady"] is False
    assert "ended ERROR" in doc["error"]["message"]


def test_releases_lists_deployments_newest_first_and_marks_the_live_one(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("releases", "--limit", "3")
    assert code == 0
    assert [(r["id"], r["live"]) for r in doc["releases"]] == [("d-3", True), ("d-2", False), ("d-1", False)]
    assert doc["releases"][2]["image"] == OLD


def test_rollback_goes_to_the_previous_image_waits_and_verifies(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("rollback", "--yes", "--poll-interval", "0")
    assert code == 0, doc
    assert doc["plan"]["to"]["id"] == "d-1"  # d-2 runs the same image as d-3: not a rollback
    assert doc["outcome"] == "rolled-back"
    live = fake.apps[APP_ID]["active_deployment"]
    assert live["id"] == doc["rollbackDeployment"] and live["spec"]["services"][0]["image"]["digest"] == OLD
    assert ("POST", f"/v2/apps/{APP_ID}/rollback") in fake.requests


def test_rollback_to_a_release_by_digest_prefix(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("rollback", "--to-release", "aaaaaaaa", "--yes", "--poll-interval", "0")
    assert code == 0 and doc["plan"]["to"]["id"] == "d-1"


def test_failed_rollback_deployment_exits_1(fake: FakeDigitalOcean) -> None:
    fake.rollout_phases = ["PENDING_DEPLOY", "ERROR"]
    code, doc, _ = coko("rollback", "--yes", "--poll-interval", "0")
    assert code == 1 and "ended ERROR" in doc["error"]["message"]
    assert fake.apps[APP_ID]["active_deployment"]["id"] == "d-3"


def test_dry_run_changes_nothing(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("rollback", "--dry-run")
    assert code == 0 and doc["outcome"] == "dry-run"
    assert not [r for r in fake.requests if r[0] == "POST"]


def test_rollback_refuses_ecs_revision_numbers(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("rollback", "--to", "3", "--yes")
    assert code == 2 and "deployments" in doc["error"]["message"]


def test_migrate_explains_the_pre_deploy_job(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("migrate")
    assert code == 0, doc
    assert doc["mode"] == "pre-deploy" and "migrate_alias recommendation_db" in doc["job"]["command"]


def test_migrate_reports_a_failed_last_deployment(fake: FakeDigitalOcean) -> None:
    fake.deployments[APP_ID][0]["phase"] = "ERROR"
    code, doc, _ = coko("migrate")
    assert code == 1 and "migrations may have failed" in doc["error"]["message"]


def test_app_is_found_across_pages(fake: FakeDigitalOcean) -> None:
    fake.max_per_page = 1
    code, doc, _ = coko("status")
    assert code == 0 and doc["app"]["id"] == APP_ID
    assert sum(1 for r in fake.requests if r == ("GET", "/v2/apps")) == 2


def test_missing_token_is_a_usage_error(fake: FakeDigitalOcean, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGITALOCEAN_TOKEN")
    code, doc, _ = coko("status")
    assert code == 2 and "DIGITALOCEAN_TOKEN" in doc["error"]["message"]
    assert fake.requests == []


def test_rejected_token_exits_4(fake: FakeDigitalOcean, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", "dop_v1_wrong")
    code, doc, _ = coko("releases")
    assert code == 4 and "refused the token" in doc["error"]["message"]


def test_unknown_app_names_what_exists(fake: FakeDigitalOcean) -> None:
    del fake.apps[APP_ID]
    code, doc, _ = coko("status")
    assert code == 2 and "no App Platform app named coko-staging" in doc["error"]["message"] and "another-app" in doc["error"]["message"]


def test_region_without_app_platform_is_refused(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("status", "--region", "nyc2")
    assert code == 2 and "no App Platform" in doc["error"]["message"]
    assert fake.requests == []


def test_ecs_options_are_refused_on_a_digitalocean_stack(fake: FakeDigitalOcean) -> None:
    code, doc, _ = coko("releases", "--cluster", "coko-staging")
    assert code == 2 and "--cluster" in doc["error"]["message"]
