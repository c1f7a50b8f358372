"""The scopes of accounts/access.py for activities, requests and their exchange, per role; and the rules."""

import datetime

import pytest

from archives import services
from archives.scopes import visible_activities, visible_request_messages, visible_requests
from tests.factories import ActivityFactory, RequestFactory


@pytest.fixture
def records(world, viewers, unit):
    ningbo = world["ningbo"]
    here = ActivityFactory(actor=viewers["member"], unit=unit)
    invited = ActivityFactory(actor=viewers["member"], unit=unit, experts=[world["eve"]])
    there = ActivityFactory(actor=world["tina"], unit=ningbo, experts=[world["ed"]])
    request = RequestFactory(unit=unit, actor=viewers["contact"])
    request_invited = RequestFactory(unit=unit, actor=viewers["contact"])
    services.request_invite_expert(actor=None, request=request_invited, expert=world["eve"])
    request_there = RequestFactory(unit=ningbo, actor=world["tina"])
    return {
        "activities": {"here": here, "invited": invited, "there": there},
        "requests": {"here": request, "invited": request_invited, "there": request_there},
    }


EXPECTED = {
    # viewer: (activities, requests) by record name
    "bureau": ({"here", "invited", "there"}, {"here", "invited", "there"}),
    "officer": (set(), {"here", "invited"}),  # 杭州: read-only requests, no activities
    "officer_out": (set(), {"there"}),  # 宁波市's officer: the Ningbo unit is in 海曙 (330203)
    "member": ({"here", "invited"}, {"here", "invited"}),
    "member_other": ({"there"}, {"there"}),
    "expert": ({"invited"}, {"invited"}),
    "expert_other": ({"there"}, set()),
    "contact": ({"here", "invited"}, {"here", "invited"}),
    "contact_other": (set(), set()),
}


@pytest.mark.parametrize("viewer", EXPECTED)
def test_scopes_per_role(viewers, records, viewer):
    def names(scope, kind):
        return {name for name, record in records[kind].items() if scope.filter(pk=record.pk).exists()}

    activities, requests = EXPECTED[viewer]
    assert names(visible_activities(viewers[viewer]), "activities") == activities
    assert names(visible_requests(viewers[viewer]), "requests") == requests


def test_anonymous_and_inactive_users_see_nothing(records, viewers):
    from django.contrib.auth.models import AnonymousUser

    inactive = viewers["bureau"]
    inactive.is_active = False
    for user in (AnonymousUser(), inactive):
        assert not visible_activities(user).exists()
        assert not visible_requests(user).exists()


def test_internal_notes_are_never_in_the_units_or_the_officers_scope(viewers, records):
    request = records["requests"]["here"]
    services.request_reply(actor=viewers["member"], request=request, text="内部", internal=True)
    services.request_reply(actor=viewers["member"], request=request, text="答复")
    for name, sees_internal in [("bureau", True), ("member", True), ("contact", False), ("officer", False)]:
        texts = set(visible_request_messages(viewers[name]).filter(request=request).values_list("text", flat=True))
        assert texts == ({"内部", "答复"} if sees_internal else {"答复"}), name
    assert not visible_request_messages(viewers["contact_other"]).exists()


def test_a_unit_reassigned_to_another_team_leaves_the_old_teams_scope(world, viewers, records, unit):
    from teams.services import unit_assign_team

    unit_assign_team(actor=None, unit=unit, team=world["other_team"], start=datetime.date(2026, 10, 1))
    assert not visible_requests(viewers["member"]).filter(unit=unit).exists()
    assert visible_requests(viewers["member_other"]).filter(unit=unit).count() == 2
    assert records["requests"]["here"].team == world["team"]  # the record keeps the team that served it


def test_rules_for_the_archive(viewers, records, world, unit):
    request = records["requests"]["here"]
    invited = records["requests"]["invited"]
    assert viewers["member"].has_perm("archives.record_activity", unit)
    assert not viewers["member_other"].has_perm("archives.record_activity", unit)
    assert viewers["contact"].has_perm("archives.raise_request", unit)
    assert viewers["member"].has_perm("archives.raise_request", unit)
    assert not viewers["contact_other"].has_perm("archives.raise_request", unit)
    assert viewers["member"].has_perm("archives.handle_request", request)
    assert not viewers["expert"].has_perm("archives.handle_request", invited)
    assert viewers["expert"].has_perm("archives.reply_request", invited)
    assert not viewers["expert"].has_perm("archives.reply_request", request)
    assert viewers["contact"].has_perm("archives.close_request", request)
    assert not viewers["member"].has_perm("archives.close_request", request)
    assert not viewers["officer"].has_perm("archives.reply_request", request)  # read-only
    assert viewers["bureau"].has_perm("archives.manage_response_limits")
    assert not viewers["member"].has_perm("archives.manage_response_limits")
    assert viewers["expert"].has_perm("archives.comment_activity", records["activities"]["invited"])
    assert not viewers["expert"].has_perm("archives.comment_activity", records["activities"]["here"])
