"""moto 5.2.5's disaster-recovery gaps, bridged in the in-process server (tests only; docs/ops.md lists them).

- Secrets Manager has no StopReplicationToReplica: added here as AWS documents it (the replica
  becomes a standalone secret in its region, same ARN, same versions; the primary forgets it).
- PromoteReadReplica keeps ReadReplicaSourceDBInstanceIdentifier and never passes through
  `modifying`: the patched call drops the link (on both sides) and reports `modifying` on the
  next DescribeDBInstances, then `available` — so the CLI's wait loop is exercised.
- ECS: tests/ops/motostack.install_sim (exit codes, log lines, deployments that complete), plus
  the service's runningCount following desiredCount after UpdateService (moto leaves it).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from moto.ecs.models import EC2ContainerServiceBackend
from moto.rds.models import DBInstance, RDSBackend
from moto.secretsmanager.models import FakeSecret, ReplicaSecret, SecretsManagerBackend, secretsmanager_backends
from moto.secretsmanager.responses import SecretsManagerResponse

from tests.ops.motostack import EcsSim, install_sim


def stop_replication_to_replica(backend: SecretsManagerBackend, secret_id: str) -> str:
    replica = backend.secrets[secret_id]
    if not isinstance(replica, ReplicaSecret):
        from moto.secretsmanager.exceptions import InvalidParameterException

        raise InvalidParameterException("The secret is not a replica secret.")
    source = replica.source
    standalone = copy.copy(source)
    standalone.region, standalone.arn, standalone.replicas = replica.region, replica.arn, []
    standalone.versions = copy.deepcopy(source.versions)
    dict.pop(backend.secrets, replica.arn)
    backend.secrets[standalone.arn] = standalone
    source.replicas = [r for r in source.replicas if r.region != replica.region]
    return str(standalone.arn)


def install(setattr: Callable[[Any, str, Any], None]) -> EcsSim:
    """Patch the in-process moto; returns the ECS knobs (exit code of one-off tasks, …)."""

    def response_stop_replication(self: SecretsManagerResponse) -> str:
        secret_id = self._get_param("SecretId")
        backend = secretsmanager_backends[self.current_account][self.region]
        return json.dumps({"ARN": stop_replication_to_replica(backend, secret_id)})

    setattr(SecretsManagerResponse, "stop_replication_to_replica", response_stop_replication)

    original_describe = RDSBackend.describe_db_instances

    def promote_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        database = self.databases[db_kwargs["db_instance_identifier"]]
        if database.is_replica:
            source = self.find_db_from_id(str(database.source_db_instance_identifier))
            if database.db_instance_identifier in source.replicas:
                source.remove_replica(database)
            elif database.arn in source.replicas:
                source.replicas.remove(database.arn)
            database.is_replica = False
            database.source_db_instance_identifier = None
            database.status = "modifying"
            setattr(database, "_drill_modifying", True)
        return database

    def describe_db_instances(self: RDSBackend, *args: Any, **kwargs: Any) -> list[DBInstance]:
        found = original_describe(self, *args, **kwargs)
        for database in found:
            if getattr(database, "_drill_modifying", False):  # one describe in `modifying`, then done
                setattr(database, "_drill_modifying", False)
            elif database.status == "modifying":
                database.status = "available"
        return found

    setattr(RDSBackend, "promote_read_replica", promote_read_replica)
    setattr(RDSBackend, "describe_db_instances", describe_db_instances)

    sim = install_sim(setattr)
    simulated_update = EC2ContainerServiceBackend.update_service

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Any:
        service = simulated_update(self, service_properties)
        service.running_count = service.desired_count
        for deployment in service.deployments:
            deployment.update(runningCount=service.desired_count, desiredCount=service.desired_count)
        return service

    setattr(EC2ContainerServiceBackend, "update_service", update_service)
    return sim


__all__ = ["FakeSecret", "install", "stop_replication_to_replica"]
