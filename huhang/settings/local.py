"""A laptop or `make run`: SQLite, tasks in-process, mail on the console."""

import os

os.environ.setdefault("DEBUG", "true")
# Only used on a developer's machine; production has no default (see production.py).
os.environ.setdefault("SECRET_KEY", "local-only-insecure-key-do-not-use-in-production")

from .base import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
