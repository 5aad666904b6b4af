"""No secret value may reach a plain (non-secret) input or output, in either stack or mode.

The offline preview feeds every `secure:` config value as a recognisable placeholder
(PLACEHOLDER_PREFIX...). Anywhere it shows up outside Pulumi's secret channel -- a tag, an
environment variable, a policy, a stack output -- is a leak: it would be written in clear to the
state file and shown by `pulumi preview`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coko_cli.offline.runner import PLACEHOLDER_PREFIX, StackPreview, run_stack
from stacks.config_source import PROJECT_ROOT
from tests.conftest import STACKS


def leaks(preview: StackPreview) -> list[str]:
    """Paths where a secret placeholder escaped: the runner's own findings plus a raw scan."""
    found = list(preview.leaks)
    document = json.dumps(preview.as_json())
    if PLACEHOLDER_PREFIX in document:
        found.append(f"raw placeholder in {preview.stack} as_json()")
    return found


@pytest.mark.parametrize("mode", ["preview", "up"])
@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_placeholder_in_any_plain_input_or_output(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    assert leaks(previews[mode][stack]) == []


LEAKY_PROGRAM = '''
import pulumi
import pulumi_aws as aws

token = pulumi.Config("coko").require_secret("redisAuthToken")
# The mistake this guard exists for: a secret unwrapped into a tag and an output.
aws.s3.Bucket("leaky", tags={"Token": pulumi.Output.unsecret(token)})
pulumi.export("token", pulumi.Output.unsecret(token))
'''


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_the_guard_catches_a_secret_put_into_a_tag_or_output(tmp_path: Path, mode: str) -> None:
    shutil.copy(PROJECT_ROOT / "Pulumi.production.yaml", tmp_path / "Pulumi.production.yaml")
    (tmp_path / "__main__.py").write_text(LEAKY_PROGRAM)
    preview = run_stack("production", mode, root=tmp_path)
    found = leaks(preview)
    assert any("tags.Token" in path for path in found), found
    assert any("outputs.token" in path for path in found), found
