"""One exception for "a list of problems": config files, policy settings, exemptions."""

from __future__ import annotations


class ProblemsError(Exception):
    """Something the user must fix; ``problems`` holds one readable line per mistake."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
