"""Who fails over to whom: both stack files read locally, every name derived without AWS.

`coko failover --to capetown` reads Pulumi.capetown.yaml (region, role, ``primaryStack``) and
the primary's file named by the last segment of ``primaryStack`` (its region — the one never
to call — its service counts, its hosted zone and API domain). No StackReference, no Pulumi
state: those live with the backend, which may itself be unreachable during a disaster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coko_cli.ops.errors import Exit, OpsError
from coko_contract import names

if TYPE_CHECKING:
    from stacks.config import StackConfig


@dataclass(frozen=True)
class FailoverTarget:
    secondary: StackConfig
    primary: StackConfig

    @property
    def region(self) -> str:
        return self.secondary.region

    @property
    def forbidden_region(self) -> str:
        return self.primary.region

    @property
    def database(self) -> str:
        return names.database_identifier(self.secondary.stack)

    @property
    def secret(self) -> str:
        """The app login's replica here (what every service task reads)."""
        return names.db_credentials_secret_name(self.primary.stack)

    @property
    def master_secret(self) -> str:
        """The master login's replica here (what the database-admin one-off task reads)."""
        return names.db_master_secret_name(self.primary.stack)

    @property
    def health_check_name(self) -> str:
        return names.api_health_check_name(self.primary.stack)

    @property
    def hosted_zone_id(self) -> str | None:
        return self.primary.domain.hosted_zone_id or self.secondary.domain.hosted_zone_id

    @property
    def origin_name(self) -> str:
        """The API origin both regions answer for (CloudFront's API origin; see docs/edge.md)."""
        return f"origin.{self.primary.domain.api}"

    def counts(self, role: str) -> tuple[int, int]:
        """(min, max) tasks the primary runs for a role: what the secondary must carry now."""
        service = self.primary.services.of(role)
        return service.min_count, service.max_count


def load_target(to: str) -> FailoverTarget:
    """Both stack configs, checked to be a secondary and its primary."""
    from stacks.config import StackConfig
    from stacks.config_source import load_stack_file

    secondary = load_stack_file(to)
    if secondary.is_primary or not secondary.primary_stack:
        raise OpsError(f"Stack {to!r} is a primary stack: fail over *to* a secondary stack (e.g. --to capetown).", Exit.USAGE)
    primary_name = secondary.primary_stack.rsplit("/", 1)[-1]
    primary = load_stack_file(primary_name)
    if not isinstance(primary, StackConfig) or not isinstance(secondary, StackConfig) or not primary.is_primary:
        raise OpsError(f"coko:primaryStack of {to} names {primary_name!r}, which is not a primary stack.", Exit.USAGE)
    declared = primary.disaster_recovery.secondary_stack
    if declared and declared != to:
        raise OpsError(
            f"Pulumi.{primary_name}.yaml declares {declared!r} as its secondary, not {to!r}.",
            Exit.USAGE,
            f"Fail over to {declared}, or fix coko:disasterRecovery.secondaryStack in Pulumi.{primary_name}.yaml.",
        )
    if primary.region == secondary.region:
        raise OpsError(f"{to} and {primary_name} are both in {primary.region}: a regional failover needs two regions.", Exit.USAGE)
    return FailoverTarget(secondary=secondary, primary=primary)
