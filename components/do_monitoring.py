"""Database alerts on DigitalOcean Monitoring: the seed's memory (90 %) and disk (80 %) rules, and CPU.

App components alert through the app spec (components/do_app.py); managed databases alert
through Monitoring policies on their cluster ids.
https://docs.digitalocean.com/products/databases/postgresql/how-to/monitor-clusters/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_digitalocean as do

DB_ALERT_TYPES = {
    "cpu": "v1/dbaas/alerts/cpu_alerts",
    "memory": "v1/dbaas/alerts/memory_utilization_alerts",
    "disk": "v1/dbaas/alerts/disk_utilization_alerts",
}


@dataclass(frozen=True)
class DbAlertArgs:
    cluster_ids: Mapping[str, pulumi.Input[str]]
    cpu_percent: float
    memory_percent: float
    disk_percent: float
    emails: Sequence[str]
    tags: Sequence[str]

    def __post_init__(self) -> None:
        if not self.emails:
            raise ValueError("database alerts need a recipient: set coko:monitoring.alertEmail")


class DatabaseAlerts(pulumi.ComponentResource):
    """One alert policy per metric, covering every cluster of the stack (5-minute window)."""

    def __init__(self, name: str, args: DbAlertArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:do:DatabaseAlerts", name, {}, opts)
        thresholds = {"cpu": args.cpu_percent, "memory": args.memory_percent, "disk": args.disk_percent}
        for metric, type_ in DB_ALERT_TYPES.items():
            do.MonitorAlert(
                f"{name}-{metric}",
                type=type_,
                compare="GreaterThan",
                value=thresholds[metric],
                window="5m",
                entities=list(args.cluster_ids.values()),
                alerts={"emails": list(args.emails)},
                description=f"{name}: database {metric} above {thresholds[metric]:g} %",
                enabled=True,
                tags=list(args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"metrics": sorted(DB_ALERT_TYPES)})
