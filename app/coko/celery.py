"""Celery application shared by the worker and beat containers (`celery -A coko`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coko.settings.production")

app = Celery("coko")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
