"""boto3 session, clients and the translation of AWS failures into one readable line.

Retries are botocore's (standard or adaptive mode), never hand-written: throttling and
transient 5xx are absorbed there, and what survives the retries is reported, not traced back.
Each attempt is bounded by --connect-timeout and --read-timeout (botocore's defaults are 60 s
each, for every one of 8 attempts), and the whole command by a `Deadline` checked before every
attempt (a `before-send` hook) and between polls, so a stalled endpoint costs seconds, not minutes.
Timeouts: https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    TokenRetrievalError,
)

from coko_cli.ops.errors import Exit, OpsError

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_logs import CloudWatchLogsClient

RetryMode = Literal["standard", "adaptive"]


@dataclass(frozen=True)
class AwsOptions:
    """How to reach AWS: region (stack file unless overridden), profile and botocore retries."""

    region: str
    profile: str | None = None
    retry_mode: RetryMode = "standard"
    max_attempts: int = 8
    connect_timeout: float = 5
    read_timeout: float = 30


class Deadline:
    """The command's total time limit (0: none), checked before each AWS attempt and each poll."""

    def __init__(self, seconds: float, clock: Any = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self.ends = clock() + seconds if seconds else None

    def remaining(self) -> float | None:
        return None if self.ends is None else max(0.0, self.ends - self.clock())

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """For clean-up after an interrupt or a timeout (stopping a task must still be possible)."""
        ends, self.ends = self.ends, None
        try:
            yield
        finally:
            self.ends = ends

    def check(self, doing: str) -> None:
        if self.ends is not None and self.clock() >= self.ends:
            raise OpsError(
                f"Gave up after the command's --deadline of {self.seconds:g}s while {doing}.",
                Exit.TIMEOUT,
                "Raise --deadline (0: none) if AWS is just slow; anything already started keeps running (see `coko status`).",
            )


class CallLog:
    """What the command is calling right now, so a timeout message can name it."""

    def __init__(self, options: AwsOptions, deadline: Deadline):
        self.options, self.deadline = options, deadline
        self.operation = "AWS"

    def before_call(self, model: Any, **_: Any) -> None:
        self.operation = f"{model.service_model.service_id} {model.name}"

    def before_send(self, **_: Any) -> None:
        self.deadline.check(f"calling {self.operation}")


_calls: CallLog | None = None  # the running command's (one command per process)


def new_session(profile: str | None, region: str) -> boto3.Session:
    """One place that builds the session, so tests can wrap it (e.g. to inject throttling)."""
    return boto3.Session(profile_name=profile, region_name=region)


class Clients:
    """The clients a command needs, sharing one session and one retry policy.

    The logs client is built on first use: loading a service model costs ~0.1 s, and only
    `migrate` reads logs.
    """

    def __init__(self, session: boto3.Session, config: Config, region: str):
        self.session, self.config, self.region = session, config, region
        with aws_errors():
            self.ecs: ECSClient = session.client("ecs", config=config)
        self._logs: CloudWatchLogsClient | None = None

    @property
    def logs(self) -> CloudWatchLogsClient:
        if self._logs is None:
            with aws_errors():
                self._logs = self.session.client("logs", config=self.config)
        return self._logs


def make_clients(options: AwsOptions, deadline: Deadline | None = None) -> Clients:
    global _calls
    # total_max_attempts counts the first try (botocore's max_attempts does not), like AWS_MAX_ATTEMPTS.
    config = Config(
        retries={"mode": options.retry_mode, "total_max_attempts": options.max_attempts},
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        user_agent_extra="coko-cli",
    )
    _calls = CallLog(options, deadline or Deadline(0))
    with aws_errors():
        session = new_session(options.profile, options.region)
        session.events.register("before-call", _calls.before_call)
        session.events.register("before-send", _calls.before_send)
        return Clients(session, config, options.region)


_ACCESS = ("AccessDenied", "UnauthorizedOperation", "UnrecognizedClient", "InvalidClientTokenId", "AuthFailure", "SignatureDoesNotMatch")
_EXPIRED = ("ExpiredToken", "RequestExpired", "TokenRefreshRequired")
_THROTTLE = ("Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ProvisionedThroughputExceeded", "SlowDown")


def explain_client_error(exc: ClientError) -> OpsError:
    """Map an AWS error code to a sentence an operator can act on at 3 a.m."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    message = str(error.get("Message", "")).strip()
    operation = exc.operation_name
    if code.startswith(_EXPIRED):
        return OpsError(f"AWS credentials have expired ({operation}: {code}).", Exit.AWS, "Refresh them (aws sso login, or new session credentials) and retry.")
    if code.startswith(_ACCESS):
        return OpsError(
            f"Access denied by AWS on {operation}: {message or code}.",
            Exit.AWS,
            "The credentials in use lack this permission; see docs/ops.md for the IAM actions each command needs.",
        )
    if code.startswith(_THROTTLE):
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return OpsError(
            f"AWS kept throttling {operation} after {attempts + 1} attempts ({code}).",
            Exit.AWS,
            "Retry later, or raise --max-attempts / use --retry-mode adaptive.",
            transient=True,
        )
    if code == "ClusterNotFoundException":
        return OpsError(f"ECS cluster not found ({operation}): {message or code}.", Exit.USAGE, "Check --stack/--region, or name it with --cluster.")
    if code == "ServiceNotFoundException":
        return OpsError(f"ECS service not found ({operation}): {message or code}.", Exit.USAGE, "Check --service, or that the stack is deployed.")
    if code == "ServiceNotActiveException":
        return OpsError(f"ECS service is not active ({operation}): {message or code}.", Exit.USAGE)
    if code == "ResourceNotFoundException":
        return OpsError(f"AWS resource not found ({operation}): {message or code}.", Exit.USAGE)
    if code in ("ClientException", "InvalidParameterException", "ValidationException"):
        return OpsError(f"AWS rejected {operation}: {message or code}.", Exit.FAILED)
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return OpsError(f"AWS error on {operation}: {code}: {message}".rstrip(": ") + ".", Exit.AWS, transient=status >= 500)


def _timeout_error(exc: BotoCoreError) -> OpsError:
    """Say which limit ran out, on which call, after how many attempts."""
    calls = _calls
    operation = calls.operation if calls else "AWS"
    attempts = calls.options.max_attempts if calls else 1
    endpoint = getattr(exc, "kwargs", {}).get("endpoint_url", "")
    if isinstance(exc, ConnectTimeoutError):
        limit = f"--connect-timeout {calls.options.connect_timeout:g}s" if calls else "the connect timeout"
        what = f"Could not connect to AWS for {operation} within {limit}"
    else:
        limit = f"--read-timeout {calls.options.read_timeout:g}s" if calls else "the read timeout"
        what = f"AWS did not answer {operation} within {limit}"
    return OpsError(
        f"{what} ({attempts} attempt(s); endpoint {endpoint}).",
        Exit.AWS,
        "Check the network, the region and AWS_ENDPOINT_URL; raise the timeout if the endpoint is just slow.",
        transient=True,
    )


def explain_botocore_error(exc: BotoCoreError) -> OpsError:
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return OpsError("No AWS credentials found.", Exit.AWS, "Set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run in a role.")
    if isinstance(exc, TokenRetrievalError):
        return OpsError(f"AWS SSO token could not be refreshed: {exc}.", Exit.AWS, "Run `aws sso login` and retry.")
    if isinstance(exc, ProfileNotFound):
        return OpsError(f"{exc}.", Exit.USAGE, "Check --profile / AWS_PROFILE against ~/.aws/config.")
    if isinstance(exc, NoRegionError):
        return OpsError("No AWS region.", Exit.USAGE, "Pass --region.")
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)):
        return _timeout_error(exc)
    if isinstance(exc, EndpointConnectionError):
        return OpsError(f"Cannot reach AWS: {exc}.", Exit.AWS, "Check the network, the region and AWS_ENDPOINT_URL.", transient=True)
    return OpsError(f"AWS client error: {exc}.", Exit.AWS)


def explain(exc: ClientError | BotoCoreError) -> OpsError:
    return explain_client_error(exc) if isinstance(exc, ClientError) else explain_botocore_error(exc)


@contextmanager
def aws_errors() -> Iterator[None]:
    """Turn botocore exceptions raised inside the block into OpsError."""
    try:
        yield
    except ClientError as exc:
        raise explain_client_error(exc) from exc
    except BotoCoreError as exc:
        raise explain_botocore_error(exc) from exc
