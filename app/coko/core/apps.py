from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: routing, health, metrics guard, ops commands."""

    name = "coko.core"
    label = "core"
