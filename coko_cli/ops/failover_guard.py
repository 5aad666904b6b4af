"""The region guard of `coko failover`: no client for, and no request to, the primary's region.

A failover runs when Paris may be down. A single call to an eu-west-3 endpoint would hang on
timeouts and retries at best, and at worst act on the region being abandoned. So the guard is
in code, at two levels of the one boto3 session the command uses:

- the client factory refuses to build a client whose region is the forbidden one;
- a botocore ``before-send`` hook (the last event before the HTTP request leaves) refuses any
  request whose endpoint host or SigV4 credential scope names the forbidden region, whatever
  built the client (the scope is what AWS routes and authorises by: ``Credential=<key>/<date>/
  <region>/<service>/aws4_request``; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).

Global services (Route 53, IAM, STS) are signed for us-east-1 and are allowed.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from coko_cli.ops.aws import Clients, aws_errors, new_session
from coko_cli.ops.errors import Exit, OpsError

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/(?P<region>[a-z0-9-]+)/")


class RegionRefused(OpsError):
    """Raised before any byte is sent to the forbidden region."""

    def __init__(self, region: str, what: str):
        super().__init__(
            f"Refused {what}: `coko failover` never calls the primary region {region} (it may be down).",
            Exit.FAILED,
            "This is a bug in coko if you see it; nothing was sent to that region.",
        )
        self.region = region


def request_region(url: str, headers: Any) -> str | None:
    """The region a prepared request is signed for (None when unsigned)."""
    auth = headers.get("Authorization") if headers is not None else None
    if isinstance(auth, bytes):
        auth = auth.decode("ascii", "replace")
    match = _SCOPE.search(auth or "") or _SCOPE.search(url.replace("%2F", "/"))
    return match.group("region") if match else None


def install_guard(session: boto3.Session, forbidden: str) -> None:
    """Register the before-send hook on the session (clients made later inherit it)."""

    def refuse_forbidden(request: Any, **_: Any) -> None:
        host = urlsplit(request.url).hostname or ""
        if request_region(request.url, request.headers) == forbidden or f".{forbidden}." in f".{host}.":
            raise RegionRefused(forbidden, f"a request to {host or request.url}")

    session.events.register("before-send", refuse_forbidden, unique_id="coko-failover-region-guard")


class GuardedClients:
    """Clients in the secondary region (plus Route 53), built on demand, never in `forbidden`."""

    def __init__(self, session: boto3.Session, config: Config, region: str, forbidden: str):
        if region == forbidden:
            raise RegionRefused(forbidden, f"to work in {region}")
        install_guard(session, forbidden)
        self.session, self.config, self.region, self.forbidden = session, config, region, forbidden
        self.ops = Clients(session, config, region)  # ECS + logs, the shape oneoff/discovery take
        self._made: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.region
        if region == self.forbidden:
            raise RegionRefused(self.forbidden, f"a {service} client for {region}")
        key = (service, region)
        if key not in self._made:
            with aws_errors():
                self._made[key] = self.session.client(service, region_name=region, config=self.config)  # type: ignore[call-overload]
        return self._made[key]

    @property
    def ecs(self) -> Any:
        return self.ops.ecs

    @property
    def route53(self) -> Any:
        # Route 53 is global: its endpoint and signing region are us-east-1's whatever the client's region.
        return self.client("route53")


def guarded_clients(profile: str | None, region: str, forbidden: str, retry_mode: str, max_attempts: int) -> GuardedClients:
    config = Config(retries={"mode": retry_mode, "total_max_attempts": max_attempts}, user_agent_extra="coko-cli")  # type: ignore[arg-type]
    with aws_errors():
        return GuardedClients(new_session(profile, region), config, region, forbidden)
