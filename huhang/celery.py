"""The Celery app: configuration from Django settings (CELERY_ namespace), tasks found in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huhang.settings.local")

app = Celery("huhang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
