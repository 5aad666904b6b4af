"""The region guard refuses the primary's region in code, before anything is sent."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from coko_cli.ops.failover_guard import GuardedClients, RegionRefused, install_guard, request_region
from tests.failover.conftest import Drill


def test_no_client_for_the_forbidden_region_is_built(drill: Drill) -> None:
    clients = GuardedClients(boto3.Session(region_name="af-south-1"), Config(), "af-south-1", "eu-west-3")

    with pytest.raises(RegionRefused, match="never calls the primary region eu-west-3"):
        clients.client("rds", region="eu-west-3")
    with pytest.raises(RegionRefused):
        GuardedClients(boto3.Session(region_name="eu-west-3"), Config(), "eu-west-3", "eu-west-3")


def test_a_request_signed_for_the_forbidden_region_never_leaves_the_process(drill: Drill) -> None:
    session = boto3.Session(region_name="af-south-1")
    install_guard(session, "eu-west-3")
    sneaky = session.client("secretsmanager", region_name="eu-west-3")  # built around the factory

    with pytest.raises(RegionRefused):
        sneaky.list_secrets()

    assert drill.outage.calls == [], "the request reached the network"
    session.client("route53").list_health_checks()  # global (us-east-1 scope) is allowed
    session.client("ecs", region_name="af-south-1").list_clusters()
    # Both reached the network (with AWS_ENDPOINT_URL set, botocore signs Route 53 for the client's region).
    assert [c.service for c in drill.outage.calls] == ["route53", "ecs"]
    assert "eu-west-3" not in {c.region for c in drill.outage.calls}


def test_the_region_is_read_from_the_sigv4_scope_or_a_presigned_url() -> None:
    assert request_region("https://x", {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261201/eu-west-3/rds/aws4_request, ..."}) == "eu-west-3"
    assert request_region("https://x/?X-Amz-Credential=AKID%2F20261201%2Faf-south-1%2Fs3%2Faws4_request", {}) == "af-south-1"
    assert request_region("https://x", {}) is None
