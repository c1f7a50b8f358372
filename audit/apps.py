from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The accounts app's signals (accounts/signals.py) and their receivers of the same name (audit/account_events.py).
ACCOUNT_SIGNALS = (
    "second_factor_verified",
    "second_factor_failed",
    "second_factor_enrolled",
    "recovery_codes_renewed",
    "second_factor_reset",
    "session_ended",
    "credentials_reset",
    "role_changed",
    "lockout_cleared",
)


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from simple_history.signals import post_create_historical_record

        from accounts import signals as accounts_signals

        # scopes: who reads which events; checks: the retention's legal floor.
        from audit import account_events, checks, scopes  # noqa: F401
        from audit.changes import record_history
        from audit.signals import record_lockout, record_login, record_login_failed, record_logout

        user_logged_in.connect(record_login, dispatch_uid="audit_login")
        user_login_failed.connect(record_login_failed, dispatch_uid="audit_login_failed")
        user_logged_out.connect(record_logout, dispatch_uid="audit_logout")
        user_locked_out.connect(record_lockout, dispatch_uid="audit_lockout")
        # Every create, update and delete of a record with history (django-simple-history), with before and after.
        post_create_historical_record.connect(record_history, dispatch_uid="audit_history")
        # The second factor, sessions, credentials, roles and lockouts, as the accounts app signals them.
        for name in ACCOUNT_SIGNALS:
            getattr(accounts_signals, name).connect(getattr(account_events, name), dispatch_uid=f"audit_{name}")
