"""The speed-ups of issue 12 change nothing in the result: forked workers, the postponed-annotation
import and the garbage-collector settings produce the same preview JSON as the plain path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coko_cli.offline import fastimport

ROOT = Path(__file__).resolve().parents[2]


def _preview(tmp_path: Path, name: str, **env: str) -> dict[str, object]:
    out = tmp_path / f"{name}.json"
    command = [sys.executable, "-m", "coko_cli.main", "preview", "production", "capetown", "--json", "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    document: dict[str, object] = json.loads(out.read_text())
    return document


def test_forked_fast_run_equals_the_plain_in_process_run(tmp_path: Path) -> None:
    plain = _preview(tmp_path, "plain", COKO_PREVIEW_JOBS="1", COKO_FAST_IMPORT="0", COKO_CACHE_DIR=str(tmp_path / "cache"))
    fast = _preview(tmp_path, "fast", COKO_PREVIEW_JOBS="2", COKO_CACHE_DIR=str(tmp_path / "cache"))
    assert fast == plain
    cached = list((tmp_path / "cache").glob("bytecode-*/pulumi_aws.*.bin"))
    assert cached, "the fast import caches the provider modules' bytecode outside the package"


def test_preload_hint_names_only_provider_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi_aws.s3  # noqa: F401  (something to remember)

    monkeypatch.setenv("COKO_CACHE_DIR", str(tmp_path))
    fastimport.remember_modules(ROOT)
    hint = next(tmp_path.glob("bytecode-*/preload-*.txt")).read_text().split()
    assert "pulumi_aws.s3" in hint and all(name.partition(".")[0] in fastimport.PACKAGES for name in hint)
    assert fastimport.preload_modules(ROOT) >= 1
