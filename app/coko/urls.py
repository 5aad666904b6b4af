"""URL map: JSON API under /api/, readiness under /health/ready/.

/health/ and /metrics are answered by coko.core.middleware before routing.
"""

from django.contrib import admin
from django.urls import include, path

from coko.core import auth_views, health

urlpatterns = [
    path("health/ready/", health.readiness, name="readiness"),
    path("api/auth/me/", auth_views.me, name="auth-me"),
    path("api/auth/login/", auth_views.login_view, name="auth-login"),
    path("api/auth/logout/", auth_views.logout_view, name="auth-logout"),
    path("api/catalog/", include("coko.catalog.urls")),
    path("api/reading/", include("coko.reading.urls")),
    path("api/recommendations/", include("coko.recommendations.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "coko.core.views.not_found"
handler500 = "coko.core.views.server_error"
