"""Sentry initialisation, isolated so settings import sentry_sdk only when used."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def init_sentry(dsn: str, *, environment: str, region: str) -> None:
    """Report errors and 10 % of traces; never send personal data (send_default_pii=False)."""
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=0.1,
        send_default_pii=False,
        environment=environment,
    )
    sentry_sdk.set_tag("region", region)
