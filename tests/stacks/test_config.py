"""Bad stack config gets one line per problem naming the file and the key; good config loads."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stacks.config_source import ConfigError, load_stack_file, parse_config, read_stack_file

SOURCE = "Pulumi.production.yaml"


def production_raw() -> tuple[dict[str, Any], set[str]]:
    raw, secrets = read_stack_file("production")
    return copy.deepcopy(raw), set(secrets)


def problems_for(mutate: Any, stack: str = "production") -> list[str]:
    raw, secrets = production_raw()
    mutate(raw, secrets)
    with pytest.raises(ConfigError) as info:
        parse_config(stack, raw, secrets, SOURCE)
    return info.value.problems


def test_both_stack_files_load_with_the_seed_numbers() -> None:
    production = load_stack_file("production")
    capetown = load_stack_file("capetown")
    assert (production.region, production.role) == ("eu-west-3", "primary")
    assert (capetown.region, capetown.role) == ("af-south-1", "secondary")
    assert production.services.backend.min_count == 3
    assert production.services.worker.min_count == 2
    assert production.services.scheduler.min_count == 1
    assert production.database.backup_retention_days == 7
    assert production.database.backup_window == "03:00-04:00"
    assert production.database.maintenance_window == "sun:04:00-sun:05:00"
    assert production.autoscaling.cpu_target == 70 and production.autoscaling.memory_target == 80
    assert production.autoscaling.scale_in_cooldown_seconds == 300 == production.autoscaling.scale_out_cooldown_seconds
    assert production.domain.api == "api.coko.africa"
    assert "djangoSecretKey" in production.secret_keys


def test_every_secret_in_the_stack_files_is_a_pulumi_secret() -> None:
    for stack in ("production", "capetown"):
        raw, secrets = read_stack_file(stack)
        secret_like = {k for k in raw if k.split(":")[1] in {"djangoSecretKey", "sentryDsn", "redisAuthToken"} or "Secret" in k or "ApiKey" in k}
        assert secret_like and secret_like <= secrets


def _set(path: str, value: Any) -> Any:
    """Mutator setting coko:<key>.<nested> in the raw config."""

    def mutate(raw: dict[str, Any], secrets: set[str]) -> None:
        key, *rest = path.split(".")
        if not rest:
            raw[key] = value
            return
        node = raw.setdefault(key, {})
        for part in rest[:-1]:
            node = node.setdefault(part, {})
        node[rest[-1]] = value

    return mutate


def _drop_secret(raw: dict[str, Any], secrets: set[str]) -> None:
    del raw["coko:waveSecret"]
    secrets.discard("coko:waveSecret")


def _plain_secret(raw: dict[str, Any], secrets: set[str]) -> None:
    secrets.discard("coko:djangoSecretKey")


def _sets(*pairs: tuple[str, Any]) -> Any:
    """Several settings at once (a secondary stack needs role, region and primaryStack together)."""

    def mutate(raw: dict[str, Any], secrets: set[str]) -> None:
        for path, value in pairs:
            _set(path, value)(raw, secrets)

    return mutate


BAD_INPUTS = [
    ("bad CIDR", _set("coko:network.cidr", "10.0.0/16"), "coko:network.cidr", "invalid CIDR"),
    ("public VPC range", _set("coko:network.cidr", "8.8.0.0/16"), "coko:network.cidr", "private IPv4"),
    ("overlapping subnets", _set("coko:network.dataSubnets", ["10.0.20.0/24", "10.0.21.0/24", "10.0.1.0/25"]), "coko:network", "overlaps"),
    ("subnet outside VPC", _set("coko:network.privateSubnets", ["10.0.10.0/24", "10.0.11.0/24", "10.9.0.0/24"]), "coko:network", "outside the VPC"),
    ("one AZ", _set("coko:network.azCount", 1), "coko:network.azCount", "greater than or equal to 2"),
    ("subnet count vs AZs", _set("coko:network.publicSubnets", ["10.0.1.0/24", "10.0.2.0/24"]), "coko:network", "one per AZ"),
    ("bad NAT strategy", _set("coko:network.natStrategy", "none"), "coko:network.natStrategy", "per-az"),
    ("min count below 1", _set("coko:services.worker.minCount", 0), "coko:services.worker.minCount", "greater than or equal to 1"),
    ("scheduler count not 1", _set("coko:services.scheduler", {"minCount": 2, "maxCount": 2}), "coko:services.scheduler", "exactly one"),
    ("min above max", _set("coko:services.backend.minCount", 20), "coko:services.backend", "above maxCount"),
    ("desired count is not a setting", _set("coko:services.backend.desiredCount", 4), "coko:services.backend", "autoscaling owns the running count"),
    ("DigitalOcean key in an AWS stack", _set("digitalocean:token", "dop_v1_x"), "digitalocean:token", "deploys to aws"),
    ("unknown cloud", _set("coko:cloud", "gcp"), "coko:cloud", "not a supported cloud"),
    ("malformed primaryStack", _sets(("coko:role", "secondary"), ("aws:region", "af-south-1"), ("coko:disasterRecovery", {}), ("coko:cdn", {}), ("coko:primaryStack", "production")), "coko:primaryStack", "<org>/coko/production"),
    ("missing primaryStack", _sets(("coko:role", "secondary"), ("aws:region", "af-south-1"), ("coko:disasterRecovery", {}), ("coko:cdn", {})), "coko:primaryStack", "needs it"),
    ("secondary logging to Paris", _sets(("coko:role", "secondary"), ("aws:region", "af-south-1"), ("coko:disasterRecovery", {}), ("coko:primaryStack", "organization/coko/production")), "coko:cdn.logBucketRegion", "must not depend on a primary region"),
    ("half a DR target", _set("coko:disasterRecovery", {"secondaryStack": "capetown"}), "coko:disasterRecovery", "go together"),
    ("invalid Fargate size", _set("coko:services.backend.memory", 3000), "coko:services.backend", "not valid with cpu"),
    ("region not allowed for role", _set("aws:region", "us-east-1"), "aws:region", "not allowed for a primary stack"),
    ("DB class of the wrong family", _set("coko:database.instanceClass", "cache.r6g.large"), "coko:database.instanceClass", "not a RDS instance class"),
    ("cache class of the wrong family", _set("coko:cache.nodeType", "db.r6g.large"), "coko:cache.nodeType", "not a ElastiCache instance class"),
    ("search class of the wrong family", _set("coko:search.instanceType", "r6g.large"), "coko:search.instanceType", "not a OpenSearch instance class"),
    ("missing required secret", _drop_secret, "coko:waveSecret", "required secret"),
    ("secret in plain text", _plain_secret, "coko:djangoSecretKey", "must be a secret"),
    ("unknown key", _set("coko:databse", {"multiAz": True}), "coko:databse", "unknown setting"),
    ("unknown nested key", _set("coko:database.multiAZ", True), "coko:database.multiAZ", "unknown setting"),
    ("backups shorter than 7 days", _set("coko:database.backupRetentionDays", 1), "coko:database.backupRetentionDays", "greater than or equal to 7"),
    ("bad backup window", _set("coko:database.backupWindow", "3am"), "coko:database.backupWindow", "not a window"),
    ("old PostgreSQL", _set("coko:database.engineVersion", "13.4"), "coko:database.engineVersion", "too old"),
    ("max storage below allocated", _set("coko:database.maxAllocatedStorageGb", 10), "coko:database.maxAllocatedStorageGb", "greater than or equal to 20"),
    ("invalid log retention", _set("coko:network.flowLogRetentionDays", 10), "coko:network.flowLogRetentionDays", "not a CloudWatch retention value"),
    ("price class without African edges", _set("coko:cdn.priceClass", "PriceClass_100"), "coko:cdn.priceClass", "PriceClass_200"),
    ("CDN logs in an opt-in region", _set("coko:cdn.logBucketRegion", "af-south-1"), "coko:cdn.logBucketRegion", "opt-in region"),
    ("bad domain", _set("coko:domain.api", "api..coko"), "coko:domain.api", "not a valid DNS name"),
    ("wrong type", _set("coko:services.backend.cpu", "lots"), "coko:services.backend.cpu", "valid integer"),
    ("primary pointing at a primary", _set("coko:primaryStack", "organization/coko/production"), "coko:primaryStack", "only a secondary"),
    ("unknown namespace", _set("cokoo:role", "primary"), "cokoo:role", "unknown config namespace"),
]


@pytest.mark.parametrize(("case", "mutate", "key", "fragment"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_names_file_key_and_problem(case: str, mutate: Any, key: str, fragment: str) -> None:
    problems = problems_for(mutate)
    matching = [p for p in problems if p.startswith(f"{SOURCE}: {key}") and fragment in p]
    assert matching, f"{case}: no line for {key} containing {fragment!r} in {problems}"
    assert len(problems) == 1, f"{case}: expected exactly one problem line, got {problems}"


def test_several_mistakes_give_one_line_each() -> None:
    def mutate(raw: dict[str, Any], secrets: set[str]) -> None:
        _set("coko:network.cidr", "nonsense")(raw, secrets)
        _set("coko:services.worker.minCount", 0)(raw, secrets)
        _set("aws:region", "us-west-2")(raw, secrets)
        _drop_secret(raw, secrets)

    problems = problems_for(mutate)
    assert len(problems) == 4
    assert all(p.startswith(SOURCE + ": ") and "\n" not in p for p in problems)


def test_secondary_stack_needs_its_primary_reference() -> None:
    raw, secrets = read_stack_file("capetown")
    del raw["coko:primaryStack"]
    with pytest.raises(ConfigError) as info:
        parse_config("capetown", raw, secrets, "Pulumi.capetown.yaml")
    assert info.value.problems == [
        "Pulumi.capetown.yaml: coko:primaryStack: a secondary stack needs it to find the source database; "
        "set it to <org>/coko/production, where <org> is your Pulumi organization (or `organization` on a self-managed backend)"
    ]
