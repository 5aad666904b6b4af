"""`coko preview --format terraform-plan`: the plan in `terraform show -json` shape, with names
and block shapes taken from the installed pulumi_aws package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from coko_cli.main import app
from coko_cli.offline import tfplan
from coko_cli.offline.checkov_gate import gate, load_skips
from coko_cli.offline.report import to_json
from coko_cli.offline.runner import StackPreview
from coko_cli.offline.tfschema import schema, terraform_type

runner = CliRunner()
URN = "urn:pulumi:production::coko::coko:edge:Cdn$aws:cloudfront/distribution:Distribution::cdn"
CERT_URN = "urn:pulumi:production::coko::aws:acm/certificateValidation:CertificateValidation::viewer"


def test_type_names_follow_the_bridge_module_convention() -> None:
    assert terraform_type("aws:lb/loadBalancer:LoadBalancer") == "aws_lb"
    assert terraform_type("aws:lb/targetGroup:TargetGroup") == "aws_lb_target_group"
    assert terraform_type("aws:rds/instance:Instance") == "aws_db_instance"
    assert terraform_type("aws:ec2/securityGroup:SecurityGroup") == "aws_security_group"
    assert terraform_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration") == "aws_s3_bucket_server_side_encryption_configuration"
    assert terraform_type("docker:index/image:Image") is None


def test_blocks_come_from_the_sdk_classes_repeated_blocks_singular() -> None:
    fields = schema("aws:cloudfront/distribution:Distribution").fields  # type: ignore[union-attr]
    assert (fields["origins"].tf_name, fields["origins"].shape) == ("origin", "blocks")
    assert (fields["viewerCertificate"].tf_name, fields["viewerCertificate"].shape) == ("viewer_certificate", "block")
    assert fields["tags"].shape == "map"
    sse = schema("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").fields  # type: ignore[union-attr]
    assert sse["rules"].tf_name == "rule"  # the resource's InitArgs, not Bucket's inline block of the same name


def _stack(inputs: dict[str, Any], dependencies: dict[str, list[str]]) -> dict[str, Any]:
    resource = {"urn": URN, "type": "aws:cloudfront/distribution:Distribution", "name": "coko-production-cdn", "custom": True, "inputs": inputs, "dependencies": dependencies}
    cert = {"urn": CERT_URN, "type": "aws:acm/certificateValidation:CertificateValidation", "name": "viewer", "custom": True, "inputs": {}, "dependencies": {}}
    return {"stack": "production", "region": "eu-west-3", "resources": [resource, cert]}


def test_unknowns_are_left_out_flagged_and_referenced() -> None:
    inputs = {"enabled": True, "viewerCertificate": {"acmCertificateArn": "[unknown]", "minimumProtocolVersion": "TLSv1.2_2021"}, "tags": {"Stack": "production"}}
    document = tfplan.render(_stack(inputs, {"viewerCertificate": [CERT_URN]}))
    assert document["format_version"] and document["terraform_version"]
    change = next(c for c in document["resource_changes"] if c["type"] == "aws_cloudfront_distribution")
    assert change["address"] == "aws_cloudfront_distribution.coko_production_cdn" and change["change"]["actions"] == ["create"]
    assert change["change"]["after"]["viewer_certificate"] == [{"minimum_protocol_version": "TLSv1.2_2021"}]
    assert change["change"]["after_unknown"]["viewer_certificate"] == [{"acm_certificate_arn": True}]
    assert change["change"]["after"]["tags"] == {"Stack": "production"}
    config = next(c for c in document["configuration"]["root_module"]["resources"] if c["type"] == "aws_cloudfront_distribution")
    refs = config["expressions"]["viewer_certificate"][0]["acm_certificate_arn"]["references"]
    assert "aws_acm_certificate_validation.viewer" in refs
    values = next(p for p in document["planned_values"]["root_module"]["resources"] if p["type"] == "aws_cloudfront_distribution")
    assert values["values"] == change["change"]["after"]


def test_both_stacks_export_every_aws_resource(previews: dict[str, dict[str, StackPreview]]) -> None:
    for stack in to_json(list(previews["preview"].values()))["stacks"]:
        document = tfplan.render(stack)
        aws = [r for r in stack["resources"] if r["type"].startswith("aws:") and r["custom"]]
        assert len(document["resource_changes"]) == len(aws)
        addresses = [c["address"] for c in document["resource_changes"]]
        assert len(set(addresses)) == len(addresses)
        by_type = {c["type"] for c in document["resource_changes"]}
        assert {"aws_lb", "aws_db_instance", "aws_s3_bucket", "aws_cloudfront_distribution", "aws_opensearch_domain", "aws_ecs_task_definition"} <= by_type
        alb = next(c for c in document["resource_changes"] if c["type"] == "aws_lb")
        assert isinstance(alb["change"]["after"]["access_logs"], list)  # a block: one-element list
        assert not any(k[:1].isupper() or any(ch.isupper() for ch in k) for k in alb["change"]["after"])  # Terraform attribute names


def test_cli_writes_one_file_per_stack_from_a_saved_plan(previews: dict[str, dict[str, StackPreview]], tmp_path: Path) -> None:
    saved = tmp_path / "preview.json"
    saved.write_text(json.dumps(to_json(list(previews["preview"].values()))))
    result = runner.invoke(app, ["preview", "--format", "terraform-plan", "--plan", str(saved), "--out", str(tmp_path / "tf")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "tf").iterdir()) == ["capetown.tfplan.json", "production.tfplan.json"]


def test_cli_needs_an_out_directory_and_a_valid_plan(tmp_path: Path) -> None:
    assert runner.invoke(app, ["preview", "--format", "terraform-plan", "--plan", str(tmp_path / "none.json")]).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = runner.invoke(app, ["preview", "--format", "terraform-plan", "--plan", str(bad), "--out", str(tmp_path / "tf")])
    assert result.exit_code == 2 and "not a `coko preview --json` document" in result.output
    assert runner.invoke(app, ["preview", "--format", "xml", "production"]).exit_code == 2


def _report(failed: list[tuple[str, str]], parsed: int, errors: int = 0) -> dict[str, Any]:
    return {
        "check_type": "terraform_plan",
        "summary": {"resource_count": parsed, "parsing_errors": errors},
        "results": {"failed_checks": [{"check_id": c, "resource": r} for c, r in failed], "passed_checks": [{"check_id": "CKV_AWS_1", "resource": "aws_lb.a"}]},
    }


def test_checkov_gate_blocks_unreviewed_failures_and_parsing_errors(tmp_path: Path) -> None:
    skips_file = tmp_path / "skips.yaml"
    skips_file.write_text("skips:\n  - check: CKV_AWS_1\n    resource: aws_lb.a\n    reason: Reviewed because the ALB sits behind CloudFront.\n  - check: CKV_AWS_9\n    resource: aws_lb.gone\n    reason: An old entry that no longer matches anything.\n")
    skips, bad = load_skips(skips_file)
    assert bad == []
    problems, stale, per_type = gate(_report([("CKV_AWS_1", "aws_lb.a")], parsed=1), skips, exported=1)
    assert problems == [] and stale == ["CKV_AWS_9 on aws_lb.gone"] and per_type == {"aws_lb": 2}
    problems, _, _ = gate(_report([("CKV_AWS_2", "aws_lb.a")], parsed=1), skips, exported=1)
    assert problems == ["CKV_AWS_2 failed on aws_lb.a (fix it, or add a reviewed entry to the skip file)"]
    problems, _, _ = gate(_report([], parsed=0, errors=1), skips, exported=1)
    assert any("could not parse" in p for p in problems) and any("parsed 0 resources" in p for p in problems)


def test_skip_entries_need_a_reason(tmp_path: Path) -> None:
    skips_file = tmp_path / "skips.yaml"
    skips_file.write_text("skips:\n  - check: CKV_AWS_1\n    resource: aws_lb.a\n    reason: because\n")
    assert load_skips(skips_file)[1]


def test_committed_skip_file_is_well_formed() -> None:
    skips, bad = load_skips(Path(__file__).resolve().parents[2] / "policies" / "checkov_skips.yaml")
    assert bad == [] and skips
