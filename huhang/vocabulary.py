"""The programme's fixed vocabulary, used by every app (DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskArea(models.TextChoices):
    """The seven main tasks (主要任务) of the action plan, in its order."""

    POLICY_LAW = "policy_law", _("Policy and law")
    MANAGEMENT_SYSTEM = "management_system", _("Management system")
    PORTFOLIO_LAYOUT = "portfolio_layout", _("Portfolio layout")
    COORDINATED_INNOVATION = "coordinated_innovation", _("Coordinated innovation")
    ANALYSIS_EVALUATION = "analysis_evaluation", _("Analysis and evaluation")
    COMMERCIALISATION = "commercialisation", _("Commercialisation")
    PROTECTION = "protection", _("Protection mechanism")
