"""The bureau's servers: every secret comes from the environment and has no default."""

from django.core.exceptions import ImproperlyConfigured

from huhang.crypto import parse_keys, refuse_development_key

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: a missing key stops the start
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")


def _required(name: str, example: str) -> str:
    """The variable's value: unset or empty stops the start with a message that names it."""
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable: production has no default (e.g. {example}).")
    return value


# No fallback to base.py's laptop defaults (a SQLite file, tasks run in-process): a container would start on an
# empty private database, and web, worker and beat containers cannot share one SQLite file.
_required("DATABASE_URL", "postgres://huhang:password@postgres:5432/huhang")
# base.py parsed DATABASE_URL already; only its engine is named in the message, never the URL (it holds a password).
_engine = DATABASES["default"].get("ENGINE", "")  # noqa: F405
if _engine != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL must point to PostgreSQL in production (postgres://...), not {_engine or 'an unknown scheme'}:"
        " the web, worker and beat containers share one database, and a SQLite file cannot be shared between them."
    )
# Personal data is stored encrypted (huhang/crypto.py): no key, no start; a malformed key stops it too.
_required("FIELD_ENCRYPTION_KEYS", "k2026:<16 random bytes, base64>")
refuse_development_key(parse_keys(FIELD_ENCRYPTION_KEYS))  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# The web containers share the cache: a change one of them sees must end the cached figures of all (Redis).
_required("CACHE_URL", "redis://redis:6379/1")

# TLS ends at the bureau's reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP inside the network
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

ADMINS = [("Huhang ops", addr) for addr in env.list("ADMIN_EMAILS", default=[])]

# Tasks go through the broker to the worker containers, never inside a web request.
CELERY_BROKER_URL = _required("CELERY_BROKER_URL", "redis://redis:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = False
