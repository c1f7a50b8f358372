# ruff: noqa: F811  (the fixtures of tests/reports/report_world.py are imported, then named as arguments)
"""Typical cases (典型案例): flagged by the serving team (records of its units) or the bureau (any), each copying the
record's unit, team and half year; the candidates page per role; the htmx flag button."""

import re

import pytest
from django.urls import reverse

from reports import services
from reports.models import TypicalCase
from tests.factories import ActivityFactory, RequestFactory
from tests.reports.report_world import H2, D, at, clock, viewers, world  # noqa: F401  (fixtures)


@pytest.fixture
def records(world):
    return {
        "visit": ActivityFactory(
            unit=world.unit,
            date=D(2026, 9, 15),
            kind="visit",
            actor=world.leader,
            summary="走访调研",
            outcome="明确方向",
        ),
        "h1_visit": ActivityFactory(unit=world.unit, date=D(2026, 6, 30), kind="visit", actor=world.leader),
        "training": ActivityFactory(
            unit=world.second, date=D(2026, 7, 1), kind="training", actor=world.leader, summary="专利挖掘培训"
        ),
        "request": RequestFactory(
            unit=world.unit, kind="consultation", title="PCT申请咨询", submitted_at=at(D(2026, 12, 1))
        ),
        "ningbo": ActivityFactory(unit=world.ningbo, date=D(2026, 9, 1), kind="visit", actor=world.tina),
    }


def post(client, user, path, data=None, **headers):
    client.force_login(user)
    return client.post(path, data or {}, **headers)


def flag_url(record) -> str:
    kind = "activity" if record._meta.model_name == "activity" else "request"
    return reverse(f"reports:case_flag_{kind}", kwargs={"uid": record.uid})


def candidates_url(world, team=None, code="2026H2") -> str:
    return reverse("reports:case_candidates", kwargs={"team_id": (team or world.team).pk, "code": code})


# --- Services -----------------------------------------------------------------------------------------------------


def test_a_flag_copies_the_unit_the_team_and_the_half_year_of_the_record(world, records):
    case = services.case_flag(actor=world.leader, activity=records["visit"], why=" 首次\r\n海外布局 ")
    assert (case.unit, case.team, case.period, case.why, case.flagged_by) == (
        world.unit,
        world.team,
        "2026H2",
        "首次\n海外布局",
        world.leader,
    )
    case = services.case_flag(actor=world.bureau, request=records["request"])
    assert (case.unit, case.team, case.period, case.activity) == (world.unit, world.team, "2026H2", None)


def test_the_half_year_is_the_one_the_record_happened_in(world, records):
    assert services.case_flag(actor=world.leader, activity=records["h1_visit"]).period == "2026H1"
    assert services.case_flag(actor=world.leader, activity=records["training"]).period == "2026H2"


def test_flagging_twice_keeps_one_case_and_updates_why(world, records):
    first = services.case_flag(actor=world.leader, activity=records["visit"], why="旧理由")
    again = services.case_flag(actor=world.bureau, activity=records["visit"])
    assert again.pk == first.pk
    assert again.why == "旧理由"  # no new reason: the old one stays
    again = services.case_flag(actor=world.bureau, activity=records["visit"], why="新理由")
    assert (again.pk, TypicalCase.objects.get().why) == (first.pk, "新理由")


def test_exactly_one_record_is_flagged(world, records):
    with pytest.raises(TypeError):
        services.case_flag(actor=world.leader)
    with pytest.raises(TypeError):
        services.case_flag(actor=world.leader, activity=records["visit"], request=records["request"])


def test_unflagging_removes_the_case_and_the_record_stays(world, records):
    case = services.case_flag(actor=world.leader, activity=records["visit"])
    services.case_unflag(actor=world.leader, case=case)
    services.case_unflag(actor=world.leader, case=case)  # again: nothing to do
    assert not TypicalCase.objects.exists()
    records["visit"].refresh_from_db()


# --- The candidates page ------------------------------------------------------------------------------------------


def uids(response) -> list[str]:
    return re.findall(r'data-testid="candidate" data-uid="([^"]+)"', response.text)


@pytest.mark.parametrize("who", ["leader", "member", "bureau"])
def test_the_team_and_the_bureau_see_the_half_years_records_of_the_team(world, records, client, who):
    services.case_flag(actor=world.bureau, activity=records["visit"], why="典型理由")
    client.force_login(viewers(world)[who])
    response = client.get(candidates_url(world))
    assert response.status_code == 200
    assert uids(response) == [str(records["visit"].uid), str(records["training"].uid)]  # newest first; not H1
    flags = re.findall(r'data-testid="case-action" data-flagged="(\d)"', response.text)
    assert flags == ["1", "0"]
    assert "典型理由" in response.text
    response = client.get(candidates_url(world), {"record": "requests"})
    assert uids(response) == [str(records["request"].uid)]


def test_the_candidates_are_searched_and_filtered_by_kind(world, records, client):
    client.force_login(world.leader)
    assert uids(client.get(candidates_url(world), {"kind": "training"})) == [str(records["training"].uid)]
    assert uids(client.get(candidates_url(world), {"q": "二号"})) == [str(records["training"].uid)]
    assert uids(client.get(candidates_url(world), {"q": "明确方向"})) == [str(records["visit"].uid)]
    assert uids(client.get(candidates_url(world), {"record": "requests", "q": "PCT"})) == [str(records["request"].uid)]
    assert uids(client.get(candidates_url(world), {"record": "requests", "kind": "guidance"})) == []


def test_another_teams_member_gets_404_and_officers_experts_and_contacts_403(world, records, client):
    client.force_login(world.tina)
    assert client.get(candidates_url(world)).status_code == 404
    assert uids(client.get(candidates_url(world, team=world.other_team))) == [str(records["ningbo"].uid)]
    for who in ("officer", "expert", "contact"):
        client.force_login(viewers(world)[who])
        assert client.get(candidates_url(world)).status_code == 403


# --- Flagging from the page ---------------------------------------------------------------------------------------


def test_htmx_flags_and_unflags_in_place(world, records, client):
    page = candidates_url(world)
    response = post(
        client, world.member, flag_url(records["visit"]), {"why": "质押融资", "next": page}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    case = TypicalCase.objects.get()
    assert (case.activity, case.why, case.flagged_by) == (records["visit"], "质押融资", world.member)
    assert f'id="case-{records["visit"].uid}"' in response.text
    assert 'data-flagged="1"' in response.text
    assert reverse("reports:case_unflag", kwargs={"uid": case.uid}) in response.text
    response = post(
        client,
        world.member,
        reverse("reports:case_unflag", kwargs={"uid": case.uid}),
        {"next": page},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-flagged="0"' in response.text
    assert not TypicalCase.objects.exists()


def test_without_javascript_the_flag_goes_back_to_the_page(world, records, client):
    page = candidates_url(world) + "?record=requests"
    response = post(client, world.bureau, flag_url(records["request"]), {"next": page})
    assert (response.status_code, response.url) == (302, page)
    case = TypicalCase.objects.get()
    assert case.request == records["request"]
    response = post(
        client,
        world.bureau,
        reverse("reports:case_unflag", kwargs={"uid": case.uid}),
        {"next": "https://evil.example/"},
    )
    assert (response.status_code, response.url) == (302, reverse("reports:team_report_list"))


def test_a_team_flags_only_records_of_its_units(world, records, client):
    assert post(client, world.tina, flag_url(records["visit"])).status_code == 404
    assert post(client, world.leader, flag_url(records["ningbo"])).status_code == 404
    case = services.case_flag(actor=world.tina, activity=records["ningbo"])
    assert post(client, world.leader, reverse("reports:case_unflag", kwargs={"uid": case.uid})).status_code == 404
    assert TypicalCase.objects.count() == 1


def test_the_bureau_flags_any_record(world, records, client):
    assert post(client, world.bureau, flag_url(records["ningbo"])).status_code == 302
    assert TypicalCase.objects.get().team == world.other_team


@pytest.mark.parametrize("who", ["officer", "expert", "contact"])
def test_officers_experts_and_unit_contacts_do_not_flag(world, records, client, who):
    user = viewers(world)[who]
    assert post(client, user, flag_url(records["visit"])).status_code == 403
    assert post(client, user, flag_url(records["request"])).status_code == 403
    case = services.case_flag(actor=world.leader, activity=records["visit"])
    assert post(client, user, reverse("reports:case_unflag", kwargs={"uid": case.uid})).status_code == 403
    assert TypicalCase.objects.count() == 1


def test_flags_are_posted(world, records, client):
    client.force_login(world.leader)
    assert client.get(flag_url(records["visit"])).status_code == 405


def test_a_flagged_case_shows_on_the_report_page_with_its_reason(world, records, client):
    services.case_flag(actor=world.leader, activity=records["visit"], why="首次海外布局")
    services.case_flag(actor=world.leader, activity=records["h1_visit"], why="上半年的")
    client.force_login(world.bureau)
    response = client.get(reverse("reports:team_report", kwargs={"team_id": world.team.pk, "code": H2.code}))
    cases = re.findall(r'data-testid="case" data-case="([^"]+)"', response.text)
    assert cases == [str(TypicalCase.objects.get(activity=records["visit"]).uid)]
    assert "首次海外布局" in response.text
    assert "上半年的" not in response.text
