"""CrossGuard entry point: `pulumi preview --policy-pack policies` runs this file.

Pulumi runs the pack directory with ``runpy.run_path`` (the directory is on sys.path, but it is
not a package then), so the pack registers itself as the package ``policies`` first; the rule
modules use relative imports and work under any directory name (a published pack is unpacked
elsewhere). Building the PolicyPack starts the gRPC server, so it happens only when run as a
program, never on import.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PACK_NAME = "coko-security"


def _package() -> ModuleType:
    """The pack as an importable package, whether run by Pulumi, by `python -m policies`, or tests."""
    if __package__:
        return sys.modules[__package__]
    here = Path(__file__).resolve().parent
    existing = sys.modules.get("policies")
    if existing is not None and Path(getattr(existing, "__file__", "") or "").resolve().parent == here:
        return existing
    spec = importlib.util.spec_from_file_location("policies", here / "__init__.py", submodule_search_locations=[str(here)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["policies"] = module
    spec.loader.exec_module(module)
    return module


def build_pack_kwargs() -> dict[str, object]:
    """Everything PolicyPack needs; separate so tests can build it without serving."""
    _package()
    from pulumi_policy import EnforcementLevel

    from policies.crossguard import build_policies
    from policies.rules import all_rules

    return {
        "name": PACK_NAME,
        "enforcement_level": EnforcementLevel.MANDATORY,
        "policies": build_policies(all_rules()),
        "description": "Coko security rules (cdk-nag AwsSolutions, checkov CKV_AWS, awsguard); catalogue in docs/policies.md.",
    }


if __name__ == "__main__":
    from pulumi_policy import PolicyPack

    PolicyPack(**build_pack_kwargs())  # type: ignore[arg-type]  # serves until the engine stops it
