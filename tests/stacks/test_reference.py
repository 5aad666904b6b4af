"""The README's configuration reference is generated from the config model and kept in sync."""

from __future__ import annotations

from stacks.config import StackConfig
from stacks.config_source import PROJECT_ROOT
from stacks.reference import render, rows


def test_readme_holds_the_generated_reference() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert render() in readme, "README config reference is stale: run `uv run python -m stacks.reference --write README.md`"


def test_reference_lists_every_setting_of_every_section() -> None:
    keys = {key for key, *_ in rows()}
    for field in StackConfig.model_fields.values():
        annotation = field.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            for sub_name, sub in annotation.model_fields.items():
                assert f"coko:{field.alias}.{sub.alias or sub_name}" in keys
    assert {"coko:database.backupRetentionDays", "coko:cache.nodeType", "coko:waf.apiRequestsPerSecond", "coko:djangoSecretKey"} <= keys
