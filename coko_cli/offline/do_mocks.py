"""Offline answers for DigitalOcean resources, shaped like the API's (and the provider's) outputs.

Loaded only when a DigitalOcean stack is previewed (the runner imports it lazily), so AWS
previews pay nothing for it. Ids are UUIDs derived from the URN, so two runs agree; hosts,
ports and URIs follow DigitalOcean's formats (``private-<name>-do-user-….db.ondigitalocean.com``,
port 25060, pools on 25061; ``<app>-<hash>.ondigitalocean.app``; ``<bucket>.<dc>.cdn.digitaloceanspaces.com``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

PREFIX = "digitalocean:"
DB_PORT = 25060
POOL_PORT = 25061
ENGINE_SCHEME = {"pg": "postgresql", "valkey": "rediss", "opensearch": "https"}
ENGINE_USER = {"pg": "doadmin", "valkey": "default", "opensearch": "doadmin"}
# Data center -> region-less resources report nothing (project, registry credentials).
REGIONLESS = {
    "digitalocean:index/project:Project",
    "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials",
    "digitalocean:index/monitorAlert:MonitorAlert",
    "digitalocean:index/certificate:Certificate",
    "digitalocean:index/spacesKey:SpacesKey",
}

Factory = Callable[[str, str, str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _digest(*parts: str, length: int = 12) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(urn: str, salt: str = "") -> str:
    h = _digest(urn, salt, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def region(type_: str, inputs: dict[str, Any], stack_region: str) -> str | None:
    """The data center a DigitalOcean resource lives in (its own ``region``, else the stack's)."""
    if type_ in REGIONLESS:
        return None
    value = inputs.get("region")
    return value if isinstance(value, str) else stack_region


def _host(name: str, urn: str, private: bool) -> str:
    return f"{'private-' if private else ''}{name}-do-user-{int(_digest(urn, length=6), 16) % 9000000 + 1000000}-0.{_digest(urn, 'host', length=1)}.db.ondigitalocean.com"


def _cluster(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cid = _uuid(urn)
    cluster = str(inputs.get("name") or name)
    engine = str(inputs.get("engine") or "pg")
    user, password = ENGINE_USER.get(engine, "doadmin"), f"AVNS_{_digest(urn, 'pw', length=20)}"
    host, private_host = _host(cluster, urn, False), _host(cluster, urn, True)
    database = "defaultdb" if engine == "pg" else ""
    suffix = f"/{database}?sslmode=require" if engine == "pg" else ""
    scheme = ENGINE_SCHEME.get(engine, "https")
    return cid, {
        "clusterUrn": f"do:dbaas:{cid}",
        "host": host,
        "privateHost": private_host,
        "port": DB_PORT,
        "user": user,
        "password": password,
        "database": database,
        "uri": f"{scheme}://{user}:{password}@{host}:{DB_PORT}{suffix}",
        "privateUri": f"{scheme}://{user}:{password}@{private_host}:{DB_PORT}{suffix}",
        "region": region,
    }


def _pool(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    pool = str(inputs.get("name") or name)
    cluster_id = str(inputs.get("clusterId") or _uuid(urn, "cluster"))
    host = _host(pool, cluster_id, False)
    private = _host(pool, cluster_id, True)
    password = f"AVNS_{_digest(cluster_id, 'pw', length=20)}"
    return f"{cluster_id}/pool/{pool}", {
        "host": host,
        "privateHost": private,
        "port": POOL_PORT,
        "password": password,
        "uri": f"postgresql://doadmin:{password}@{host}:{POOL_PORT}/{pool}?sslmode=require",
        "privateUri": f"postgresql://doadmin:{password}@{private}:{POOL_PORT}/{pool}?sslmode=require",
    }


def _database(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return f"{inputs.get('clusterId', '')}/database/{inputs.get('name', name)}", {}


def _firewall(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rules = [{**rule, "uuid": _uuid(urn, str(i)), "createdAt": "2026-12-01T00:00:00Z"} for i, rule in enumerate(inputs.get("rules") or [])]
    return _uuid(urn), {"rules": rules}


def _vpc(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    vid = _uuid(urn)
    return vid, {"vpcUrn": f"do:vpc:{vid}", "default": False, "createdAt": "2026-12-01T00:00:00Z"}


def _bucket(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    bucket = str(inputs.get("name") or name)
    return bucket, {
        "bucketDomainName": f"{bucket}.{region}.digitaloceanspaces.com",
        "endpoint": f"{region}.digitaloceanspaces.com",
        "bucketUrn": f"do:space:{bucket}",
        "region": region,
    }


def _cdn(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    origin = str(inputs.get("origin") or f"{name}.{region}.digitaloceanspaces.com")
    return _uuid(urn), {"endpoint": origin.replace(".digitaloceanspaces.com", ".cdn.digitaloceanspaces.com"), "createdAt": "2026-12-01T00:00:00Z"}


def _certificate(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cid = _uuid(urn)
    return cid, {"uuid": cid, "state": "verified", "notAfter": "2027-03-01T00:00:00Z"}


def _registry(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    registry = str(inputs.get("name") or name)
    return registry, {"endpoint": f"registry.digitalocean.com/{registry}", "serverUrl": "registry.digitalocean.com", "storageUsageBytes": 0, "region": region}


def _registry_credentials(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    token = f"dop_v1_offline{_digest(urn, length=24)}"
    auth = base64.b64encode(f"{token}:{token}".encode()).decode()
    return str(inputs.get("registryName") or name), {
        "dockerCredentials": json.dumps({"auths": {"registry.digitalocean.com": {"auth": auth}}}),
        "credentialExpirationTime": "2026-12-01T01:00:00Z",
    }


def _spaces_key(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    access = "DO00" + _digest(urn, length=16).upper()
    return access, {"accessKey": access, "secretKey": _digest(urn, "secret", length=43), "createdAt": "2026-12-01T00:00:00Z"}


def _app(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    app_id = _uuid(urn)
    spec = inputs.get("spec") or {}
    app_name = str(spec.get("name") or name)
    ingress = f"https://{app_name}-{_digest(urn, length=5)}.ondigitalocean.app"
    domains = [d.get("name") for d in spec.get("domainNames") or [] if isinstance(d, dict)]
    return app_id, {
        "appUrn": f"do:app:{app_id}",
        "defaultIngress": ingress,
        "liveUrl": f"https://{domains[0]}" if domains else ingress,
        "liveDomain": domains[0] if domains else ingress.removeprefix("https://"),
        "activeDeploymentId": _uuid(urn, "deployment"),
        "createdAt": "2026-12-01T00:00:00Z",
        "updatedAt": "2026-12-01T00:00:00Z",
    }


def _project(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return _uuid(urn), {"ownerUuid": _uuid("owner"), "ownerId": 1234567, "isDefault": False, "createdAt": "2026-12-01T00:00:00Z"}


def _alert(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    uid = _uuid(urn)
    return uid, {"uuid": uid}


def _database_ca(args: dict[str, Any]) -> dict[str, Any]:
    """``getDatabaseCa``: the cluster's CA as PEM text (the provider decodes the API's base64).

    Offline it is a recognisable stand-in, not a parseable certificate: nothing offline connects.
    """
    cluster_id = str(args.get("clusterId") or "")
    body = base64.b64encode(f"offline preview: CA of database cluster {cluster_id}".encode()).decode()
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(body[i : i + 64] for i in range(0, len(body), 64)) + "\n-----END CERTIFICATE-----\n"
    return {"certificate": pem, "clusterId": cluster_id, "id": cluster_id}


INVOKES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "digitalocean:index/getDatabaseCa:getDatabaseCa": _database_ca,
}


def call_outputs(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """The answer to a DigitalOcean invoke, or None when the offline preview has none (the caller reports it)."""
    answer = INVOKES.get(token)
    return answer(args) if answer else None


OUTPUTS: dict[str, Factory] = {
    "digitalocean:index/vpc:Vpc": _vpc,
    "digitalocean:index/databaseCluster:DatabaseCluster": _cluster,
    "digitalocean:index/databaseDb:DatabaseDb": _database,
    "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool": _pool,
    "digitalocean:index/databaseFirewall:DatabaseFirewall": _firewall,
    "digitalocean:index/spacesBucket:SpacesBucket": _bucket,
    "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration": lambda n, u, r, i: (str(i.get("bucket") or n), {}),
    "digitalocean:index/spacesKey:SpacesKey": _spaces_key,
    "digitalocean:index/cdn:Cdn": _cdn,
    "digitalocean:index/certificate:Certificate": _certificate,
    "digitalocean:index/containerRegistry:ContainerRegistry": _registry,
    "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials": _registry_credentials,
    "digitalocean:index/app:App": _app,
    "digitalocean:index/project:Project": _project,
    "digitalocean:index/monitorAlert:MonitorAlert": _alert,
}


def resource_outputs(type_: str, name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) as DigitalOcean reports them after a create; an unknown type is an error, not a guess."""
    factory = OUTPUTS.get(type_)
    if factory is None:
        raise KeyError(f"the offline preview has no answer for {type_}; add it to coko_cli/offline/do_mocks.py")
    rid, computed = factory(name, urn, region, inputs)
    return rid, {**inputs, **computed, "id": rid}
