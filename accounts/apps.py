from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        # login_scopes: the read scope of the logins (accounts/scopes.py is the registry every app declares into).
        from accounts import login_scopes, second_factor, sessions  # noqa: F401

        # Every login is recorded and stamped for the session limits, and a staff login's older session ends;
        # a unit contact or an expert who enrolled a second factor is asked for it.
        user_logged_in.connect(sessions.session_started, dispatch_uid="accounts.session_started")
        user_logged_in.connect(second_factor.login_started, dispatch_uid="accounts.second_factor_login")
        user_logged_out.connect(sessions.session_closed, dispatch_uid="accounts.session_closed")
