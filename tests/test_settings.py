"""Settings come from the environment (django-environ)."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.environment import clean_env

ROOT = Path(__file__).resolve().parent.parent


# base.py reads ./.env; a developer's .env must not supply a variable whose absence is being tested.
IGNORE_DOTENV = "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "


def settings_in_subprocess(module: str, env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = f"{IGNORE_DOTENV}import django; django.setup(); from django.conf import settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE=module, **env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_language_and_time_zone_defaults():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_local_defaults_are_sqlite_in_process_tasks_and_console_mail():
    result = settings_in_subprocess(
        "huhang.settings.local",
        {"SECRET_KEY": "x"},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ]


def test_environment_values_are_parsed():
    result = settings_in_subprocess(
        "huhang.settings.local",
        {
            "DATABASE_URL": "postgres://app:secret@db.internal:5433/huhang",
            "CELERY_BROKER_URL": "redis://cache.internal:6379/2",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.internal:587",
            "ALLOWED_HOSTS": "a.example.gov.cn,b.example.gov.cn",
            "DEBUG": "false",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.DATABASES['default']['PORT'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_RESULT_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS,"
        " ','.join(s.ALLOWED_HOSTS), s.DEBUG",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "5433",
        "False",
        "redis://cache.internal:6379/2",
        "smtp.internal",
        "587",
        "True",
        "a.example.gov.cn,b.example.gov.cn",
        "False",
    ]


def test_sqlite_waits_for_the_other_writer_and_postgresql_keeps_its_defaults():
    """`make run`'s SQLite: WAL, a busy timeout and IMMEDIATE transactions (tests/test_sqlite_concurrency.py shows
    why); none of it reaches PostgreSQL, which would refuse the unknown options."""
    expression = "s.DATABASES['default'].get('OPTIONS')"
    sqlite_url = {"DATABASE_URL": "sqlite:////tmp/huhang.sqlite3"}
    sqlite = settings_in_subprocess("huhang.settings.local", sqlite_url, expression)
    assert sqlite.returncode == 0, sqlite.stderr
    assert "'transaction_mode': 'IMMEDIATE'" in sqlite.stdout
    assert "journal_mode=WAL" in sqlite.stdout
    assert "'timeout': 20" in sqlite.stdout
    postgresql = production_settings(expression)
    assert postgresql.returncode == 0, postgresql.stderr
    # No JIT, and prepared statements (huhang/settings/base.py), which a transaction pooler's deployment turns off.
    assert postgresql.stdout.strip() == (
        "{'options': '-c jit=off', 'server_side_binding': True, 'prepare_threshold': 2}"
    )
    pooled = production_settings(expression, PG_PREPARED_STATEMENTS="false")
    assert pooled.stdout.strip() == "{'options': '-c jit=off'}", pooled.stderr


def test_the_language_follows_the_switch_never_the_browser():
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE  # it reads Accept-Language
    assert "huhang.language.LanguageCookieMiddleware" in settings.MIDDLEWARE


def test_every_request_is_one_transaction():
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"]


def test_deny_by_default_middleware_is_installed():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") > (
        settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    )


# --- Production: PostgreSQL and the broker are required, never the laptop defaults ----------------------------

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://huhang:secret@db.internal:5432/huhang",
    "CELERY_BROKER_URL": "redis://cache.internal:6379/0",
    "CACHE_URL": "redis://cache.internal:6379/1",
    "FIELD_ENCRYPTION_KEYS": "k2026:MDEyMzQ1Njc4OWFiY2RlZg==",
}


def production_settings(expression: str = "'loaded'", **changes: str | None) -> subprocess.CompletedProcess:
    """Loads huhang.settings.production with PRODUCTION's values, changed (None: unset) as given."""
    env = {name: value for name, value in {**PRODUCTION, **changes}.items() if value is not None}
    return settings_in_subprocess("huhang.settings.production", env, expression)


def assert_refused(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode != 0, f"production settings loaded: {result.stdout}"
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    for phrase in phrases:
        assert phrase in last_line, result.stderr


@pytest.mark.parametrize("value", [None, "", " "], ids=["unset", "empty", "blank"])
@pytest.mark.parametrize("missing", ["DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "FIELD_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without(missing, value):
    assert_refused(production_settings(**{missing: value}), f"Set the {missing} environment variable")


@pytest.mark.parametrize("url", ["sqlite:////var/lib/huhang/db.sqlite3", "sqlite://"], ids=["file", "memory"])
def test_production_refuses_sqlite(url):
    assert_refused(production_settings(DATABASE_URL=url), "DATABASE_URL must point to PostgreSQL", "sqlite3")


def test_production_message_never_shows_the_database_password():
    result = production_settings(DATABASE_URL="mysql://huhang:s3cret-pw@db.internal:3306/huhang")
    assert_refused(result, "DATABASE_URL must point to PostgreSQL", "mysql")
    assert "s3cret-pw" not in result.stderr


def test_production_loads_with_postgresql_and_a_broker():
    result = production_settings(
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CELERY_BROKER_URL,"
        " s.CELERY_RESULT_BACKEND, s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "redis://cache.internal:6379/0",
        "redis://cache.internal:6379/0",
        "False",
        "False",
    ]


def test_the_programme_targets_come_from_the_environment():
    assert settings.PROGRAMME_TARGETS == {2025: 100, 2026: 150}  # the action plan's
    result = settings_in_subprocess(
        "huhang.settings.local",
        {"SECRET_KEY": "x", "PROGRAMME_TARGETS": "2025:90,2026:160,2027:200"},
        "s.PROGRAMME_TARGETS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{2025: 90, 2026: 160, 2027: 200}"
