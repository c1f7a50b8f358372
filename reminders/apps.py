from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Reminders and notifications (提醒): the top app, since it watches every other app's deadlines and events."""

    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from huhang import health
        from reminders import signals  # noqa: F401  (connects the receivers that remind of events at once)
        from reminders.services import finder_health

        health.register("reminders", finder_health)
