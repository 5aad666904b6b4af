from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: routing, health, metrics guard, error shape, ops commands."""

    name = "coko.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings

        from coko.core.auth_backend import connect_invalidation

        connect_invalidation()

        if settings.DATABASE_READ_ONLY:
            # Signing in on a read replica must not write last_login (sessions live in Redis).
            from django.contrib.auth.models import update_last_login
            from django.contrib.auth.signals import user_logged_in

            user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
