"""The pack's one error for unusable input (plan, --config, exemptions): one line per mistake."""

from __future__ import annotations


class PackInputError(Exception):
    """Input the pack cannot use; ``problems`` has one readable line per mistake."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
