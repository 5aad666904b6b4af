from django.apps import AppConfig


class ReadingConfig(AppConfig):
    """Per-user reading progress, stored in reading_db."""

    name = "coko.reading"
    label = "reading"
