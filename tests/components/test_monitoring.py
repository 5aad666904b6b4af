"""Monitoring: the seed's Prometheus alerts as CloudWatch alarms, its Grafana panels as a dashboard."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.monitoring import MonitoringArgs
from components.settings import MonitoringConfig
from tests.conftest import STACKS, of_type, one, stack_key

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def alarms(preview: StackPreview) -> dict[str, dict]:
    prefix = f"coko-{preview.stack}-monitoring-"
    return {r.inputs["name"].removeprefix(prefix): r.inputs for r in of_type(preview, ALARM)}


def test_alert_topic_is_encrypted_with_the_stack_key_and_mails_oncall(preview: StackPreview) -> None:
    topic = one(preview, "aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == stack_key(preview).outputs["arn"]
    sub = one(preview, "aws:sns/topicSubscription:TopicSubscription").inputs
    assert (sub["protocol"], sub["endpoint"], sub["topic"]) == ("email", "oncall@coko.africa", topic.outputs["arn"])


@pytest.mark.parametrize("stack", STACKS)
def test_every_alarm_notifies_the_topic_on_alarm_and_on_recovery(up: dict[str, StackPreview], stack: str) -> None:
    topic = one(up[stack], "aws:sns/topic:Topic").outputs["arn"]
    found = alarms(up[stack])
    # 5xx, p95, healthy hosts, web healthy hosts and 5xx, db connections, db storage, cpu+memory x 4
    # services (3 roles + web); then disaster recovery: failed and late media replication in the
    # primary, replica lag in the secondary.
    assert len(found) == (17 if stack == "production" else 16)
    for alarm in found.values():
        assert alarm["alarmActions"] == [topic] and alarm["okActions"] == [topic]
        assert alarm["treatMissingData"] in {"missing", "notBreaching", "breaching"}


def test_error_rate_alarm_is_the_seed_rate_over_five_minutes(preview: StackPreview) -> None:
    alarm = alarms(preview)["5xx-rate"]
    assert alarm["threshold"] == 0.1 and alarm["comparisonOperator"] == "GreaterThanThreshold"
    queries = {q["id"]: q for q in alarm["metricQueries"]}
    assert {queries["target5xx"]["metric"]["metricName"], queries["elb5xx"]["metric"]["metricName"]} == {"HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"}
    assert queries["target5xx"]["metric"]["period"] == 300
    assert "PERIOD(target5xx)" in queries["rate"]["expression"] and queries["rate"]["returnData"] is True
    alb = one(preview, "aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]
    assert queries["elb5xx"]["metric"]["dimensions"] == {"LoadBalancer": alb}


@pytest.mark.parametrize("stack", STACKS)
def test_latency_connections_memory_and_disk_thresholds_match_the_seed(up: dict[str, StackPreview], stack: str) -> None:
    found = alarms(up[stack])
    p95 = found["p95-latency"]
    assert (p95["metricName"], p95["extendedStatistic"], p95["threshold"], p95["period"]) == ("TargetResponseTime", "p95", 1.0, 300)
    db = found["db-connections"]
    assert (db["metricName"], db["threshold"], db["period"] * db["evaluationPeriods"]) == ("DatabaseConnections", 80, 120)
    assert db["dimensions"] == {"DBInstanceIdentifier": f"coko-{stack}-db"}
    disk = found["db-storage"]
    assert (disk["metricName"], disk["comparisonOperator"]) == ("FreeStorageSpace", "LessThanThreshold")
    assert disk["threshold"] == 20 * 1024**3 * 0.2  # 80 % used of the 20 GB allocation
    for role in ("backend", "worker", "scheduler"):
        memory = found[f"{role}-memory"]
        assert (memory["namespace"], memory["metricName"], memory["threshold"]) == ("AWS/ECS", "MemoryUtilization", 90)
        assert memory["period"] * memory["evaluationPeriods"] == 300
        assert memory["dimensions"] == {"ClusterName": f"coko-{stack}", "ServiceName": f"coko-{stack}-{role}"}
        assert found[f"{role}-cpu"]["metricName"] == "CPUUtilization"


def test_the_reader_frontend_pages_when_it_has_no_healthy_task_or_answers_5xx(preview: StackPreview) -> None:
    found = alarms(preview)
    alb = one(preview, "aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]
    web_group = one(preview, "aws:lb/targetGroup:TargetGroup", "-web").outputs["arnSuffix"]
    hosts = found["web-healthy-hosts"]
    assert (hosts["metricName"], hosts["statistic"], hosts["comparisonOperator"], hosts["threshold"]) == ("HealthyHostCount", "Minimum", "LessThanThreshold", 1)
    assert hosts["dimensions"] == {"LoadBalancer": alb, "TargetGroup": web_group}
    assert hosts["treatMissingData"] == "breaching" and hosts["period"] * hosts["evaluationPeriods"] == 120
    errors = {q["id"]: q for q in found["web-5xx-rate"]["metricQueries"]}
    assert errors["web5xx"]["metric"]["metricName"] == "HTTPCode_Target_5XX_Count"
    assert errors["web5xx"]["metric"]["dimensions"] == {"LoadBalancer": alb, "TargetGroup": web_group}
    assert found["web-5xx-rate"]["threshold"] == 0.1 and errors["rate"]["returnData"] is True
    # The API's own alarms stay on the API's target group.
    assert found["healthy-hosts"]["dimensions"]["TargetGroup"] != web_group


def test_alarms_watch_the_services_the_stack_really_runs(preview: StackPreview) -> None:
    running = set(preview.outputs["serviceNames"].values())
    watched = {a["dimensions"]["ServiceName"] for a in alarms(preview).values() if "ServiceName" in a.get("dimensions", {})}
    assert watched == running
    assert {a["dimensions"]["ClusterName"] for a in alarms(preview).values() if "ClusterName" in a.get("dimensions", {})} == {preview.outputs["clusterName"]}


@pytest.mark.parametrize("stack", STACKS)
def test_dashboard_has_the_seed_grafana_panels(up: dict[str, StackPreview], stack: str) -> None:
    body = json.loads(one(up[stack], "aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles == ["Request rate (per second)", "Response time", "Database connections", "Memory usage %"]
    latency = body["widgets"][1]["properties"]["metrics"]
    assert [m[-1]["stat"] for m in latency] == ["p50", "p95"]
    assert all(w["properties"]["region"] == up[stack].region for w in body["widgets"])


def test_free_storage_threshold_follows_the_allocation() -> None:
    args = MonitoringArgs(
        region="eu-west-3", alb_arn_suffix="app/x/1", target_group_arn_suffix="targetgroup/x/1",
        web_target_group_arn_suffix="targetgroup/web/1", cluster_name="c",
        service_names={}, db_instance_identifier="db", db_allocated_storage_gb=100, thresholds=MonitoringConfig(), kms_key_arn="k",
    )
    assert args.free_storage_threshold_bytes == 20 * 1024**3
