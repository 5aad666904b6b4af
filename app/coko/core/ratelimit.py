"""Client IP and rate for django-ratelimit (and django-axes) behind CloudFront -> ALB.

REMOTE_ADDR is the load balancer, so keying on it would make every user share
one bucket. CloudFront appends the viewer IP to X-Forwarded-For and the ALB
appends CloudFront's, so the viewer is the second entry from the right; a
client-supplied prefix cannot spoof it.

The reader frontend calls the API from its server on the reader's behalf, so
CloudFront's viewer is then one of our own NAT egress IPs (TRUSTED_EGRESS_IPS),
shared by every reader. The web puts the reader's IP in X-Forwarded-For (as it
derived it, the same way), so for a request from one of our egress IPs the
entry before it is the reader. Nobody else can send from those IPs.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

TRUSTED_PROXY_HOPS = 1  # the ALB; CloudFront's own entry is the viewer's


def client_ip(request: HttpRequest) -> str:
    """Viewer IP from X-Forwarded-For (the reader's, for the web's calls), falling back to REMOTE_ADDR."""
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if not forwarded:
        return str(request.META.get("REMOTE_ADDR", "127.0.0.1"))
    index = max(len(forwarded) - 1 - TRUSTED_PROXY_HOPS, 0)
    if index > 0 and forwarded[index] in settings.TRUSTED_EGRESS_IPS:
        index -= 1  # our own web's server-side call: the reader is the entry it forwarded
    return forwarded[index]


def api_rate(group: str, request: HttpRequest) -> str:
    """Per-IP rate for API views, configurable per environment (API_RATE_LIMIT)."""
    return str(settings.API_RATE_LIMIT)
