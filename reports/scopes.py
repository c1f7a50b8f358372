"""The read scopes of the half-year reports, typical cases, units' feedback and exports (accounts/scopes.py).

Figures are not rows: a report's figures are counted over the units of the report's scope (reports/figures.py), which
is the team's units for a team report and the units the user reads (officer: their jurisdiction) for the province
report. What is declared here is who reads the documents and records themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.models import BUSINESS_ROLES, Role
from accounts.scopes import declare, declare_all, declare_none, visible
from reports.models import ExportJob, FeedbackQuestion, TeamReport, TypicalCase, UnitFeedback
from teams.scopes import visible_teams
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User


def visible_team_reports(user: User) -> QuerySet[TeamReport]:
    return visible(user, TeamReport)


def visible_typical_cases(user: User) -> QuerySet[TypicalCase]:
    return visible(user, TypicalCase)


def visible_unit_feedback(user: User) -> QuerySet[UnitFeedback]:
    return visible(user, UnitFeedback)


declare_all(TeamReport, Role.BUREAU, rule="every team's half-year reports")


@declare(TeamReport, Role.TEAM_MEMBER, rule="the reports of the teams in which the member holds a seat")
def _reports_of_my_teams(user: User) -> QuerySet[TeamReport]:
    return TeamReport.objects.filter(team__in=visible_teams(user))


declare_none(
    TeamReport,
    Role.OFFICER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
    rule="none: a team reports to the bureau (officers read the province report of their jurisdiction)",
)

declare_all(TypicalCase, Role.BUREAU, rule="every typical case")


@declare(TypicalCase, Role.TEAM_MEMBER, Role.OFFICER, rule="the typical cases of the units the user reads")
def _cases_of_visible_units(user: User) -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(unit__in=visible_units(user))


declare_none(TypicalCase, Role.EXPERT, Role.UNIT_CONTACT, rule="none: cases are collected for the bureau's reports")

declare_all(UnitFeedback, Role.BUREAU, rule="every unit's feedback")


@declare(UnitFeedback, Role.TEAM_MEMBER, rule="the feedback given on the teams in which the member holds a seat")
def _feedback_on_my_teams(user: User) -> QuerySet[UnitFeedback]:
    return UnitFeedback.objects.filter(team__in=visible_teams(user))


@declare(UnitFeedback, Role.UNIT_CONTACT, rule="the feedback the contact gave")
def _own_feedback(user: User) -> QuerySet[UnitFeedback]:
    return UnitFeedback.objects.filter(author=user)


declare_none(
    UnitFeedback, Role.OFFICER, Role.EXPERT, rule="none: officers read the feedback in aggregate, in the report"
)

declare_all(FeedbackQuestion, *BUSINESS_ROLES, rule="every question (they are asked of every unit)")


@declare(ExportJob, *BUSINESS_ROLES, rule="the exports the user asked for")
def _own_exports(user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(created_by=user)
