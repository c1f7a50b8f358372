"""Production-like settings on a developer's keys: what the bench measures.

DEBUG off, the cached template loader (Django's default once DEBUG is off), production's middleware and persistent
connections (CONN_MAX_AGE as production.py), no in-process reminders cycle; the local settings' development keys and
plain static files storage (no collectstatic needed). The bench's own URL map adds the two references.
"""

import os
import warnings

os.environ["DEBUG"] = "false"  # before base.py reads it: local.py would default it to true

from django.conf import global_settings

from huhang.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405 — the floor's
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 — as production.py
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# The web process never runs the reminders' finder in production (a worker does): nor here.
REMINDERS_IN_PROCESS = False
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A 404 or a slow page is what the bench reports itself; the console stays for its table.
LOGGING["root"]["level"] = "ERROR"  # noqa: F405
LOGGING["loggers"]["django.request"] = {"level": "CRITICAL"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "bench-media"  # noqa: F405 — the import's uploaded file, the exports
# The cache as production's (CACHE_URL: Redis, shared by gunicorn's workers) or each process's own memory; keyed by
# database, so that two factors measured side by side on one Redis never read each other's figures.
CACHES = {"default": {**globals().get("CACHES", global_settings.CACHES)["default"]}}
CACHES["default"]["KEY_PREFIX"] = f"bench-{DATABASES['default']['NAME']}"  # noqa: F405
# Production serves collected static files; the bench requests no static file and runs no collectstatic.
warnings.filterwarnings("ignore", message="No directory at")
