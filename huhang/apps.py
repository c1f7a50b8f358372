from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HuhangConfig(AppConfig):
    """The project package as an app: shared template tags, project-wide tasks, the home page."""

    name = "huhang"
    verbose_name = _("Huhang")

    def ready(self) -> None:
        from huhang import freshness
        from huhang.models import ProgrammeSettings

        freshness.watch(ProgrammeSettings)  # ProgrammeSettings.current() is cached under the records version
