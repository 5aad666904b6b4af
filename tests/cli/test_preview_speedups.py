"""The speed-ups of issue 12 change nothing in the result: forked workers, the postponed-annotation
import and the garbage-collector settings produce the same preview JSON as the plain path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def _fresh_python(code: str, cache: Path) -> list[str]:
    """Run ``code`` in a new interpreter with the fast import installed; its printed lines."""
    prelude = "import sys; from coko_cli.offline import fastimport; fastimport.install(); from pathlib import Path; import pulumi_aws\n"
    env = {**os.environ, "COKO_CACHE_DIR": str(cache)}
    result = subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_a_namespace_loads_only_the_resource_modules_the_program_uses(tmp_path: Path) -> None:
    loaded = _fresh_python(
        "from pulumi_aws.ec2 import security_group\n"
        "print(pulumi_aws.ec2.SecurityGroup is security_group.SecurityGroup, pulumi_aws.ec2.outputs.__name__,\n"
        "      'pulumi_aws.ec2.vpn_gateway' in sys.modules, 'VpnGateway' in pulumi_aws.ec2.__all__,\n"
        "      pulumi_aws.ec2.VpnGateway.__module__, 'pulumi_aws.ec2.vpn_gateway' in sys.modules)\n",
        tmp_path,
    )
    assert loaded == ["True", "pulumi_aws.ec2.outputs", "False", "True", "pulumi_aws.ec2.vpn_gateway", "True"]


def test_the_preload_hint_loads_the_modules_the_last_run_used(tmp_path: Path) -> None:
    _fresh_python("pulumi_aws.s3.BucketPolicy\nfastimport.remember_modules(Path('.').resolve())", tmp_path)
    hint = next(tmp_path.glob("bytecode-*/preload-*.txt")).read_text().split()
    assert "pulumi_aws.s3.bucket_policy" in hint and all(name.partition(".")[0] in fastimport.PACKAGES for name in hint)
    preloaded = _fresh_python(
        "count = fastimport.preload_modules(Path('.').resolve())\n"
        "print(count >= 1, 'pulumi_aws.s3.bucket_policy' in sys.modules, 'pulumi_aws.gamelift.fleet' in sys.modules)",
        tmp_path,
    )
    assert preloaded == ["True", "True", "False"]
