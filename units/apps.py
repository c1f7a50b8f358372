from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Key units")

    def ready(self) -> None:
        from units import scopes  # noqa: F401 — declares the read scopes of this app's models
