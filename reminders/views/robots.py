"""The bureau's pages of the teams' DingTalk group robots (钉钉群机器人): the teams with their robot's state, a team's
robot form and its test button. Other roles are refused (403), as on the bureau's other pages (the personnel pool,
the outbox); a team that does not exist is 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from huhang.forms import save_form
from huhang.pagination import page_of
from reminders import services
from reminders.robot_forms import (
    RobotFilter,
    RobotForm,
    robot_of,
    robot_team_get_for_user,
    robot_teams_for_user,
    with_robots,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

PERMISSION = "reminders.manage_robots"


@permission_required(PERMISSION, raise_exception=True)
def robot_list(request: HttpRequest) -> HttpResponse:
    teams = RobotFilter(request.GET, queryset=robot_teams_for_user(user=request.user))
    page = page_of(request, teams.qs)
    page.object_list = with_robots(page.object_list)
    return render(request, "reminders/robots/robot_list.html", {"filter": teams, "page_obj": page})


@permission_required(PERMISSION, raise_exception=True)
def robot_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    team = robot_team_get_for_user(user=request.user, team_id=team_id)
    robot = robot_of(team)
    form = RobotForm(data=request.POST if request.method == "POST" else None, robot=robot)
    redirected = save_form(
        request,
        form,
        lambda: services.team_robot_save(team=team, actor=request.user, **form.cleaned_data),
        success=_("The group robot of %(team)s has been saved.") % {"team": team.name},
        redirect_to=reverse("reminders:robot_edit", kwargs={"team_id": team.pk}),
    )
    return redirected or render(
        request, "reminders/robots/robot_form.html", {"team": team, "robot": robot, "form": form}
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def robot_test(request: HttpRequest, team_id: int) -> HttpResponse:
    """Posts a signed test message to the team's group now and says whether DingTalk took it."""
    team = robot_team_get_for_user(user=request.user, team_id=team_id)
    try:
        result = services.team_robot_test(team=team)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        if result.ok:
            took = _("DingTalk took the test message: check the group of %(team)s.") % {"team": team.name}
            messages.success(request, took)
        else:
            messages.error(request, _("The test message did not go out. %(error)s") % {"error": result.error})
    return redirect("reminders:robot_edit", team_id=team.pk)
