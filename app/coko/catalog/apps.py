from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Books, stored in catalog_db."""

    name = "coko.catalog"
    label = "catalog"

    def ready(self) -> None:
        from coko.catalog import signals  # noqa: F401 - connects cache invalidation
