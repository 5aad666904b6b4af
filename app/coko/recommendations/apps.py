from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """Precomputed recommendations, stored in recommendation_db."""

    name = "coko.recommendations"
    label = "recommendations"
