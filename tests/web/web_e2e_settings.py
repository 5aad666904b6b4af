"""Django settings for the web's end-to-end tests: the test settings on their own databases.

The API runs under gunicorn for Playwright (tests/web/serve_api.py), on databases named
after WEB_E2E_DB_BASE so pytest's test_* databases are never touched. Every request comes
from 127.0.0.1, so the per-IP rate limit is raised (it would otherwise throttle the suite,
not a reader); sign-in lockout (django-axes, when installed) keeps its production values.
"""

from __future__ import annotations

import os

from coko.settings.databases import databases_from_url
from coko.settings.test import *  # noqa: F403
from coko.settings.test import DATABASE_URL, REDIS_URL, redis_cache

_base_url = DATABASE_URL.rsplit("/", 1)[0]
DATABASES = databases_from_url(f"{_base_url}/{os.environ.get('WEB_E2E_DB_BASE', 'cokoweb')}", options={"connect_timeout": 3})
CACHES = {"default": redis_cache(REDIS_URL, key_prefix="coko-web-e2e")}
API_RATE_LIMIT = "100000/m"
