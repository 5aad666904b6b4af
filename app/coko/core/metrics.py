"""Prometheus /metrics, answered only off the public path.

The public path is CloudFront -> ALB -> task. The ALB always adds
X-Forwarded-For and public requests carry the public API host name, so either
one means "came from the internet" and gets a 404. Prometheus scrapes the task
directly on its private IP, without either.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host
from django_prometheus.exports import ExportToDjangoView

from coko.core.errors import error_response


def is_public_request(request: HttpRequest) -> bool:
    """True when the request came through CloudFront/ALB or names a public host."""
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return True
    host, _port = split_domain_port(request.META.get("HTTP_HOST", ""))
    refused = getattr(settings, "METRICS_REFUSED_HOSTS", [])
    return bool(host) and validate_host(host, refused)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition (multi-process aware via PROMETHEUS_MULTIPROC_DIR)."""
    if is_public_request(request):
        return error_response(404)
    return ExportToDjangoView(request)
