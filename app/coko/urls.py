"""URL map: JSON API under /api/ and the admin.

/health/, /health/ready/ and /metrics are answered by coko.core.middleware before routing.
Every error handler answers JSON (coko.core.views).
"""

from django.contrib import admin
from django.urls import include, path

from coko.core import auth_views

urlpatterns = [
    path("api/auth/me/", auth_views.me, name="auth-me"),
    path("api/auth/login/", auth_views.login_view, name="auth-login"),
    path("api/auth/logout/", auth_views.logout_view, name="auth-logout"),
    path("api/catalog/", include("coko.catalog.urls")),
    path("api/reading/", include("coko.reading.urls")),
    path("api/recommendations/", include("coko.recommendations.urls")),
    path("admin/login/", auth_views.require_counters(admin.site.login), name="admin-login"),
    path("admin/", admin.site.urls),
]

handler400 = "coko.core.views.bad_request"
handler403 = "coko.core.views.permission_denied"
handler404 = "coko.core.views.not_found"
handler500 = "coko.core.views.server_error"
