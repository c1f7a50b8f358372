from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Key units")

    def ready(self) -> None:
        # scopes: the read scopes of this app's models; timeline: the unit's own events (listing, IP profiles).
        from units import scopes, timeline  # noqa: F401
