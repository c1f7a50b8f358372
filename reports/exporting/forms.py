"""The export form: what to export (the province report, narrowed to a city, or a team's report), for which half
year, as Excel or PDF. The report pages post it with hidden fields (templates/reports/exports/_buttons.html); the
exports page shows it in full. What the user may export is the service's to decide (jobs.export_check)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.exporting.jobs import PROVINCE, TEAM, export_cities
from reports.models import ExportJob
from reports.periods import FIRST_PERIOD, Period, periods_between
from teams.scopes import visible_teams

if TYPE_CHECKING:
    from accounts.models import User


def period_choices() -> list[tuple[str, str]]:
    """Every half year of the programme up to the current one, the latest first."""
    periods = periods_between(FIRST_PERIOD, Period.containing(timezone.localdate()))
    return [(period.code, period.label) for period in reversed(periods)]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"), choices=[(PROVINCE, _("Province report")), (TEAM, _("A team's half-year report"))]
    )
    period = forms.ChoiceField(label=_("Half year"))
    format = forms.ChoiceField(label=_("Format"), choices=ExportJob.Format.choices, initial=ExportJob.Format.XLSX)
    city = forms.ChoiceField(label=_("City"), required=False, help_text=_("Province report only; blank for all."))
    team = forms.ChoiceField(label=_("Team"), required=False, help_text=_("A team's report only."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()
        # The half year being reported on: the last one that has ended.
        self.fields["period"].initial = max(FIRST_PERIOD, Period.containing(timezone.localdate()).previous).code
        # Choices are offered from the user's scope; the service checks again whatever was posted.
        cities = export_cities(user).values_list("code", "name")
        self.fields["city"].choices = [("", _("All within my scope")), *cities]
        if user.has_perm("reports.view_team_reports"):
            teams = visible_teams(user).order_by("name").values_list("pk", "name")
            self.fields["team"].choices = [("", "—"), *((str(pk), name) for pk, name in teams)]
        else:
            del self.fields["team"]
            self.fields["kind"].choices = [(PROVINCE, _("Province report"))]

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["kind"] == TEAM:
            return {"team": data.get("team") or None}
        return {"city": data.get("city") or None}
