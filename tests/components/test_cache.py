"""ElastiCache: encrypted, authenticated, highly available, and handed to the app as a secret URL."""

from __future__ import annotations

import pytest

from coko_cli.offline.runner import SECRET, UNKNOWN, StackPreview
from components.cache import redis_url
from tests.conftest import STACKS, assert_on_data_subnets, of_type, one, stack_key

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def test_cache_is_encrypted_at_rest_and_in_transit_with_an_auth_token(preview: StackPreview) -> None:
    group = one(preview, GROUP).inputs
    assert group["atRestEncryptionEnabled"] is True
    assert group["kmsKeyId"] == stack_key(preview).outputs["arn"]
    assert group["transitEncryptionEnabled"] is True
    assert group["authToken"] == SECRET
    assert group["engine"] == "valkey"
    assert group["port"] == 6379


@pytest.mark.parametrize("stack", STACKS)
def test_two_nodes_fail_over_automatically_across_zones(up: dict[str, StackPreview], stack: str) -> None:
    group = one(up[stack], GROUP).inputs
    assert group["numCacheClusters"] == 2
    assert group["automaticFailoverEnabled"] is True
    assert group["multiAzEnabled"] is True
    assert group["nodeType"] == {"production": "cache.r6g.large", "capetown": "cache.m5.large"}[stack]


def test_cache_has_its_own_subnet_group_on_the_data_subnets_and_snapshots(preview: StackPreview) -> None:
    group = one(preview, GROUP).inputs
    assert_on_data_subnets(preview, "aws:elasticache/subnetGroup:SubnetGroup", group["subnetGroupName"])
    assert group["snapshotRetentionLimit"] == 7
    assert group["snapshotWindow"] == "02:00-03:00"


def test_slow_log_is_delivered_to_an_encrypted_log_group(preview: StackPreview) -> None:
    delivery = one(preview, GROUP).inputs["logDeliveryConfigurations"]
    assert [(d["logType"], d["destinationType"]) for d in delivery] == [("slow-log", "cloudwatch-logs")]
    group = next(g for g in of_type(preview, "aws:cloudwatch/logGroup:LogGroup") if g.inputs.get("name") == delivery[0]["destination"])
    assert group.inputs["retentionInDays"] == 30 and group.inputs["kmsKeyId"]


@pytest.mark.parametrize("mode", ["preview", "up"])
@pytest.mark.parametrize("stack", STACKS)
def test_redis_url_is_a_cmk_encrypted_secret_whose_value_stays_secret(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    preview = previews[mode][stack]
    secret = one(preview, "aws:secretsmanager/secret:Secret", "-cache-url")
    assert secret.inputs["name"] == f"coko/{stack}/REDIS_URL"
    assert secret.inputs["recoveryWindowInDays"] >= 7
    version = one(preview, "aws:secretsmanager/secretVersion:SecretVersion", "-cache-url")
    # Before the endpoint exists (preview) the value is unknown; once known it is secret, never plain.
    assert version.inputs["secretString"] == (SECRET if mode == "up" else UNKNOWN)


def test_redis_url_value_is_the_tls_url_of_the_primary_endpoint(preview: StackPreview) -> None:
    endpoint = one(preview, GROUP).outputs["primaryEndpointAddress"]
    version = one(preview, "aws:secretsmanager/secretVersion:SecretVersion", "-cache-url")
    # The raw value (what AWS would store) is only visible in the mock's outputs, never in inputs.
    value = version.outputs["secretString"]
    assert value.startswith("rediss://:") and value.endswith(f"@{endpoint}:6379/0")
    assert preview.outputs["secretArns"]["REDIS_URL"] == one(preview, "aws:secretsmanager/secret:Secret", "-cache-url").outputs["arn"]


def test_redis_url_percent_encodes_the_token() -> None:
    assert redis_url("a/b@c:d", "host") == "rediss://:a%2Fb%40c%3Ad@host:6379/0"
