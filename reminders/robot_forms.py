"""The bureau's pages of the teams' DingTalk group robots: the form, the list's filter and the two reads they need.

The robot's rules (https only, a secret that starts with "SEC", blank keeps the secret) are the service's
(reminders.services.team_robot_save); the form only collects. The secret is write-only: the form never renders it
back, it only says whether one is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from teams.models import Team
from teams.scopes import visible_teams

if TYPE_CHECKING:
    from accounts.models import User
    from reminders.models import TeamRobot

ALL = _("All")
ROBOT_ACTIVE, ROBOT_NONE, ROBOT_DISABLED = "active", "none", "disabled"


# ---------------------------------------------------------------------------------------------------------------
# Reads (scoped: the teams the user sees; the pages are the bureau's, reminders.manage_robots)


def robot_teams_for_user(*, user: User) -> QuerySet[Team]:
    """The teams with their robot and who changed it last, in the one query of a page."""
    return visible_teams(user).select_related("robot__updated_by").order_by("name", "pk")


def robot_team_get_for_user(*, user: User, team_id: int) -> Team:
    """One team with its robot (if any): 404 when missing or outside the user's teams."""
    try:
        return robot_teams_for_user(user=user).get(pk=team_id)
    except Team.DoesNotExist as missing:
        raise Http404 from missing


def robot_of(team: Team) -> TeamRobot | None:
    try:
        return team.robot
    except Team.robot.RelatedObjectDoesNotExist:
        return None


def with_robots(teams: Iterable[Team]) -> list[Team]:
    """The page's teams, each with `team_robot` (or None) and `webhook_host`: the list names the webhook's host
    only, since the rest of its address is the robot's access token."""
    teams = list(teams)
    for team in teams:
        team.team_robot = robot_of(team)
        team.webhook_host = urlsplit(team.team_robot.webhook_url).hostname if team.team_robot else ""
    return teams


# ---------------------------------------------------------------------------------------------------------------
# The list's filter and search


class RobotFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Team name")}),
    )
    robot = django_filters.ChoiceFilter(
        label=_("Group robot"),
        choices=[(ROBOT_ACTIVE, _("Set and active")), (ROBOT_NONE, _("Not set")), (ROBOT_DISABLED, _("Disabled"))],
        method="filter_robot",
        empty_label=ALL,
    )

    class Meta:
        model = Team
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(name__icontains=word)
        return queryset

    def filter_robot(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ROBOT_ACTIVE:
            return queryset.filter(robot__is_active=True)
        if value == ROBOT_DISABLED:
            return queryset.filter(robot__is_active=False)
        if value == ROBOT_NONE:
            return queryset.filter(Q(robot__isnull=True))
        return queryset


# ---------------------------------------------------------------------------------------------------------------
# The form


class RobotForm(forms.Form):
    webhook_url = forms.CharField(
        label=_("Webhook URL"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://oapi.dingtalk.com/robot/send?access_token=…"}),
        help_text=_("The robot's address as DingTalk shows it when the custom robot is added to the group."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=128,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    is_active = forms.BooleanField(label=_("Post the team's reminders to the group"), required=False, initial=True)

    def __init__(self, *args: Any, robot: TeamRobot | None, **kwargs: Any) -> None:
        if robot is not None:
            kwargs.setdefault("initial", {"webhook_url": robot.webhook_url, "is_active": robot.is_active})
        super().__init__(*args, **kwargs)
        self.secret_is_set = bool(robot and robot.secret)
        secret = self.fields["secret"]
        if self.secret_is_set:
            secret.help_text = _("Leave blank to keep the secret set; enter a new one to replace it.")
        else:
            secret.help_text = _(
                "The string that starts with SEC under the robot's “additional signature” security setting."
            )
