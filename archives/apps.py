from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("Service archive")

    def ready(self) -> None:
        from archives import scopes  # noqa: F401 — declares the read scopes of this app's models
