from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Service teams")

    def ready(self) -> None:
        from teams import scopes  # noqa: F401 — declares the read scopes of this app's models
