"""The env contract is loadable by the infrastructure without Django."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

CONTRACT_PATH = Path(__file__).resolve().parents[2] / "app" / "coko" / "env_contract.py"

LOADER = f"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("coko_env_contract", {str(CONTRACT_PATH)!r})
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
print(json.dumps({{"names": [v.name for v in module.CONTRACT], "django": "django" in sys.modules}}))
"""


def _load():
    spec = importlib.util.spec_from_file_location("coko_env_contract_test", CONTRACT_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_contract_loads_by_file_path_without_importing_django() -> None:
    import json

    result = subprocess.run([sys.executable, "-c", LOADER], capture_output=True, text=True, check=True)
    payload = json.loads(result.stdout)
    assert payload["django"] is False
    assert "DJANGO_SECRET_KEY" in payload["names"]


def test_secrets_and_plain_values_are_split_as_the_infra_expects() -> None:
    contract = _load()
    by_name = {var.name: var for var in contract.CONTRACT}
    secrets = {name for name, var in by_name.items() if var.secret}
    assert secrets == {
        "DJANGO_SECRET_KEY",
        "POSTGRES_USER",
        "POSTGRES_PASSWORD",
        "REDIS_URL",
        "SENTRY_DSN",
        "ORANGE_MONEY_API_KEY",
        "ORANGE_MONEY_SECRET",
        "MTN_MOMO_API_KEY",
        "MTN_MOMO_SECRET",
        "WAVE_API_KEY",
        "WAVE_SECRET",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "POSTGRES_MASTER_USER",
        "POSTGRES_MASTER_PASSWORD",
        "POSTGRES_APP_PASSWORD",
        "POSTGRES_APP_CLONE_PASSWORD",
    }
    one_off = {name for name, var in by_name.items() if var.one_off}
    assert one_off == {"POSTGRES_MASTER_USER", "POSTGRES_MASTER_PASSWORD", "POSTGRES_APP_PASSWORD", "POSTGRES_APP_CLONE_PASSWORD"}
    assert not any(by_name[name].required for name in one_off), "the services never need the admin task's secrets"
    assert {v.name for v in contract.service_contract()} == set(by_name) - one_off
    assert by_name["POSTGRES_USER"].json_key == "username"
    assert by_name["POSTGRES_PASSWORD"].json_key == "password"
    assert not by_name["SENTRY_DSN"].required and not by_name["DATABASE_READ_ONLY"].required
    assert not by_name["DATABASE_TIMEOUT_SECONDS"].required and not by_name["DATABASE_TIMEOUT_SECONDS"].secret
    assert len(by_name) == len(contract.CONTRACT), "names are unique"


def test_missing_lists_every_absent_or_empty_required_variable() -> None:
    contract = _load()
    full = {var.name: "x" for var in contract.CONTRACT}
    assert contract.missing(full) == []
    partial = dict(full, DJANGO_SECRET_KEY="", WAVE_SECRET="   ")
    del partial["POSTGRES_HOST"]
    del partial["SENTRY_DSN"]  # optional: never reported
    assert contract.missing(partial) == ["POSTGRES_HOST", "DJANGO_SECRET_KEY", "WAVE_SECRET"]


def _environ_reads(path: Path) -> set[str]:
    """Names a settings module reads with os.environ[...] / os.environ.get(...) / _csv(...) / _flag(...)."""
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        key = None
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv", "_csv", "_flag"} and node.args:
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def test_production_settings_read_exactly_the_contract() -> None:
    # DJANGO_SETTINGS_MODULE is read by Django itself, not by the settings module.
    settings_dir = CONTRACT_PATH.parent / "settings"
    read = set().union(*(_environ_reads(settings_dir / name) for name in ("production.py", "base.py", "databases.py", "sentry.py")))
    declared = {v.name for v in _load().service_contract()} - {"DJANGO_SETTINGS_MODULE"}
    assert read - declared == set(), "production settings read variables the contract (and so the task definition) lacks"
    assert declared - read == set(), "the contract declares variables the production settings never read"


def test_one_off_admin_secrets_are_read_by_the_provisioning_command_only() -> None:
    one_off = {v.name for v in _load().CONTRACT if v.one_off}
    command = CONTRACT_PATH.parent / "core" / "management" / "commands" / "provision_db_users.py"
    assert _environ_reads(command) == one_off
    settings_dir = CONTRACT_PATH.parent / "settings"
    for module in settings_dir.glob("*.py"):
        assert not _environ_reads(module) & one_off, f"{module.name} reads an admin-only secret"
