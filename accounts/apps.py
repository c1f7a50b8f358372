from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The read scope of the logins (accounts/scopes.py is the registry every app declares into).
        from accounts import login_scopes  # noqa: F401
