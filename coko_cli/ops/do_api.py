"""DigitalOcean API access for the ops commands, through the official client (pydo).

One place turns the token, the endpoint and the shared options into a client, finds the stack's
App Platform app by its name (``coko-<stack>``, what the program creates), and maps API failures
onto the ops exit codes: a missing token or unknown app is a usage error (2), a refusal or an
unreachable API is 4, like AWS.
API reference: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs, urlparse

from coko_cli.exit_codes import Exit
from coko_cli.ops.errors import OpsError
from coko_contract import names

if TYPE_CHECKING:
    from pydo import Client

    from coko_cli.ops.command import OpsOptions

TOKEN_VARIABLES = ("DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN")
ENDPOINT_VARIABLE = "DIGITALOCEAN_API_URL"  # like doctl's --api-url; tests point it at a local fake
DEFAULT_ENDPOINT = "https://api.digitalocean.com"
T = TypeVar("T")


def token_from_env(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for name in TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            return value
    raise OpsError(
        "no DigitalOcean API token: set DIGITALOCEAN_TOKEN (a read/write personal access token).",
        Exit.USAGE,
        "Create one at https://cloud.digitalocean.com/account/api/tokens; `doctl auth init` stores its own copy, which this command does not read.",
    )


def make_client(options: OpsOptions) -> Client:
    """pydo client with the shared timeouts and retry budget (azure-core keywords)."""
    from pydo import Client

    return Client(
        token=token_from_env(),
        endpoint=os.environ.get(ENDPOINT_VARIABLE, DEFAULT_ENDPOINT).rstrip("/"),
        connection_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        retry_total=max(options.max_attempts - 1, 0),
    )


@contextmanager
def api_errors(action: str) -> Iterator[None]:
    """DigitalOcean's refusals and network failures as one readable line with the ops exit codes."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError, ServiceResponseError

    try:
        yield
    except ClientAuthenticationError as exc:
        raise OpsError(
            f"DigitalOcean refused the token while trying to {action} ({_status(exc)}).",
            Exit.AWS,
            "Check DIGITALOCEAN_TOKEN: it must be valid, unexpired and allowed to read and update apps.",
        ) from None
    except HttpResponseError as exc:
        raise OpsError(f"DigitalOcean answered {_status(exc)} while trying to {action}: {_message(exc)}", Exit.AWS) from None
    except (ServiceRequestError, ServiceResponseError) as exc:
        raise OpsError(f"cannot reach the DigitalOcean API to {action}: {exc}", Exit.AWS) from None


def _status(exc: Any) -> str:
    return str(getattr(exc, "status_code", None) or "error")


def _message(exc: Any) -> str:
    response = getattr(exc, "response", None)
    try:
        body = response.json() if response is not None else {}
    except Exception:  # a non-JSON error page
        body = {}
    return str(body.get("message") or getattr(exc, "reason", "") or exc).strip()


def call(action: str, fn: Callable[[], T]) -> T:
    with api_errors(action):
        return fn()


def app_name(stack: str) -> str:
    """The App Platform app of a stack (stacks/digitalocean.py names it so)."""
    return names.prefix(stack)


def find_app(client: Client, stack: str) -> dict[str, Any]:
    """The stack's app, by name, across every page of GET /v2/apps."""
    wanted = app_name(stack)
    page: int | None = 1
    seen: list[str] = []
    while page is not None:
        listing = _apps_page(client, page)
        for app in listing.get("apps") or []:
            name = (app.get("spec") or {}).get("name", "")
            if name == wanted:
                return dict(app)
            seen.append(name)
        page = _next_page(listing)
    raise OpsError(
        f"no App Platform app named {wanted} for stack {stack} (apps on this account: {', '.join(sorted(seen)) or 'none'}).",
        Exit.USAGE,
        f"Deploy it first (`pulumi up -s {stack}`), or use a token of the team that owns it.",
    )


def _apps_page(client: Client, page: int) -> Mapping[str, Any]:
    return call("list apps", lambda: client.apps.list(page=page, per_page=100))


def _next_page(listing: Mapping[str, Any]) -> int | None:
    url = ((listing.get("links") or {}).get("pages") or {}).get("next")
    if not url:
        return None
    values = parse_qs(urlparse(url).query).get("page")
    return int(values[0]) if values else None


def deployments(client: Client, app_id: str, limit: int) -> list[dict[str, Any]]:
    """Newest first, as GET /v2/apps/{id}/deployments returns them."""
    listing = call("list deployments", lambda: client.apps.list_deployments(app_id, page=1, per_page=min(max(limit, 1), 100)))
    return list(listing.get("deployments") or [])[:limit]
