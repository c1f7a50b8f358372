"""A laptop or `make run`: SQLite, tasks in-process, mail on the console."""

import os

from huhang.crypto import DEVELOPMENT_KEY_ENTRY

os.environ.setdefault("DEBUG", "true")
# Only used on a developer's machine; production has no default (see production.py).
os.environ.setdefault("SECRET_KEY", "local-only-insecure-key-do-not-use-in-production")
# A fixed development key for the encrypted fields (huhang/crypto.py); production has none (production.py).
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", DEVELOPMENT_KEY_ENTRY)

from .base import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
