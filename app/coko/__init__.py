"""Coko Django project. Importing the package loads the Celery app so shared_task binds to it."""

from coko.celery import app as celery_app

__all__ = ("celery_app",)
