"""A new database deploys in one `pulumi up`: the app logins are provisioned before the first migration."""

from __future__ import annotations

from coko_cli.offline.runner import StackPreview
from tests.conftest import of_type, one

PROVISION = "pulumi-python:dynamic/coko:ProvisionStep"
MIGRATION = "pulumi-python:dynamic/coko:MigrationStep"


def test_provisioning_runs_the_admin_task_before_the_first_migration(up: dict[str, StackPreview]) -> None:
    preview = up["production"]
    provision = one(preview, PROVISION)
    admin = one(preview, "aws:ecs/taskDefinition:TaskDefinition", "dbadmin")
    assert provision.inputs["taskDefinitionArn"] == admin.outputs["arn"]  # the only task with the master login
    first = next(m for m in of_type(preview, MIGRATION) if m.name.endswith("-migrate-default"))
    assert provision.urn in first.options["dependsOn"]


def test_a_read_replica_region_provisions_nothing(up: dict[str, StackPreview]) -> None:
    assert not of_type(up["capetown"], PROVISION) and not of_type(up["capetown"], MIGRATION)
