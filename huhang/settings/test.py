"""The test suite: SQLite by default, PostgreSQL and Redis when CI exports DATABASE_URL and CELERY_BROKER_URL."""

import os

from huhang.crypto import DEVELOPMENT_KEY_ENTRY

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DEBUG", "false")
# A fixed development key for the encrypted fields (huhang/crypto.py); production has none (production.py).
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", DEVELOPMENT_KEY_ENTRY)

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins; tests only
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One folder per pytest-xdist worker (gw0, gw1 …), so that no worker removes another's files.
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{os.environ.get('PYTEST_XDIST_WORKER', '')}"  # noqa: F405
# Records which URL patterns the suite requested, so that an untested pattern fails the run (tests/url_coverage.py).
MIDDLEWARE = [*MIDDLEWARE, "tests.url_coverage.RecordRouteMiddleware"]  # noqa: F405
# Static files straight from the source folders, as in development (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tasks run inline in unit tests even when CI provides a broker; the broker tests start a real worker themselves
# (tests/test_celery_broker.py), so no test can wait forever on a queue nobody consumes.
CELERY_TASK_ALWAYS_EAGER = True
# Tests run cycles themselves; a background thread would race their transactions.
REMINDERS_IN_PROCESS = False
