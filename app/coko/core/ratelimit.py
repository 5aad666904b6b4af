"""Client IP and rate for django-ratelimit behind CloudFront -> ALB.

REMOTE_ADDR is the load balancer, so keying on it would make every user share
one bucket. CloudFront appends the viewer IP to X-Forwarded-For and the ALB
appends CloudFront's, so the viewer is the second entry from the right; a
client-supplied prefix cannot spoof it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

TRUSTED_PROXY_HOPS = 1  # the ALB; CloudFront's own entry is the viewer's


def client_ip(request: HttpRequest) -> str:
    """Viewer IP from X-Forwarded-For, falling back to REMOTE_ADDR."""
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if forwarded:
        return forwarded[max(len(forwarded) - 1 - TRUSTED_PROXY_HOPS, 0)]
    return str(request.META.get("REMOTE_ADDR", "127.0.0.1"))


def api_rate(group: str, request: HttpRequest) -> str:
    """Per-IP rate for API views, configurable per environment (API_RATE_LIMIT)."""
    return str(settings.API_RATE_LIMIT)
