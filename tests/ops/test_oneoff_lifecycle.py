"""One-off tasks with a managed lifecycle: signals, throttled waits, a killed CLI, `coko status`.

Signal tests run `python -m coko_cli.main` as a real process (a CI runner sends it SIGTERM on
cancellation) against the same moto server and fault proxy as the in-process tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.moto_api import state_manager

from coko_contract import names as naming
from tests.ops.conftest import EcsSim, FaultProxy, Stack, coko, ecs_backend

ROOT = Path(__file__).resolve().parents[2]
FAST = ("--poll-interval", "0.01")


class Cli:
    """A `coko` process whose stderr is collected line by line while it runs."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coko_cli.main", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def wait_for(self, marker: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(marker in line for line in self.lines):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"never saw {marker!r}: {''.join(self.lines)}")
            time.sleep(0.05)

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        self.proc.wait(timeout=timeout)
        assert self.proc.stdout is not None
        stdout = self.proc.stdout.read()
        self.reader.join(timeout=5)  # stderr is read only by the reader thread
        return self.proc.returncode, stdout, "".join(self.lines)


@pytest.fixture
def held(sim: EcsSim) -> Iterator[None]:
    """Every task stays RUNNING until the test lets it go."""
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    yield
    state_manager.unset_transition("ecs::task")


def only_task() -> object:
    return next(iter(ecs_backend().tasks[naming.cluster_name("production")].values()))


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_running_task_and_says_so(stack: Stack, held: None, signum: int, code: int) -> None:
    cli = Cli("migrate", "--stack", "production", "--database", "default", "--poll-interval", "0.1", "--json")
    cli.wait_for("Migrating default")
    cli.proc.send_signal(signum)
    exit_code, stdout, stderr = cli.finish()
    name = signal.Signals(signum).name
    assert exit_code == code, (exit_code, stdout, stderr)
    task = only_task()
    assert f"interrupted by {name}: stopped task {task.task_arn}" in stderr  # type: ignore[attr-defined]
    assert task.desired_status == "STOPPED" and name in task.stopped_reason  # type: ignore[attr-defined]
    document = json.loads(stdout)  # exactly one document, even when interrupted
    assert (document["ok"], document["exitCode"], document["error"]["code"]) == (False, code, code)
    assert document["results"][0]["outcome"] == "interrupted" and document["results"][0]["taskArn"] == task.task_arn  # type: ignore[attr-defined]
    assert "Traceback" not in stderr


def test_detach_leaves_the_task_running_and_prints_its_arn_and_the_stop_command(stack: Stack, held: None) -> None:
    cli = Cli("collectstatic", "--stack", "production", "--on-interrupt", "detach", "--poll-interval", "0.1")
    cli.wait_for("Collecting static files")
    cli.proc.send_signal(signal.SIGTERM)
    exit_code, _stdout, stderr = cli.finish()
    task = only_task()
    arn = task.task_arn  # type: ignore[attr-defined]
    assert exit_code == 143
    assert f"interrupted by SIGTERM: detached; task {arn} keeps running." in stderr
    assert f"Stop it with: aws ecs stop-task --region eu-west-3 --cluster coko-production --task {arn}" in stderr
    assert task.desired_status == "RUNNING"  # type: ignore[attr-defined]


def test_the_migration_guard_recovers_after_the_cli_is_killed(stack: Stack, held: None) -> None:
    cli = Cli("migrate", "--stack", "production", "--database", "default", "--poll-interval", "0.1")
    cli.wait_for("Migrating default")
    cli.proc.kill()  # SIGKILL: no handler runs, the task keeps running
    cli.finish()
    task = only_task()
    refused = coko("migrate", "--stack", "production", *FAST)
    assert refused.exit_code == 1
    assert "Another migration is already running in this stack" in refused.stderr
    assert f"aws ecs stop-task --region eu-west-3 --cluster coko-production --task {task.task_arn}" in refused.stderr  # type: ignore[attr-defined]
    status = coko("status", "--stack", "production")
    assert "task purpose=migration database=default status=RUNNING " in status.stdout
    task.last_status = "STOPPED"  # type: ignore[attr-defined]  # the orphaned migration finishes on its own
    state_manager.unset_transition("ecs::task")
    again = coko("migrate", "--stack", "production", "--database", "default", *FAST)
    assert again.exit_code == 0, again.stderr


def test_the_wait_keeps_polling_through_throttling(stack: Stack, sim: EcsSim, faults: FaultProxy) -> None:
    faults.add("DescribeTasks", code="ThrottlingException", times=6)  # three polls' worth at 2 attempts each
    result = coko("migrate", "--stack", "production", "--database", "default", "--max-attempts", "2", *FAST)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("AWS kept throttling DescribeTasks after 2 attempts") == 3
    assert "Still waiting; polling again." in result.stderr
    assert "✓ default: migrated" in result.stderr


def test_status_lists_one_off_tasks_with_their_exit_codes(stack: Stack, sim: EcsSim) -> None:
    assert coko("migrate", "--stack", "production", "--database", "auth_db", *FAST).exit_code == 0
    sim.exit_code = 2
    assert coko("collectstatic", "--stack", "production", *FAST).exit_code == 3
    result = coko("status", "--stack", "production", "--json")
    tasks = json.loads(result.stdout)["oneOffTasks"]
    assert sorted((t["purpose"], t["database"], t["status"], t["containerExitCode"]) for t in tasks) == [
        ("collectstatic", None, "STOPPED", 2),
        ("migration", "auth_db", "STOPPED", 0),
    ]
    lines = coko("status", "--stack", "production").stdout.splitlines()
    assert any(line.startswith("task purpose=collectstatic database=- status=STOPPED exit=2 ") for line in lines)


def test_a_progress_line_is_printed_while_waiting_without_a_terminal(stack: Stack, held: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coko_cli.ops.render.PROGRESS_EVERY", 0.1)
    result = coko("migrate", "--stack", "production", "--database", "default", "--timeout", "3", "--poll-interval", "0.3")
    assert result.exit_code == 124
    waiting = [line for line in result.stderr.splitlines() if line.startswith("… default: task RUNNING")]
    assert len(waiting) >= 4, result.stderr  # on change, then at least every PROGRESS_EVERY seconds
