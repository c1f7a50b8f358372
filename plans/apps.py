from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Service plans")

    def ready(self) -> None:
        from plans import scopes  # noqa: F401 — declares the read scopes of this app's models
