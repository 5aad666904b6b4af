"""Lifecycle safety and the independent scan's findings, as the plans of both stacks show them (issue 12, points 4-5)."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.lifecycle import STATEFUL_TYPES
from tests.conftest import STACKS, of_type, one

ALB_NAME_LIMIT = 32
HEADROOM = 8


@pytest.mark.parametrize("stack", STACKS)
def test_every_stateful_resource_is_protected(up: dict[str, StackPreview], stack: str) -> None:
    stateful = [r for r in up[stack].resources if r.type in STATEFUL_TYPES]
    assert {r.type for r in stateful} >= {"aws:rds/instance:Instance", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:backup/vault:Vault"}
    unprotected = [r.name for r in stateful if r.options.get("protect") is not True]
    assert not unprotected


@pytest.mark.parametrize("stack", STACKS)
def test_stateless_resources_stay_replaceable(up: dict[str, StackPreview], stack: str) -> None:
    assert not [r.name for r in up[stack].resources if r.type not in STATEFUL_TYPES and r.options.get("protect")]


@pytest.mark.parametrize("stack", STACKS)
def test_final_snapshot_names_change_with_each_replacement(up: dict[str, StackPreview], stack: str) -> None:
    db = one(up[stack], "aws:rds/instance:Instance")
    cache = one(up[stack], "aws:elasticache/replicationGroup:ReplicationGroup")
    for resource, key in ((cache, "finalSnapshotIdentifier"),) + (((db, "finalSnapshotIdentifier"),) if stack == "production" else ()):
        random_ids = [r for r in of_type(up[stack], "random:index/randomId:RandomId") if r.urn in resource.dependencies.get(key, [])]
        assert len(random_ids) == 1, f"{resource.name}.{key} does not depend on a random id"
        assert resource.inputs[key].endswith(random_ids[0].outputs["hex"])


@pytest.mark.parametrize("stack", STACKS)
def test_alb_and_target_group_have_short_explicit_names(up: dict[str, StackPreview], stack: str) -> None:
    for type_ in ("aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"):
        found = of_type(up[stack], type_)
        assert found  # the ALB; the backend's and the web's target groups
        for resource in found:
            name = resource.inputs["name"]
            assert name.startswith(f"coko-{stack}-") and len(name) <= ALB_NAME_LIMIT - HEADROOM


def test_data_buckets_have_server_access_logging_into_an_sse_s3_log_bucket(preview: StackPreview) -> None:
    logging = {r.inputs["bucket"]: r.inputs for r in of_type(preview, "aws:s3/bucketLogging:BucketLogging")}
    assert set(logging) == {preview.outputs["staticBucketName"], preview.outputs["mediaBucketName"]}
    target = one(preview, "aws:s3/bucket:Bucket", "storage-access-logs")
    assert {entry["targetBucket"] for entry in logging.values()} == {target.outputs["bucket"]}
    policy = json.loads(one(preview, "aws:s3/bucketPolicy:BucketPolicy", "storage-access-logs").inputs["policy"])
    allow = next(s for s in policy["Statement"] if s["Sid"] == "S3ServerAccessLogs")
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert set(allow["Condition"]["ArnLike"]["aws:SourceArn"]) == {f"arn:aws:s3:::{name}" for name in logging}


@pytest.mark.parametrize("stack", STACKS)
def test_opensearch_publishes_audit_logs_and_its_admin_role_is_not_open_to_the_whole_account(up: dict[str, StackPreview], stack: str) -> None:
    domain = one(up[stack], "aws:opensearch/domain:Domain").inputs
    assert "AUDIT_LOGS" in {o["logType"] for o in domain["logPublishingOptions"]}
    trust = json.loads(one(up[stack], "aws:iam/role:Role", "search-admin").inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Condition"] == {"StringEquals": {"aws:PrincipalTag/coko-search-admin": "true"}}


def test_production_search_has_three_dedicated_masters_across_zones(up: dict[str, StackPreview]) -> None:
    config = one(up["production"], "aws:opensearch/domain:Domain").inputs["clusterConfig"]
    assert config["dedicatedMasterEnabled"] is True and config["dedicatedMasterCount"] == 3
    assert config["zoneAwarenessEnabled"] is True
    capetown = one(up["capetown"], "aws:opensearch/domain:Domain").inputs["clusterConfig"]
    assert capetown["dedicatedMasterEnabled"] is False  # configurable: off by default


def test_without_a_zone_listener_and_distribution_wait_for_issued_certificates(preview: StackPreview) -> None:
    waits = {r.inputs["certificateArn"]: r for r in of_type(preview, "aws:acm/certificateValidation:CertificateValidation")}
    certs = {r.name.rsplit("-", 1)[-1]: r.outputs["arn"] for r in of_type(preview, "aws:acm/certificate:Certificate")}
    assert set(waits) == set(certs.values())
    listener = one(preview, "aws:lb/listener:Listener", "edge-https")
    assert waits[certs["origin"]].urn in listener.dependencies["certificateArn"]
    distribution = one(preview, "aws:cloudfront/distribution:Distribution")
    assert waits[certs["viewer"]].urn in distribution.dependencies["viewerCertificate"]
    assert waits[certs["viewer"]].region == "us-east-1"
