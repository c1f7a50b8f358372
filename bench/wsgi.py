"""gunicorn's entry point for the throughput runs (bench/throughput.py): the portal under the bench's settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
application = get_wsgi_application()
