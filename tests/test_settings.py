"""Settings come from the environment (django-environ)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.environment import clean_env

ROOT = Path(__file__).resolve().parent.parent


def settings_in_subprocess(module: str, env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
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


def test_every_request_is_one_transaction():
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"]


def test_deny_by_default_middleware_is_installed():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") > (
        settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    )
