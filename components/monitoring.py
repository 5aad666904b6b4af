"""Monitoring: the seed's Prometheus alerts and Grafana panels, as CloudWatch alarms and a dashboard.

Mapping from the seed (the app's own Prometheus metrics stay available on /metrics):

=====================  ===========================================  =============================
seed alert             CloudWatch                                    window
=====================  ===========================================  =============================
HighErrorRate > 0.1/s  (ALB target 5xx + ALB 5xx) / period           rate over 300 s
HighResponseTime > 1s  TargetResponseTime p95                        300 s
DatabaseConnections    RDS DatabaseConnections max > 80              2 x 60 s
HighMemoryUsage > 90%  ECS MemoryUtilization per service              5 x 60 s
HighDiskUsage > 80%    RDS FreeStorageSpace < 20 % of allocation      300 s
=====================  ===========================================  =============================

Request metrics treat missing data as "not breaching" (no traffic means no errors); resource
metrics keep their state when data is missing so a gap does not clear a real alarm.
Every alarm notifies the SNS topic on ALARM and on OK.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.settings import MonitoringConfig

GIB = 1024**3


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric an alarm watches; ``statistic`` is e.g. ``Sum`` or a percentile ``p95``."""

    namespace: str
    name: str
    dimensions: Mapping[str, Any]
    period: int
    statistic: str

    def arguments(self) -> dict[str, Any]:
        stat = {"extended_statistic": self.statistic} if self.statistic.startswith("p") else {"statistic": self.statistic}
        return {"namespace": self.namespace, "metric_name": self.name, "dimensions": dict(self.dimensions), "period": self.period, **stat}


@dataclass(frozen=True)
class ReplicationWatch:
    """An S3 replication rule whose failures and delays alarm (metrics are reported in the source region)."""

    source_bucket: pulumi.Input[str]
    destination_bucket: pulumi.Input[str]
    rule_id: str
    late_after_seconds: int


@dataclass(frozen=True)
class MonitoringArgs:
    """What is watched; ``service_names`` maps role -> ECS service name (compute's outputs);
    ``web_target_group_arn_suffix`` is the reader frontend's target group behind the same ALB.

    ``replica_lag_seconds``: this region's database is a replica; alarm when it lags more (the RPO guard).
    """

    region: str
    alb_arn_suffix: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    web_target_group_arn_suffix: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_names: Mapping[str, pulumi.Input[str]]
    db_instance_identifier: pulumi.Input[str]
    db_allocated_storage_gb: int
    thresholds: MonitoringConfig
    kms_key_arn: pulumi.Input[str]
    replication: ReplicationWatch | None = None
    replica_lag_seconds: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def free_storage_threshold_bytes(self) -> int:
        """Disk usage above ``storage_percent`` == free space below the rest of the allocation."""
        return int(self.db_allocated_storage_gb * GIB * (100 - self.thresholds.storage_percent) / 100)


class Monitoring(pulumi.ComponentResource):
    """SNS alert topic (+ email), the alarms, and the dashboard; ``alarm_names`` for the docs and tests."""

    topic_arn: pulumi.Output[str]
    alarm_names: list[str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:monitoring:Monitoring", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        t = args.thresholds

        topic = aws.sns.Topic(
            f"{name}-alerts",
            name=f"{name}-alerts",
            kms_master_key_id=args.kms_key_arn,
            tags={**tags, "Name": f"{name}-alerts"},
            opts=child,
        )
        if t.alert_email:
            aws.sns.TopicSubscription(f"{name}-alerts-email", topic=topic.arn, protocol="email", endpoint=t.alert_email, opts=child)
        self._topic = topic
        self._name = name
        self._tags = tags
        self.alarm_names = []

        alb = {"LoadBalancer": args.alb_arn_suffix}
        tg = {"LoadBalancer": args.alb_arn_suffix, "TargetGroup": args.target_group_arn_suffix}
        db = {"DBInstanceIdentifier": args.db_instance_identifier}

        elb, rds = "AWS/ApplicationELB", "AWS/RDS"
        # HighErrorRate: 5xx per second over a 5-minute period, whether Django or the ALB answered.
        self._alarm(
            "5xx-rate",
            f"5xx responses above {t.error_rate_per_second}/s over 5 minutes (seed: HighErrorRate, critical)",
            None,
            t.error_rate_per_second,
            periods=1,
            missing="notBreaching",
            metric_queries=[
                {"id": "target5xx", "metric": _metric(elb, "HTTPCode_Target_5XX_Count", tg, 300, "Sum")},
                {"id": "elb5xx", "metric": _metric(elb, "HTTPCode_ELB_5XX_Count", alb, 300, "Sum")},
                {"id": "rate", "expression": "(FILL(target5xx, 0) + FILL(elb5xx, 0)) / PERIOD(target5xx)", "label": "5xx per second", "return_data": True},
            ],
        )
        latency = f"p95 response time above {t.p95_latency_seconds} s for 5 minutes (seed: HighResponseTime, warning)"
        self._alarm("p95-latency", latency, Metric(elb, "TargetResponseTime", tg, 300, "p95"), t.p95_latency_seconds, periods=1, missing="notBreaching")
        no_hosts = "no healthy backend task behind the ALB for 2 minutes"
        self.healthy_hosts_alarm_name = self._alarm(
            "healthy-hosts", no_hosts, Metric(elb, "HealthyHostCount", tg, 60, "Minimum"), 1, periods=2, missing="breaching", comparison="LessThanThreshold"
        )
        # The reader frontend: readers reach it first, so an empty or failing web target group pages too.
        web = {"LoadBalancer": args.alb_arn_suffix, "TargetGroup": args.web_target_group_arn_suffix}
        no_web = "no healthy web (reader frontend) task behind the ALB for 2 minutes"
        self._alarm(
            "web-healthy-hosts", no_web, Metric(elb, "HealthyHostCount", web, 60, "Minimum"), 1, periods=2, missing="breaching", comparison="LessThanThreshold"
        )
        web_errors = f"web (reader frontend) 5xx responses above {t.error_rate_per_second}/s over 5 minutes"
        web_5xx = [
            {"id": "web5xx", "metric": _metric(elb, "HTTPCode_Target_5XX_Count", web, 300, "Sum")},
            {"id": "rate", "expression": "FILL(web5xx, 0) / PERIOD(web5xx)", "label": "web 5xx per second", "return_data": True},
        ]
        self._alarm("web-5xx-rate", web_errors, None, t.error_rate_per_second, periods=1, missing="notBreaching", metric_queries=web_5xx)
        connections = f"more than {t.db_connections} database connections for 2 minutes (seed: DatabaseConnectionHigh, warning)"
        self._alarm("db-connections", connections, Metric(rds, "DatabaseConnections", db, 60, "Maximum"), t.db_connections, periods=2, missing="missing")
        # Storage autoscaling grows the volume when free space falls under 10 %; this alarm (20 %)
        # warns before that, and again whenever growth reaches maxAllocatedStorageGb.
        free = args.free_storage_threshold_bytes
        disk = f"database disk more than {t.storage_percent:g} % used (free space below {free} bytes; seed: HighDiskUsage)"
        self._alarm("db-storage", disk, Metric(rds, "FreeStorageSpace", db, 300, "Minimum"), free, periods=1, missing="missing", comparison="LessThanThreshold")
        # (metric, label, threshold, why): the seed's HighMemoryUsage, and CPU that autoscaling (70 %) is not keeping up with.
        usage = (
            ("Memory", "memory", t.memory_percent, "seed: HighMemoryUsage, critical"),
            ("CPU", "CPU", t.cpu_percent, "autoscaling targets 70 %: it is not keeping up"),
        )
        for role, service in args.service_names.items():
            dims = {"ClusterName": args.cluster_name, "ServiceName": service}
            for metric, label, threshold, why in usage:
                text = pulumi.Output.concat(service, f": {label} above {threshold:g} % for 5 minutes ({why})")
                self._alarm(f"{role}-{metric.lower()}", text, Metric("AWS/ECS", f"{metric}Utilization", dims, 60, "Average"), threshold, periods=5, missing="missing")
        if args.replica_lag_seconds is not None:
            lag = f"read replica more than {args.replica_lag_seconds} s behind its source for 3 minutes (the failover RPO guard)"
            # A replica that reports nothing is not replicating: missing data breaches.
            self._alarm("replica-lag", lag, Metric(rds, "ReplicaLag", db, 60, "Maximum"), args.replica_lag_seconds, periods=3, missing="breaching")
        if args.replication is not None:
            self._replication_alarms(args.replication)

        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=name,
            dashboard_body=pulumi.Output.all(
                args.alb_arn_suffix, args.target_group_arn_suffix, args.db_instance_identifier, args.cluster_name, *args.service_names.values()
            ).apply(lambda v: json.dumps(dashboard_body(args.region, v[0], v[1], v[2], v[3], v[4:]))),
            opts=child,
        )
        self.topic_arn = topic.arn
        self.register_outputs({"topicArn": topic.arn, "alarms": self.alarm_names, "dashboard": dashboard.dashboard_name})

    def _replication_alarms(self, watch: ReplicationWatch) -> None:
        """Failed or late media replication (S3 replication metrics, reported in the source region):
        https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html"""
        dims = {"SourceBucket": watch.source_bucket, "DestinationBucket": watch.destination_bucket, "RuleId": watch.rule_id}
        failed = "objects failed to replicate to the secondary region (its copy, and the CDN failover, are incomplete)"
        self._alarm("media-replication-failed", failed, Metric("AWS/S3", "OperationsFailedReplication", dims, 300, "Sum"), 0, periods=1, missing="notBreaching")
        late = f"media replication more than {watch.late_after_seconds} s behind"
        latency = Metric("AWS/S3", "ReplicationLatency", dims, 300, "Maximum")
        self._alarm("media-replication-late", late, latency, watch.late_after_seconds, periods=1, missing="notBreaching")

    def _alarm(
        self,
        suffix: str,
        description: pulumi.Input[str],
        metric: Metric | None,
        threshold: float,
        *,
        periods: int,
        missing: str,
        comparison: str = "GreaterThanThreshold",
        **queries: Any,
    ) -> str:
        """One alarm on ``metric`` (or on ``metric_queries``), notifying the topic on ALARM and on OK."""
        alarm_name = f"{self._name}-{suffix}"
        self.alarm_names.append(alarm_name)
        aws.cloudwatch.MetricAlarm(
            alarm_name,
            name=alarm_name,
            alarm_description=description,
            comparison_operator=comparison,
            threshold=threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            treat_missing_data=missing,
            alarm_actions=[self._topic.arn],
            ok_actions=[self._topic.arn],
            tags={**self._tags, "Name": alarm_name},
            opts=pulumi.ResourceOptions(parent=self),
            **(metric.arguments() if metric else {}),
            **queries,
        )
        return alarm_name


def _metric(namespace: str, name: str, dimensions: Mapping[str, Any], period: int, stat: str) -> dict[str, Any]:
    return {"namespace": namespace, "metric_name": name, "dimensions": dict(dimensions), "period": period, "stat": stat}


def dashboard_body(region: str, alb: str, tg: str, db: str, cluster: str, services: Sequence[str]) -> dict[str, Any]:
    """The seed's Grafana panels: request rate, latency p50/p95, database connections, memory."""

    def widget(title: str, metrics: list[list[Any]], x: int, y: int, view: str = "timeSeries", stat: str = "Sum") -> dict[str, Any]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {"title": title, "region": region, "view": view, "stat": stat, "period": 60, "metrics": metrics},
        }

    elb = "AWS/ApplicationELB"
    return {
        "widgets": [
            widget(
                "Request rate (per second)",
                [
                    [{"expression": "requests / PERIOD(requests)", "label": "requests/s", "id": "rate"}],
                    [elb, "RequestCount", "LoadBalancer", alb, {"id": "requests", "visible": False}],
                    [elb, "HTTPCode_Target_2XX_Count", "LoadBalancer", alb, "TargetGroup", tg, {"label": "2xx"}],
                    [elb, "HTTPCode_Target_4XX_Count", "LoadBalancer", alb, "TargetGroup", tg, {"label": "4xx"}],
                    [elb, "HTTPCode_Target_5XX_Count", "LoadBalancer", alb, "TargetGroup", tg, {"label": "5xx"}],
                ],
                0,
                0,
            ),
            widget(
                "Response time",
                [
                    [elb, "TargetResponseTime", "LoadBalancer", alb, "TargetGroup", tg, {"stat": "p50", "label": "50th percentile"}],
                    [elb, "TargetResponseTime", "LoadBalancer", alb, "TargetGroup", tg, {"stat": "p95", "label": "95th percentile"}],
                ],
                12,
                0,
                stat="p95",
            ),
            widget("Database connections", [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", db]], 0, 6, view="singleValue", stat="Maximum"),
            widget(
                "Memory usage %",
                [["AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", s, {"label": s}] for s in services],
                12,
                6,
                stat="Average",
            ),
        ]
    }
