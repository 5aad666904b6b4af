"""DNS: without a hosted zone the stack lists the records to create; with one it creates and waits for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coko_cli.offline.runner import StackPreview, run_stack, run_stacks
from tests.conftest import STACKS, of_type, one
from tests.variants import project_variant

RECORD = "aws:route53/record:Record"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
ZONE = "Z0123456789ABCDEFGHIJ"


@pytest.fixture(scope="module")
def zoned_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose stack files set coko:domain.hostedZoneId."""
    return project_variant(tmp_path_factory.mktemp("zoned"), lambda _stack, config: config["coko:domain"].update(hostedZoneId=ZONE))


@pytest.fixture(scope="module")
def zoned(zoned_root: Path) -> dict[str, StackPreview]:
    return {p.stack: p for p in run_stacks(list(STACKS), "up", root=zoned_root)}


def test_without_a_zone_the_stack_lists_the_records_to_create(preview: StackPreview) -> None:
    assert of_type(preview, RECORD) == []
    # No records to wait on: the validations wait for ACM to see the CNAMEs the user adds.
    assert all("validationRecordFqdns" not in v.inputs for v in of_type(preview, VALIDATION))
    records = preview.outputs["certificateValidationRecords"]
    api = "api.coko.africa" if preview.stack == "production" else "api-za.coko.africa"
    # Cape Town's ALB also answers for the primary's names after a failover, the apex (the web) included.
    extra = {"coko.africa"} if preview.stack == "production" else {"origin.api.coko.africa", "api.coko.africa", "coko.africa"}
    expected = {f"origin.{api}", api} | extra
    assert {r["domain"] for r in records} == expected  # one record per name, even when two certificates share it
    assert all(r["type"] == "CNAME" and r["name"].endswith(f"{r['domain']}.") for r in records)
    required = {r["name"]: r["value"] for r in preview.outputs["requiredDnsRecords"]}
    assert required[f"origin.{api}"] == preview.outputs["albDnsName"]
    assert required[api] == preview.outputs["cdnDomainName"]


@pytest.mark.parametrize("stack", STACKS)
def test_with_a_zone_each_validation_record_is_created_once_and_both_certificates_wait(zoned: dict[str, StackPreview], stack: str) -> None:
    preview = zoned[stack]
    assert "certificateValidationRecords" not in preview.outputs
    certs = {r.name.rsplit("-", 1)[-1]: r for r in of_type(preview, "aws:acm/certificate:Certificate")}
    options = [o for c in certs.values() for o in c.outputs["domainValidationOptions"]]
    expected_names = {o["resourceRecordName"] for o in options}
    validation_records = [r.inputs for r in of_type(preview, RECORD) if r.inputs["type"] == "CNAME"]
    if stack == "capetown":
        # The primary's names are validated by production's records (one CNAME per name per account):
        # a second copy here would be deleted with this stack.
        expected_names -= {o["resourceRecordName"] for o in options if o["domainName"] in ("api.coko.africa", "origin.api.coko.africa", "coko.africa")}
    assert sorted(r["name"] for r in validation_records) == sorted(expected_names)
    assert all(r["zoneId"] == ZONE for r in validation_records)
    validations = {r.inputs["certificateArn"]: r for r in of_type(preview, VALIDATION)}
    assert validations[certs["viewer"].outputs["arn"]].region == "us-east-1"
    assert validations[certs["origin"].outputs["arn"]].region == preview.region
    # The listener and the distribution take the validated ARNs, so they never see a pending certificate.
    assert one(preview, "aws:lb/listener:Listener", "edge-https").inputs["certificateArn"] == certs["origin"].outputs["arn"]


def test_with_a_zone_public_names_alias_cloudfront_and_origin_aliases_the_alb(zoned: dict[str, StackPreview]) -> None:
    preview = zoned["production"]
    aliases = {(r.inputs["name"], r.inputs["type"]): r.inputs["aliases"][0] for r in of_type(preview, RECORD) if r.inputs.get("aliases")}
    cdn = one(preview, "aws:cloudfront/distribution:Distribution").outputs["domainName"]
    for host in ("api.coko.africa", "coko.africa"):
        for kind in ("A", "AAAA"):
            assert aliases[(host, kind)] == {"name": cdn, "zoneId": "Z2FDTNDATAQYW2", "evaluateTargetHealth": False}
    alb = one(preview, "aws:lb/loadBalancer:LoadBalancer").outputs
    assert aliases[("origin.api.coko.africa", "A")] == {"name": alb["dnsName"], "zoneId": alb["zoneId"], "evaluateTargetHealth": True}
    capetown = {r.inputs["name"] for r in of_type(zoned["capetown"], RECORD) if r.inputs.get("aliases")}
    # The apex belongs to the primary; Cape Town holds the SECONDARY record of the primary's origin.
    assert capetown == {"api-za.coko.africa", "origin.api-za.coko.africa", "origin.api.coko.africa"}


def test_with_a_zone_the_api_origin_is_a_failover_pair_guarded_by_a_health_check_on_paris(zoned: dict[str, StackPreview]) -> None:
    """Writes can't use CloudFront origin groups, so the API origin name fails over in Route 53."""
    records = {stack: [r for r in of_type(zoned[stack], RECORD) if r.inputs["name"] == "origin.api.coko.africa"] for stack in STACKS}
    primary, secondary = (one_of(records[stack]) for stack in STACKS)
    assert primary.inputs["failoverRoutingPolicies"] == [{"type": "PRIMARY"}] and primary.inputs["setIdentifier"] == "coko-production"
    assert secondary.inputs["failoverRoutingPolicies"] == [{"type": "SECONDARY"}] and secondary.inputs["setIdentifier"] == "coko-capetown"
    assert secondary.inputs["aliases"][0]["name"] == one(zoned["capetown"], "aws:lb/loadBalancer:LoadBalancer").outputs["dnsName"]
    check = one(zoned["production"], "aws:route53/healthCheck:HealthCheck")
    assert primary.inputs["healthCheckId"] == check.outputs["id"]
    assert "healthCheckId" not in secondary.inputs
    # Paris gone = its alarm stops reporting = insufficient data, which must count as unhealthy.
    assert check.inputs["type"] == "CLOUDWATCH_METRIC" and check.inputs["insufficientDataHealthStatus"] == "Unhealthy"
    assert check.inputs["cloudwatchAlarmRegion"] == "eu-west-3"
    alarm = one(zoned["production"], "aws:cloudwatch/metricAlarm:MetricAlarm", "-monitoring-healthy-hosts")
    assert check.inputs["cloudwatchAlarmName"] == alarm.inputs["name"]
    assert check.inputs["tags"]["Name"] == "coko-production-api-origin"
    # Cape Town's ALB carries a certificate for the name it takes over.
    origin_cert = one(zoned["capetown"], "aws:acm/certificate:Certificate", "-origin")
    assert {"origin.api.coko.africa", "api.coko.africa"} <= {origin_cert.inputs["domainName"], *origin_cert.inputs["subjectAlternativeNames"]}


def one_of(records: list[Any]) -> Any:
    assert len(records) == 1, [r.name for r in records]
    return records[0]


def test_with_a_zone_the_preview_mode_runs_too(zoned_root: Path) -> None:
    preview = run_stack("production", "preview", root=zoned_root)
    assert len(of_type(preview, VALIDATION)) == 2
    assert len(of_type(preview, RECORD)) == 3 + 5  # validation CNAMEs + api/apex A/AAAA + origin A
