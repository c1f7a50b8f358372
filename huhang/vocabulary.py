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

    @property
    def full_label(self) -> str:
        """The task's heading in the action plan (指导掌握知识产权政策法律 …), for the plan PDF, reports and tooltips,
        where the short label would be too terse."""
        return FULL_HEADINGS[self]


# The seven headings of the action plan's main tasks, word for word (the seed's 二、主要任务).
FULL_HEADINGS = {
    TaskArea.POLICY_LAW: _("Guide units in mastering IP policy and law"),
    TaskArea.MANAGEMENT_SYSTEM: _("Guide units in improving their IP management system"),
    TaskArea.PORTFOLIO_LAYOUT: _("Guide units in optimising their overall IP portfolio layout"),
    TaskArea.COORDINATED_INNOVATION: _("Guide units in strengthening IP-driven coordinated innovation"),
    TaskArea.ANALYSIS_EVALUATION: _("Guide units in carrying out IP analysis and evaluation"),
    TaskArea.COMMERCIALISATION: _("Guide units in making their use of IP more effective"),
    TaskArea.PROTECTION: _("Guide units in building a sound IP protection mechanism"),
}
