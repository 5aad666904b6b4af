"""One exit-code table: `coko --help`, docs/ops.md and each command's help agree with it."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from coko_cli.exit_codes import MEANINGS, Exit
from coko_cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ops.md"


def squash(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_coko_help_prints_every_code_with_its_meaning() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for code, meaning in MEANINGS.items():
        assert squash(f"{int(code)}: {meaning}") in squash(result.stdout), code


def test_docs_ops_md_has_the_same_table() -> None:
    text = DOCS.read_text()
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", section, re.M))
    assert {int(k): v for k, v in rows.items()} == {int(code): meaning for code, meaning in MEANINGS.items()}


def test_143_is_sigterm_and_documented() -> None:
    assert Exit.TERMINATED == 128 + 15 and "SIGTERM" in MEANINGS[Exit.TERMINATED]


def test_each_ops_command_lists_only_codes_from_the_table() -> None:
    known = {int(c) for c in Exit}
    for command in ("migrate", "collectstatic", "rollback", "releases", "status"):
        result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        listed = re.search(r"Exit codes \(meanings in `coko --help` and docs/ops.md\): ([\d, ]+)\.", squash(result.stdout))
        assert listed, command
        codes = {int(c) for c in listed.group(1).split(", ")}
        assert codes <= known and {0, 2, 4, 130, 143} <= codes, command
