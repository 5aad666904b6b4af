"""The reader frontend (app/web) in both stacks: image, service, routing, caching, env contract, policy."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coko_cli.main import app
from coko_cli.offline.report import to_json
from coko_cli.offline.runner import StackPreview
from coko_contract import names
from components.app_env import EnvContractError, build_container_env, load_json_contract
from components.registry import BUILD_INPUTS, WEB_BUILD_INPUTS, git_image_tag
from policies.engine import evaluate, parse_levels, stacks_from_preview
from policies.exemptions import DEFAULT_FILE, load
from policies.rules import all_rules
from policies.rules.network import INGRESS_RULE as INGRESS
from policies.rules.resource_types import DISTRIBUTION
from policies.rules.resource_types import ECR_REPOSITORY as REPO
from policies.rules.resource_types import TARGET_GROUP as TG
from stacks.compute import BACKEND_PORT, LIVENESS_PORT, web_values
from stacks.config_source import load_stack_file
from tests.components.compute_helpers import container, services, task_definitions
from tests.conftest import STACKS, of_type, one

ROOT = Path(__file__).resolve().parents[2]
WEB = names.WEB_ROLE
ONE_YEAR = 31536000
MODES = ("preview", "up")
IMAGE = "docker:index/image:Image"
RULE = "aws:lb/listenerRule:ListenerRule"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
API = {"production": "api.coko.africa", "capetown": "api-za.coko.africa"}


def web_container(preview: StackPreview) -> dict[str, Any]:
    return container(preview, WEB)


def by_output_id(preview: StackPreview, type_: str, id_: str) -> dict[str, Any]:
    return next(r.inputs for r in of_type(preview, type_) if r.outputs["id"] == id_)


# --- image -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stack", STACKS)
def test_up_builds_app_web_with_its_own_dockerfile_into_its_own_repository(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    preview = previews[mode][stack]
    image = one(preview, IMAGE, "web-image")
    assert image.inputs["build"] == {"context": "app/web", "dockerfile": "app/web/Dockerfile", "platform": load_stack_file(stack).image.platform}
    assert image.inputs["registry"]["password"] in ("[secret]", "[unknown]")
    repo = one(preview, REPO, "web-image").inputs
    assert repo["name"] == f"coko/{stack}-web"
    assert repo["imageTagMutability"] == "IMMUTABLE" and repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfigurations"][0]["encryptionType"] == "KMS"


def test_the_web_task_runs_the_pushed_digest_of_the_web_image(preview: StackPreview) -> None:
    digest = one(preview, IMAGE, "web-image").outputs["repoDigest"]
    image = web_container(preview)["image"]
    assert "@sha256:" in image and image == digest
    assert image.startswith(one(preview, REPO, "web-image").outputs["repositoryUrl"] + "@")
    assert preview.outputs["webImageRef"] == digest


def _git(repo: Path, *argv: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *argv], cwd=repo, check=True, capture_output=True)


def test_each_image_tag_changes_only_with_its_own_build_inputs(tmp_path: Path) -> None:
    """The app's build context leaves app/web out (.dockerignore), so each image gets a new tag only
    when what it is built from changes (ECR tags are immutable)."""
    for path in ("app/x.py", "app/web/page.tsx", "uv.lock"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("v1\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "init")
    clean = git_image_tag(tmp_path)
    assert git_image_tag(tmp_path, WEB_BUILD_INPUTS) == clean
    (tmp_path / "app/web/page.tsx").write_text("v2\n")
    assert git_image_tag(tmp_path, BUILD_INPUTS) == clean
    assert git_image_tag(tmp_path, WEB_BUILD_INPUTS).startswith(f"{clean}-dirty-")
    _git(tmp_path, "checkout", "--", "app/web/page.tsx")
    (tmp_path / "app/x.py").write_text("v2\n")
    assert git_image_tag(tmp_path, BUILD_INPUTS).startswith(f"{clean}-dirty-")
    assert git_image_tag(tmp_path, WEB_BUILD_INPUTS) == clean


# --- service -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stack", STACKS)
def test_web_service_runs_three_tasks_that_autoscale_like_the_backend(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    preview = previews[mode][stack]
    svc = services(preview)[WEB].inputs
    assert svc["name"] == names.service_name(stack, WEB) and svc["tags"]["Service"] == WEB
    assert svc["desiredCount"] == 3  # the seed's docker-compose replicas
    assert (svc["deploymentMinimumHealthyPercent"], svc["deploymentMaximumPercent"]) == (100, 134)  # one extra task at a time
    assert svc["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert svc["networkConfiguration"]["assignPublicIp"] is False
    assert task_definitions(preview)[WEB].inputs["family"] == names.task_family(stack, WEB)
    [target] = [t.inputs for t in of_type(preview, "aws:appautoscaling/target:Target") if t.name == f"coko-{stack}-web-scaling"]
    assert (target["minCapacity"], target["maxCapacity"]) == (3, 10)
    policies = {p.inputs["name"]: p.inputs for p in of_type(preview, "aws:appautoscaling/policy:Policy") if p.name.startswith(f"coko-{stack}-web-")}
    backend = {p.inputs["name"]: p.inputs for p in of_type(preview, "aws:appautoscaling/policy:Policy") if p.name.startswith(f"coko-{stack}-backend-")}
    conf = "targetTrackingScalingPolicyConfiguration"
    assert {n.rsplit("-", 1)[1]: p[conf]["targetValue"] for n, p in policies.items()} == {"cpu": 70, "memory": 80}
    assert sorted(p[conf]["targetValue"] for p in policies.values()) == sorted(p[conf]["targetValue"] for p in backend.values())


def test_web_container_is_the_images_non_root_server_on_3000_with_a_node_health_check(preview: StackPreview) -> None:
    c = web_container(preview)
    assert c["command"] == ["node", "server.js"]
    assert c["user"] == "10001:10001"  # the Dockerfile's coko user
    assert c["portMappings"] == [{"name": "http", "containerPort": 3000, "hostPort": 3000, "protocol": "tcp"}]
    check = c["healthCheck"]["command"]
    assert check[:3] == ["CMD", "node", "-e"] and "fetch('http://127.0.0.1:3000/api/health')" in check[3]  # no curl in the image
    assert c["readonlyRootFilesystem"] is True and c["privileged"] is False
    assert [m["containerPath"] for m in c["mountPoints"]] == ["/tmp"]  # the one path the standalone server writes
    assert c["linuxParameters"]["capabilities"] == {"drop": ["ALL"]}
    assert c["logConfiguration"]["options"]["awslogs-group"] == f"/coko/{preview.stack}/web"
    log_group = one(preview, "aws:cloudwatch/logGroup:LogGroup", f"coko-{preview.stack}-web-logs").inputs
    assert log_group["name"] == f"/coko/{preview.stack}/web" and log_group["kmsKeyId"] == preview.outputs["kmsKeyArn"]


@pytest.mark.parametrize("stack", STACKS)
def test_web_environment_is_its_regions_api_and_region_and_no_secret(up: dict[str, StackPreview], stack: str) -> None:
    c = web_container(up[stack])
    env = {e["name"]: e["value"] for e in c["environment"]}
    assert env == {"NEXT_PUBLIC_API_URL": f"https://{API[stack]}", "NEXT_PUBLIC_REGION": up[stack].region}
    assert c["secrets"] == []


def test_web_roles_pull_one_image_write_one_log_group_and_grant_the_code_nothing(preview: StackPreview) -> None:
    task = task_definitions(preview)[WEB].inputs
    roles = {r.outputs["arn"]: r for r in of_type(preview, "aws:iam/role:Role")}
    execution, task_role = roles[task["executionRoleArn"]], roles[task["taskRoleArn"]]
    assert execution is not task_role
    backend = task_definitions(preview)["backend"].inputs
    assert {task["executionRoleArn"], task["taskRoleArn"]}.isdisjoint({backend["executionRoleArn"], backend["taskRoleArn"]})
    policies = {p.inputs["role"]: json.loads(p.inputs["policy"]) for p in of_type(preview, "aws:iam/rolePolicy:RolePolicy")}
    assert task_role.outputs["id"] not in policies  # no inline policy
    attached = {a.inputs["role"] for a in of_type(preview, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert task_role.outputs["id"] not in attached and task_role.outputs["name"] not in attached
    statements = {s["Sid"]: s for s in policies[execution.outputs["id"]]["Statement"]}
    assert set(statements) == {"EcrToken", "EcrPull", "Logs"}  # no secret to read
    assert statements["EcrPull"]["Resource"] == one(preview, REPO, "web-image").outputs["arn"]
    assert statements["Logs"]["Resource"] == [f"arn:aws:logs:{preview.region}:123456789012:log-group:/coko/{preview.stack}/web:log-stream:*"]


# --- routing -----------------------------------------------------------------------------------


def test_the_apex_with_cloudfronts_header_goes_to_the_web_target_group(preview: StackPreview) -> None:
    group = one(preview, TG, "edge-web-tg")
    tg = group.inputs
    assert tg["name"] == f"coko-{preview.stack}-web" and len(tg["name"]) <= 24  # COKO-LIFE-003 headroom
    assert (tg["port"], tg["protocol"], tg["targetType"]) == (3000, "HTTP", "ip")
    assert (tg["healthCheck"]["path"], tg["healthCheck"]["matcher"]) == ("/api/health", "200")
    web_rule = one(preview, RULE, "web-host").inputs
    conditions = {next(iter(c)): c[next(iter(c))] for c in web_rule["conditions"]}
    assert conditions["hostHeader"] == {"values": ["coko.africa"]}
    assert conditions["httpHeader"] == {"httpHeaderName": "X-Origin-Verify", "values": ["[secret]"]}
    assert web_rule["actions"] == [{"type": "forward", "targetGroupArn": group.outputs["arn"]}]
    # Evaluated before the backend's catch-all (lowest number first); everything else stays with Django.
    backend_rule = one(preview, RULE, "from-cloudfront").inputs
    assert web_rule["priority"] < backend_rule["priority"]
    assert backend_rule["actions"] == [{"type": "forward", "targetGroupArn": one(preview, TG, "edge-tg").outputs["arn"]}]
    assert services(preview)[WEB].inputs["loadBalancers"] == [{"targetGroupArn": group.outputs["arn"], "containerName": "web", "containerPort": 3000}]
    assert preview.leaks == []


def test_the_alb_reaches_each_service_on_its_own_port_only(preview: StackPreview) -> None:
    alb_sg = one(preview, "aws:ec2/securityGroup:SecurityGroup", "edge-sg").outputs["id"]
    web_sg = one(preview, "aws:ec2/securityGroup:SecurityGroup", f"coko-{preview.stack}-web-sg").outputs["id"]
    app_sg = preview.outputs["appSecurityGroupId"]
    assert web_sg != app_sg
    from_alb = {
        (r.inputs["securityGroupId"], r.inputs["fromPort"], r.inputs["toPort"])
        for r in of_type(preview, INGRESS)
        if r.inputs.get("referencedSecurityGroupId") == alb_sg
    }
    # The backend's group: its request port and its liveness listener; the web's: 3000 and nothing else.
    assert {(sg, low, high) for sg, low, high in from_alb if sg == app_sg} == {(app_sg, port, port) for port in (BACKEND_PORT, LIVENESS_PORT)}
    assert {(sg, low, high) for sg, low, high in from_alb if sg != app_sg} == {(web_sg, 3000, 3000)}
    assert services(preview)[WEB].inputs["networkConfiguration"]["securityGroups"] == [web_sg]
    # The web's group reaches nothing in the data tier: no rule of any data group references it.
    assert not [r for r in of_type(preview, INGRESS) if r.inputs.get("referencedSecurityGroupId") == web_sg]


@pytest.mark.parametrize("stack", STACKS)
def test_the_origin_certificate_covers_the_apex_cloudfront_forwards_as_host(up: dict[str, StackPreview], stack: str) -> None:
    cert = one(up[stack], "aws:acm/certificate:Certificate", "certs-origin").inputs
    assert "coko.africa" in [cert["domainName"], *cert["subjectAlternativeNames"]]


# --- CloudFront --------------------------------------------------------------------------------


def test_next_static_files_are_cached_a_year_from_the_alb_for_reads_only(preview: StackPreview) -> None:
    distribution = one(preview, DISTRIBUTION).inputs
    behaviours = {b["pathPattern"]: b for b in distribution["orderedCacheBehaviors"]}
    assert {"/static/*", "/media/*", "/_next/static/*"} <= set(behaviours)
    assets = behaviours["/_next/static/*"]
    assert assets["targetOriginId"] == "api"  # the ALB, which routes by Host to the web
    assert set(assets["allowedMethods"]) == {"GET", "HEAD", "OPTIONS"}
    assert assets["viewerProtocolPolicy"] == "redirect-to-https"
    policy = by_output_id(preview, CACHE_POLICY, assets["cachePolicyId"])
    assert (policy["defaultTtl"], policy["maxTtl"]) == (ONE_YEAR, ONE_YEAR)
    key = policy["parametersInCacheKeyAndForwardedToOrigin"]
    assert key["headersConfig"]["headers"]["items"] == ["Host"]  # routing, and no cross-host cache entry
    assert key["cookiesConfig"]["cookieBehavior"] == "none" and key["queryStringsConfig"]["queryStringBehavior"] == "none"
    # The S3 behaviours are untouched: still their buckets (or origin groups).
    assert behaviours["/static/*"]["targetOriginId"] != "api" and behaviours["/media/*"]["targetOriginId"] != "api"


def test_the_shared_default_behaviour_keys_on_host_and_follows_nextjs_cache_control(preview: StackPreview) -> None:
    default = one(preview, DISTRIBUTION).inputs["defaultCacheBehavior"]
    policy = by_output_id(preview, CACHE_POLICY, default["cachePolicyId"])
    headers = policy["parametersInCacheKeyAndForwardedToOrigin"]["headersConfig"]["headers"]["items"]
    assert "Host" in headers  # coko.africa/ and api.coko.africa/ are different pages
    assert {"RSC", "Next-Router-Prefetch", "Next-Router-State-Tree", "Next-Router-Segment-Prefetch"} <= set(headers)
    assert len(headers) <= 10  # CloudFront's limit per cache policy
    assert policy["minTtl"] == 0  # a page saying private/no-store is never cached


def test_the_primary_distribution_serves_the_apex_and_the_secondary_does_not(up: dict[str, StackPreview]) -> None:
    assert "coko.africa" in one(up["production"], DISTRIBUTION).inputs["aliases"]
    assert "coko.africa" not in one(up["capetown"], DISTRIBUTION).inputs["aliases"]


# --- env contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_the_infrastructure_sets_exactly_the_runtime_variables_of_the_web_contract(stack: str) -> None:
    contract = load_json_contract()
    declared = json.loads((ROOT / "app/web/env-contract.json").read_text())["variables"]
    runtime = {v["name"] for v in declared if v["phase"] == "runtime"}
    assert {v.name for v in contract} == runtime and "NEXT_PUBLIC_CDN_URL" not in runtime  # a build argument
    env = build_container_env(contract, web_values(load_stack_file(stack)), {})
    assert env.names == runtime


def test_a_variable_the_contract_does_not_declare_at_run_time_is_refused() -> None:
    values = {**web_values(load_stack_file("production")), "NEXT_PUBLIC_CDN_URL": "https://cdn.example", "HOSTNAME": "0.0.0.0"}
    with pytest.raises(EnvContractError) as caught:
        build_container_env(load_json_contract(), values, {}, source="app/web/env-contract.json")
    message = str(caught.value)
    assert "app/web/env-contract.json" in message and "NEXT_PUBLIC_CDN_URL" in message and "HOSTNAME" in message


def test_a_required_web_variable_left_out_is_refused() -> None:
    values = web_values(load_stack_file("production"))
    del values["NEXT_PUBLIC_REGION"]
    with pytest.raises(EnvContractError, match="NEXT_PUBLIC_REGION: required setting"):
        build_container_env(load_json_contract(), values, {})


def test_a_new_required_runtime_variable_in_the_contract_fails_the_build(tmp_path: Path) -> None:
    document = json.loads((ROOT / "app/web/env-contract.json").read_text())
    document["variables"].append({"name": "NEXT_PUBLIC_NEW", "phase": "runtime", "required": True, "secret": False, "description": "new"})
    path = tmp_path / "env-contract.json"
    path.write_text(json.dumps(document))
    with pytest.raises(EnvContractError, match="NEXT_PUBLIC_NEW: required setting"):
        build_container_env(load_json_contract(path), web_values(load_stack_file("capetown")), {})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not a readable JSON env contract"),
        ('{"variables": []}', '"variables" must be a non-empty list'),
        (
            '{"variables": [{"name": "X", "phase": "deploy", "required": true, "secret": false}]}',
            r"variables\[0\] \(X\): \"phase\" must be one of build, runtime",
        ),
        ('{"variables": [{"phase": "runtime"}]}', r'variables\[0\]: needs a "name"'),
    ],
)
def test_a_malformed_contract_is_one_error_naming_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "env-contract.json"
    path.write_text(content)
    with pytest.raises(EnvContractError, match=expected) as caught:
        load_json_contract(path)
    assert str(path) in str(caught.value)


# --- the plan as a whole -----------------------------------------------------------------------


def _check(tmp_path: Path, document: dict[str, Any]) -> Any:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    return CliRunner().invoke(app, ["check", "--plan", str(plan)])


@pytest.mark.parametrize("mode", MODES)
def test_coko_check_passes_on_both_stacks_with_the_web(previews: dict[str, dict[str, StackPreview]], mode: str, tmp_path: Path) -> None:
    document = to_json(list(previews[mode].values()))
    checked = {s["stack"]: {r["name"] for r in s["resources"]} for s in document["stacks"]}
    for stack in STACKS:
        assert {f"coko-{stack}-web-service", f"coko-{stack}-web-task", f"coko-{stack}-edge-web-tg", f"coko-{stack}-edge-web-host"} <= checked[stack]
    result = _check(tmp_path, document)
    assert result.exit_code == 0, result.output
    assert "passed" in result.output


def test_the_policy_pack_holds_the_web_task_to_the_backends_rules(up: dict[str, StackPreview]) -> None:
    """The same rules cover the new service: a privileged web container fails the check, root is reported."""
    document = copy.deepcopy(to_json(list(up.values())))
    production = next(s for s in document["stacks"] if s["stack"] == "production")
    task = next(r for r in production["resources"] if r["name"] == "coko-production-web-task")
    [definition] = json.loads(task["inputs"]["containerDefinitions"])
    task["inputs"]["containerDefinitions"] = json.dumps([{**definition, "privileged": True, "user": "root"}])
    rules = all_rules()
    report = evaluate(stacks_from_preview(document), rules, parse_levels(None, rules), load(DEFAULT_FILE, {r.id for r in rules}))
    found = {(f.rule.id, f.name) for f in report.mandatory}
    assert ("COKO-ECS-001", "coko-production-web-task") in found  # privileged
    assert any(f.name == "coko-production-web-task" and "runs as root" in f.message for f in report.findings)  # advisory, like the backend's
