"""Settings shared by every environment.

Every value that differs between a laptop and the bureau's servers is read from the environment
(django-environ); `.env.example` documents each one. `local`, `test` and `production` only change defaults.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, reachable by the system administrator only (accounts/admin_site.py).
    "accounts.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "huhang",
    "accounts",
    "audit",
    "units",
    "teams",
    "plans",
    "archives",
    "reports",
    "reminders",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on every response to a signed-in user and on every download; below WhiteNoise, so
    # static files keep their caching.
    "huhang.cache_headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the language switch's cookie says otherwise; never the browser's Accept-Language.
    "huhang.language.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave the second factor (django-otp's OTPMiddleware, without
    # its query per request: accounts/middleware.py).
    "accounts.middleware.VerifiedSessionOTPMiddleware",
    # A 403, or a 404 on a URL naming a record, goes to the audit trail, outside the view's rolled-back transaction.
    "audit.middleware.DeniedAccessAuditMiddleware",
    # Deny by default: every view needs a login unless it is decorated with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Until the second factor is given (accounts/second_factor.py), only its own pages; then the password rule.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    # A login with the initial password the bureau gave out reaches only the password page until it is changed.
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 30 minutes idle, 10 hours in all, one session per staff login (accounts/sessions.py); after the messages,
    # which tell a signed-out browser why.
    "accounts.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # With no broker (`make run`), the reminders' finder runs in-process when a cycle is due.
    "reminders.middleware.InProcessRemindersMiddleware",
    # Turns a login refused by the lockout (accounts/lockout.py) into its page; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huhang.urls"
WSGI_APPLICATION = "huhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huhang.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# One transaction per request: a view that fails half-way writes nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"].get("ENGINE") == "django.db.backends.sqlite3":
    # The embedded database of `make run`: an autosave racing a submit, or two logins at once, must wait for the
    # other writer rather than fail with "database is locked". WAL lets readers go on while one writes; IMMEDIATE
    # takes the write lock when the request's transaction begins, where the busy timeout can wait for it (a read
    # transaction upgraded to a write later fails at once instead).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
elif DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    # No JIT: compiling a report's aggregate (costed above jit_above_cost at scale) took longer than running it
    # (PostgreSQL 15, issue 14: 362 of the 634 ms of the province report's heaviest query).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound by the server, and a statement run twice on a connection prepared: planning the pages'
    # queries (the scope's joins, the timeline's union) took ten times longer than running them, 7 to 10 ms of a
    # thread's or an activity's page at 100× (issue 14). Needs a direct connection or a pooler in session mode
    # (docker-compose.yml connects directly); PG_PREPARED_STATEMENTS=false turns it off behind a transaction pooler.
    if env.bool("PG_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The dashboard's figures and the version of the records they count (reports/caching.py, huhang/freshness.py).
# Production shares one Redis between its web containers (CACHE_URL=redis://redis:6379/1); without it each process
# keeps its own in memory, which is right for one process only (`make run`, the tests).
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="").strip() or "locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # The password; grants no permission, not even to a superuser (三员分立: the roles' rules decide).
    "accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# The login lockout (accounts/lockout.py): 5 failures lock a username for 30 minutes whatever the address, 20
# failures of any usernames lock an address; the time runs from the last failure, and attempts while locked do
# not extend it. A success before the limit forgets the username's failures.
AXES_FAILURE_LIMIT = 5
LOGIN_IP_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The reverse proxy's X-Forwarded-For is believed only from these addresses or networks (accounts/client_ip.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Django's rules with the portal's own sentences (Django's Chinese catalogue misses some of them).
# MLPS 2.0 level 3 (GB/T 22239-2019): 12 characters of 3 of the 4 kinds, not common, not like the user's names, none
# of the last 5. The 90-day change for staff is accounts.models.PASSWORD_MAX_AGE.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.password_validation.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.PasswordHistoryValidator"},
]
# MLPS 2.0 level 3 session limits (accounts/sessions.py): signed out after SESSION_IDLE_SECONDS without a request a
# person made, and SESSION_ABSOLUTE_SECONDS after the login whatever the activity; the session row lives no longer.
SESSION_IDLE_TIMEOUT = timedelta(seconds=env.int("SESSION_IDLE_SECONDS", default=30 * 60))
SESSION_ABSOLUTE_TIMEOUT = timedelta(seconds=env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
# The name the authenticator app shows above the username (accounts/second_factor.py).
OTP_TOTP_ISSUER = "护航"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format across the portal, whatever the language: 2026-03-20 and 2026-03-20 14:05 (huhang/formats/).
FORMAT_MODULE_PATH = ["huhang.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded files are confidential: they live outside the web root and are only served through views
# that check the user's scope (never through MEDIA_URL).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Attachments of activities and requests (archives/attachments.py): the size limit of one file, and the internal
# location under which a reverse proxy (nginx) serves MEDIA_ROOT by X-Accel-Redirect once the view has checked the
# user's scope (for example "/protected-media/", an `internal` location). Empty: Django streams the file itself.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
SENDFILE_X_ACCEL = env("SENDFILE_X_ACCEL", default="")
# The audit trail (audit/): searchable in the portal for AUDIT_RETENTION_DAYS (the Cybersecurity Law's six months
# at least: a smaller value fails the system check and the archiving), then archived to gzip'd JSON Lines files here.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_ARCHIVE_DIR = env.path("AUDIT_ARCHIVE_DIR", default=BASE_DIR / "var" / "audit-archive")
# `manage.py backup` writes a timestamped directory here (huhang/backups.py; docs/operations.md, "Backups"). A
# PostgreSQL restore drops and recreates the tables, which only their owner may do: where the app's role is not the
# owner, BACKUP_DATABASE_URL names the owner's connection (empty: DATABASE_URL).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")
BACKUP_DATABASE_URL = env("BACKUP_DATABASE_URL", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="护航 <huhang@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address as its users reach it: the links in reminder e-mails and DingTalk posts start with it.
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: with no broker configured, tasks run in-process (the embedded default for `make run`).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# A task is acknowledged after it ran, so a worker that dies mid-task hands it to another one.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# How often the reminders' finder runs; /healthz says "degraded" when its last run is three cycles old.
REMINDERS_CYCLE_MINUTES = env.int("REMINDERS_CYCLE_MINUTES", default=5)
# With no broker the web process runs the cycle itself (reminders/middleware.py).
REMINDERS_IN_PROCESS = env.bool("REMINDERS_IN_PROCESS", default=not CELERY_BROKER_URL)
CELERY_BEAT_SCHEDULE = {
    # Proves that beat, the broker and a worker are all alive; later issues add the reminders here.
    "heartbeat": {"task": "huhang.tasks.heartbeat_task", "schedule": 5 * 60.0},
    # The reminders' finder every cycle, and the outbox's due deliveries (digest, quiet hours over, retries) every
    # minute. Beat runs once per deployment (docker-compose.yml): two beats would each queue every cycle.
    "find-reminders": {"task": "reminders.tasks.find_reminders_task", "schedule": REMINDERS_CYCLE_MINUTES * 60.0},
    "send-due-reminders": {"task": "reminders.tasks.queue_due_deliveries_task", "schedule": 60.0},
    # An uploaded unit list that was checked but never confirmed is deleted after a day.
    "purge-import-jobs": {"task": "units.tasks.purge_import_jobs_task", "schedule": crontab(hour=3, minute=30)},
    # Files kept from an activity or request form sent back with errors, never sent again within a day (hourly).
    "purge-staged-uploads": {"task": "archives.tasks.purge_staged_uploads_task", "schedule": crontab(minute=40)},
    # Report exports (xlsx, PDF) asked for more than a day ago, with their files: confidential figures do not linger.
    "purge-report-exports": {"task": "reports.tasks.purge_exports_task", "schedule": crontab(minute=50)},  # hourly
    # Audit events older than AUDIT_RETENTION_DAYS to their archive files, at night (audit/archiving.py).
    "archive-audit": {"task": "audit.tasks.archive_audit_task", "schedule": crontab(hour=2, minute=15)},
    # Contacts of units removed from the list longer than CONTACT_RETENTION_DAYS ago are anonymised (daily).
    "purge-contacts": {"task": "units.tasks.purge_contacts_task", "schedule": crontab(hour=3, minute=40)},
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The programme's headline targets (DOMAIN.md): units guided by the end of each year, e.g. "2025:100,2026:150".
PROGRAMME_TARGETS = {
    int(year): int(target)
    for year, target in (pair.split(":") for pair in env.list("PROGRAMME_TARGETS", default=["2025:100", "2026:150"]))
}
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Huhang-2026-zj")  # meets the MLPS password rules

# Field-level encryption of personal data and secrets with SM4 (huhang/crypto.py): comma-separated id:base64key
# entries of 16-byte keys; the first encrypts, all decrypt (`manage.py rotate_field_keys` moves values to the first).
# No default: test.py and local.py set a development key, production.py refuses to start without one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Days after a unit's removal from the list (调出) before its contacts' names, phones and e-mails are blanked
# (PIPL art. 19 and 47: kept no longer than the service needs; `manage.py purge_contacts`, daily).
CONTACT_RETENTION_DAYS = env.int("CONTACT_RETENTION_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each of its seven steps per PDF at INFO; its warnings (a missing font, a bad image) stay.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces itself at INFO in every process and command; its warnings (lockouts) stay.
        "axes": {"level": "WARNING"},
    },
}
