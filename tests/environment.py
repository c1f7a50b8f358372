"""A clean environment for settings loaded in a subprocess: nothing the parent exported may leak in."""

import os

# What the settings and the compose file read. CI exports DATABASE_URL and the Celery URLs, a developer may
# export others, and the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE (refused by `check --deploy`).
APP_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CACHE_URL",
    "PORTAL_URL",
    "TRUSTED_PROXIES",
    "REMINDERS_CYCLE_MINUTES",
    "REMINDERS_IN_PROCESS",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "CSRF_TRUSTED_ORIGINS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "CONN_MAX_AGE",
    "LOG_LEVEL",
    "SESSION_IDLE_SECONDS",
    "SESSION_ABSOLUTE_SECONDS",
    "DEMO_PASSWORD",
    "FIELD_ENCRYPTION_KEYS",
    "CONTACT_RETENTION_DAYS",
    "DEBUG",
    "ADMIN_EMAILS",
    "POSTGRES_PASSWORD",
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_PROFILES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def clean_env(**values: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in APP_VARIABLES}, **values}
