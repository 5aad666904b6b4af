"""Output that reads in a CI log: 80 columns, no terminal — one record per line, no field dropped."""

from __future__ import annotations

import re

import pytest

from tests.ops.conftest import REPO, EcsSim, Stack, coko, digest


@pytest.fixture
def ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def records(text: str, kind: str) -> list[dict[str, str]]:
    """Parse `kind key=value key="two words"` lines."""
    import shlex

    rows = []
    for line in text.splitlines():
        if line.startswith(kind + " "):
            rows.append(dict(part.split("=", 1) for part in shlex.split(line)[1:]))
    return rows


def test_rollback_plan_keeps_revisions_and_the_full_image(stack: Stack, sim: EcsSim, ci: None) -> None:
    result = coko("rollback", "--stack", "production", "--dry-run")
    assert result.exit_code == 0, result.stderr
    steps = records(result.stdout, "step")
    assert [(s["role"], s["current"], s["target"], s["release"], s["image"]) for s in steps] == [
        (role, f"coko-production-{role}:2", f"coko-production-{role}:1", "v1", f"{REPO}@{digest(1)}") for role in ("backend", "worker", "scheduler")
    ]
    assert all(line.startswith("step ") for line in result.stdout.splitlines()), "nothing but the records, no wrapped line"


def test_status_keeps_service_status_running_and_failed(stack: Stack, sim: EcsSim, ci: None) -> None:
    result = coko("status", "--stack", "production")
    deployments = records(result.stdout, "deployment")
    assert [(d["role"], d["status"], d["running"], d["desired"], d["failed"]) for d in deployments] == [
        ("backend", "PRIMARY", "3", "3", "0"),
        ("worker", "PRIMARY", "2", "2", "0"),
        ("scheduler", "PRIMARY", "1", "1", "0"),
    ]
    services = records(result.stdout, "service")
    assert [(s["role"], s["running"], s["steady"]) for s in services] == [("backend", "3", "yes"), ("worker", "2", "yes"), ("scheduler", "1", "yes")]


def test_releases_print_each_image_on_one_line(stack: Stack, sim: EcsSim, ci: None) -> None:
    result = coko("releases", "--stack", "production")
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 6 and all(line.startswith("release ") for line in lines)
    assert all(f"image={REPO}@sha256:" in line for line in lines)


def test_a_narrow_terminal_gets_lines_and_a_wide_one_gets_the_table(stack: Stack, sim: EcsSim, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich treats stdout as a terminal
    monkeypatch.setenv("COLUMNS", "80")
    narrow = coko("releases", "--stack", "production")
    assert narrow.stdout.count("\nrelease ") + narrow.stdout.startswith("release ") == 6 and "┃" not in narrow.stdout
    monkeypatch.setenv("COLUMNS", "250")
    wide = re.sub(r"\x1b\[[0-9;]*m", "", coko("releases", "--stack", "production").stdout)  # without colours
    assert "┃ Service" in wide and "release role=" not in wide
