"""The unit list, the unit page and the bureau's forms, for every role."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ADMIN_ROLES, Role
from demo.units import credit_code
from tests.factories import (
    IPProfileFactory,
    TeamFactory,
    UnitContactFactory,
    UnitFactory,
    UserFactory,
    assign,
    division,
)
from units.models import ListingEvent, Unit, UnitContact

LIST = reverse("units:list")


@pytest.fixture
def programme(users, unit):
    """`unit` (杭州 西湖区) served by the team of `users[TEAM_MEMBER]`; a Ningbo unit served by another team."""
    team = TeamFactory(name="西湖团队")
    leader = team.memberships.get(role="leader").person
    leader.user = users[Role.TEAM_MEMBER]
    leader.save()
    assign(unit, team)
    ningbo = UnitFactory(name="宁波甬江材料实验室", division=division("330203"), category=Unit.Category.UNIVERSITY)
    assign(ningbo, TeamFactory(name="甬江团队"))
    return {"team": team, "ningbo": ningbo}


def names(response) -> set[str]:
    return {u.name for u in response.context["object_list"]}


def test_bureau_lists_every_unit_with_its_team(client, users, programme):
    client.force_login(users[Role.BUREAU])
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == {"西湖光电实验室", "宁波甬江材料实验室"}
    assert {u.team_name for u in response.context["object_list"]} == {"西湖团队", "甬江团队"}


def test_officer_lists_only_the_jurisdiction(client, users, programme):
    client.force_login(users[Role.OFFICER])
    assert names(client.get(LIST)) == {"西湖光电实验室"}


def test_team_member_lists_only_the_team_units(client, users, programme):
    client.force_login(users[Role.TEAM_MEMBER])
    assert names(client.get(LIST)) == {"西湖光电实验室"}


def test_expert_may_not_browse_units(client, users, programme):
    client.force_login(users[Role.EXPERT])
    assert client.get(LIST).status_code == 403


def test_unit_contact_is_taken_to_the_own_unit(client, users, unit):
    client.force_login(users[Role.UNIT_CONTACT])
    assert client.get(LIST).url == reverse("units:detail", kwargs={"uid": unit.uid})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"city": "330200"}, {"宁波甬江材料实验室"}),
        ({"county": "330106"}, {"西湖光电实验室"}),
        ({"category": "university"}, {"宁波甬江材料实验室"}),
        ({"q": "甬江"}, {"宁波甬江材料实验室"}),
        ({"q": "xhgd"}, {"西湖光电实验室"}),
        ({"q": "nbyjcl"}, {"宁波甬江材料实验室"}),
    ],
)
def test_filters_and_search(client, users, programme, query, expected):
    client.force_login(users[Role.BUREAU])
    assert names(client.get(LIST, query)) == expected


def test_search_by_credit_code_typed_in_lower_case(client, users, programme):
    client.force_login(users[Role.BUREAU])
    code = programme["ningbo"].credit_code
    assert names(client.get(LIST, {"q": code.lower()})) == {"宁波甬江材料实验室"}
    assert len(names(client.get(LIST, {"q": code[:8]}))) == 2  # a prefix finds every unit that starts so


def test_search_finds_names_as_typed_and_as_saved_before_they_were_kept_so(client, users):
    UnitFactory(name="中国（杭州）知识产权保护中心")
    UnitFactory(name="中国(宁波)知识产权保护中心")  # saved while names were still folded to half width
    client.force_login(users[Role.BUREAU])
    assert names(client.get(LIST, {"q": "（杭州）"})) == {"中国（杭州）知识产权保护中心"}
    assert names(client.get(LIST, {"q": "中国（宁波）"})) == {"中国(宁波)知识产权保护中心"}
    assert names(client.get(LIST, {"q": "ｚｇｎｂ"})) == {"中国(宁波)知识产权保护中心"}  # pinyin initials in full width


def test_filter_by_team(client, users, programme):
    client.force_login(users[Role.BUREAU])
    assert names(client.get(LIST, {"team": programme["team"].pk})) == {"西湖光电实验室"}


def test_removed_units_leave_the_default_list_but_stay_findable(client, users, programme):
    client.force_login(users[Role.BUREAU])
    ningbo = programme["ningbo"]
    client.post(reverse("units:remove", kwargs={"uid": ningbo.uid}), {"date": "2026-07-01", "reason": "重组"})
    assert names(client.get(LIST)) == {"西湖光电实验室"}
    assert names(client.get(LIST, {"status": "removed"})) == {"宁波甬江材料实验室"}
    assert len(names(client.get(LIST, {"status": "all"}))) == 2


def test_sorting_by_team_both_ways(client, users, unit):
    # Team names that differ in an ASCII digit sort alike under every collation; the units' names and the order they
    # are created in run against the team order, so neither the default order nor sorting by name can pass.
    for number, letter in [("02", "B"), ("03", "A"), ("01", "C")]:
        assign(UnitFactory(name=f"单位{letter}"), TeamFactory(name=f"护航{number}团队"))
    teams = ["护航01团队", "护航02团队", "护航03团队"]
    # `unit` has no team: it comes after the served units both ways and on every database, as the list reads the
    # served units by the teams' index, then the others (units.selectors.unit_list_window).
    client.force_login(users[Role.BUREAU])

    for query, order in [("team", [*teams, None]), ("-team", [*teams[::-1], None])]:
        rows = client.get(LIST, {"o": query}).context["object_list"]
        assert [u.team_name for u in rows] == order, query


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_runs_a_constant_number_of_queries(client, users, django_assert_max_num_queries, count):
    from plans.services import plan_start

    team = TeamFactory()
    units = UnitFactory.create_batch(count)
    for unit in units:
        assign(unit, team)
    for unit in units[:5]:
        plan_start(actor=None, unit=unit)
    client.force_login(users[Role.BUREAU])
    # session, user, savepoint and its release, programme settings (plan due dates), count, permissions (2), cities,
    # counties, teams (the filter's choices), the page of units with their team and plan; + the chosen team.
    for query, most in [({"o": "team"}, 12), ({"o": "-team", "plan": "draft"}, 12), ({"team": team.pk}, 13)]:
        with django_assert_max_num_queries(most):
            response = client.get(LIST, query)
        assert response.status_code == 200, query
    assert response.context["paginator"].count == count
    assert client.get(LIST).context["paginator"].count == count + 1  # + the `unit` fixture


def test_the_list_offers_the_apps_filters_between_its_own(client, users, programme):
    client.force_login(users[Role.BUREAU])
    fields = list(client.get(LIST).context["filter"].form.fields)
    assert fields == ["q", "city", "county", "category", "team", "plan", "coverage", "status", "o"]
    client.force_login(users[Role.OFFICER])
    assert list(client.get(LIST).context["filter"].form.fields) == [
        "q",
        "city",
        "county",
        "category",
        "plan",
        "status",
        "o",
    ]


def test_unit_page_per_role(client, users, outsiders, programme, unit):
    url = reverse("units:detail", kwargs={"uid": unit.uid})
    for role in Role:
        client.force_login(users[role])
        # The expert is invited to records, not units; the administrators read no unit (三员分立).
        hidden = role == Role.EXPERT or role in ADMIN_ROLES
        assert client.get(url).status_code == (404 if hidden else 200), role
    for user in outsiders.values():
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_unit_page_of_an_unknown_unit_is_404(client, users):
    client.force_login(users[Role.BUREAU])
    assert client.get(reverse("units:detail", kwargs={"uid": uuid.uuid4()})).status_code == 404


def test_unit_page_shows_contacts_ip_profile_team_and_timeline(client, users, programme, unit):
    UnitContactFactory(unit=unit, name="周海燕", is_primary=True)
    IPProfileFactory(unit=unit, invention_patents=321)
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("units:detail", kwargs={"uid": unit.uid}))
    assert "周海燕" in response.text
    assert "321" in response.text
    assert "西湖团队" in response.text
    assert {event.kind for event in response.context["timeline"]} == {"team", "ip_profile"}


def test_unit_contact_does_not_see_the_bureau_listing_notes(client, users, unit):
    ListingEvent.objects.create(unit=unit, kind="removed", date="2026-01-01", reason="内部复核意见")
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("units:detail", kwargs={"uid": unit.uid}))
    assert "内部复核意见" not in response.text
    client.force_login(users[Role.BUREAU])
    assert "内部复核意见" in client.get(reverse("units:detail", kwargs={"uid": unit.uid})).text


def test_unit_page_runs_a_constant_number_of_queries(client, users, programme, unit, django_assert_max_num_queries):
    UnitContactFactory.create_batch(5, unit=unit)
    client.force_login(users[Role.BUREAU])
    with django_assert_max_num_queries(14):
        client.get(reverse("units:detail", kwargs={"uid": unit.uid}))


def new_unit_data(**overrides):
    return {
        "name": "之江新材料科技股份有限公司",
        "credit_code": credit_code("91", "330106", "MA2H0000").lower(),
        "category": "leading_firm",
        "division": "330106",
        "technical_field": "新材料",
        "address": "杭州市西湖区",
        "selected_on": "2026-03-20",
        "batch": "2026年第一批",
        "basis": "",
        **overrides,
    }


def test_bureau_adds_a_unit(client, users):
    client.force_login(users[Role.BUREAU])
    assert client.get(reverse("units:create")).status_code == 200
    response = client.post(reverse("units:create"), new_unit_data())
    unit = Unit.objects.get(name="之江新材料科技股份有限公司")
    assert response.url == reverse("units:detail", kwargs={"uid": unit.uid})
    assert unit.credit_code.isupper()
    assert unit.listing_events.get().batch == "2026年第一批"


@pytest.mark.parametrize(
    ("field", "value"),
    [("credit_code", "91330106MA2H000010"), ("credit_code", "123"), ("division", "330100"), ("name", "")],
)
def test_bad_input_gets_an_error_and_writes_nothing(client, users, field, value):
    client.force_login(users[Role.BUREAU])
    response = client.post(reverse("units:create"), new_unit_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Unit.objects.filter(name="之江新材料科技股份有限公司").exists()


def test_duplicate_credit_code_is_refused(client, users, unit):
    client.force_login(users[Role.BUREAU])
    response = client.post(reverse("units:create"), new_unit_data(credit_code=unit.credit_code))
    assert "credit_code" in response.context["form"].errors
    assert Unit.objects.filter(credit_code=unit.credit_code).count() == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_only_the_bureau_adds_units(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("units:create")).status_code == 403
    assert client.post(reverse("units:create"), new_unit_data()).status_code == 403
    assert not Unit.objects.filter(name="之江新材料科技股份有限公司").exists()


def test_bureau_edits_a_unit(client, users, unit):
    client.force_login(users[Role.BUREAU])
    url = reverse("units:edit", kwargs={"uid": unit.uid})
    assert client.get(url).status_code == 200
    data = {**new_unit_data(credit_code=unit.credit_code), "name": "西湖光电实验室(更名)"}
    assert client.post(url, data).status_code == 302
    unit.refresh_from_db()
    assert unit.name == "西湖光电实验室(更名)"


@pytest.mark.parametrize(
    "typed",
    ["91 330106 PRBJGCUJ46", "91-330106-prbjgcuj46", "９１３３０１０６ＰＲＢＪＧＣＵＪ４６", " 91330106prbjgcuj46 "],
)
def test_the_form_takes_a_credit_code_typed_as_the_import_takes_it(client, users, typed):
    client.force_login(users[Role.BUREAU])
    response = client.post(reverse("units:create"), new_unit_data(credit_code=typed))
    assert response.status_code == 302, response.context["form"].errors
    assert Unit.objects.get(name="之江新材料科技股份有限公司").credit_code == "91330106PRBJGCUJ46"


def test_the_credit_code_input_lets_a_code_be_typed_in_groups(client, users):
    client.force_login(users[Role.BUREAU])
    field = client.get(reverse("units:create")).context["form"]["credit_code"]
    assert 'maxlength="40"' in str(field)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("9133A106MA2H00006R", "division"),  # letters where the division code goes; check character right
        ("91330106MA2H00005T", "organisation"),  # MA2H0000's check character is 6; the code's own is right
        ("94330106PRBJGCUJ46", "category"),
        ("B1330106PRBJGCUJ46", "authority"),
        ("91330106PRBJGCUJ47", "checksum"),
        ("91330106PRBJGCUJ4", "length"),
        ("91330106PRBJGCUJ466", "length"),  # one message, not the model field's max_length as well
    ],
)
def test_the_form_names_what_is_wrong_with_a_credit_code(client, users, code, error_code):
    client.force_login(users[Role.BUREAU])
    response = client.post(reverse("units:create"), new_unit_data(credit_code=code))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["credit_code"]
    assert [error.code for error in errors] == [error_code]
    assert not Unit.objects.filter(name="之江新材料科技股份有限公司").exists()


def test_the_forms_keep_a_name_as_typed(client, users, unit):
    client.force_login(users[Role.BUREAU])
    client.post(reverse("units:create"), new_unit_data(name="中国（杭州）知识产权保护中心", basis="经推荐，列入清单。"))
    created = Unit.objects.get(credit_code=credit_code("91", "330106", "MA2H0000"))
    assert created.name == "中国（杭州）知识产权保护中心"
    assert created.listing_events.get().reason == "经推荐，列入清单。"
    data = {**new_unit_data(credit_code=unit.credit_code), "name": "西湖光电实验室（二期）"}
    client.post(reverse("units:edit", kwargs={"uid": unit.uid}), data)
    unit.refresh_from_db()
    assert unit.name == "西湖光电实验室（二期）"


WRITE_URLS = ["units:edit", "units:remove", "units:reselect", "units:contact_create", "units:ip_profile"]


@pytest.mark.parametrize("name", WRITE_URLS)
def test_readers_in_scope_get_403_and_outsiders_404_on_writes(client, users, outsiders, programme, unit, name):
    url = reverse(name, kwargs={"uid": unit.uid})
    for role in (Role.OFFICER, Role.TEAM_MEMBER, Role.UNIT_CONTACT):
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role
        assert client.post(url, {}).status_code == 403, role
    for user in [*outsiders.values(), users[Role.EXPERT]]:
        client.force_login(user)
        assert client.post(url, {}).status_code == 404


def test_remove_asks_for_a_reason(client, users, unit):
    client.force_login(users[Role.BUREAU])
    url = reverse("units:remove", kwargs={"uid": unit.uid})
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2026-07-01", "reason": ""})
    assert response.context["form"].errors["reason"]
    unit.refresh_from_db()
    assert unit.is_listed


def test_remove_then_reselect(client, users, unit):
    client.force_login(users[Role.BUREAU])
    client.post(reverse("units:remove", kwargs={"uid": unit.uid}), {"date": "2026-07-01", "reason": "重组"})
    unit.refresh_from_db()
    assert not unit.is_listed
    url = reverse("units:reselect", kwargs={"uid": unit.uid})
    assert client.get(url).status_code == 200
    client.post(url, {"date": "2026-09-01", "batch": "2026年第二批", "basis": "重新推荐"})
    unit.refresh_from_db()
    assert unit.is_listed
    response = client.post(url, {"date": "2026-09-02"})
    assert response.context["form"].non_field_errors()


def test_contacts_are_added_edited_and_deleted(client, users, unit):
    client.force_login(users[Role.BUREAU])
    create = reverse("units:contact_create", kwargs={"uid": unit.uid})
    assert client.get(create).status_code == 200
    bad = client.post(create, {"name": "周海燕", "phone": "12345"})
    assert bad.context["form"].errors["phone"]
    client.post(create, {"name": "周海燕", "phone": "138-1234-5678", "email": "zhou@example.com", "is_primary": "on"})
    contact = unit.contacts.get()
    assert contact.phone == "13812345678"
    edit = reverse("units:contact_edit", kwargs={"uid": unit.uid, "contact_id": contact.pk})
    assert client.get(edit).status_code == 200
    client.post(edit, {"name": "周海燕", "position": "知识产权部主任", "phone": "13812345678"})
    contact.refresh_from_db()
    assert contact.position == "知识产权部主任"
    delete = reverse("units:contact_delete", kwargs={"uid": unit.uid, "contact_id": contact.pk})
    assert client.get(delete).status_code == 405
    client.post(delete)
    assert not UnitContact.objects.filter(pk=contact.pk).exists()


def test_another_units_contact_is_404(client, users, unit):
    other = UnitContactFactory()
    client.force_login(users[Role.BUREAU])
    url = reverse("units:contact_edit", kwargs={"uid": unit.uid, "contact_id": other.pk})
    assert client.get(url).status_code == 404


def test_ip_profile_is_recorded_once_per_date(client, users, unit):
    client.force_login(users[Role.BUREAU])
    url = reverse("units:ip_profile", kwargs={"uid": unit.uid})
    assert client.get(url).status_code == 200
    data = {
        "as_of": "2026-06-30",
        "invention_patents": "12",
        "utility_models": "3",
        "pct_applications": "1",
        "trademarks": "4",
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert again.context["form"].errors
    assert unit.ip_profiles.count() == 1


def test_an_ip_profile_dated_in_the_future_is_refused_on_its_date(client, users, unit):
    client.force_login(users[Role.BUREAU])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {"as_of": tomorrow.isoformat(), "invention_patents": "12", "utility_models": "3"}
    data |= {"pct_applications": "1", "trademarks": "4"}
    response = client.post(reverse("units:ip_profile", kwargs={"uid": unit.uid}), data)
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["as_of"]] == ["future"]
    assert not unit.ip_profiles.exists()


def test_a_removal_dated_before_the_selection_is_refused_on_its_date(client, users, unit):
    ListingEvent.objects.create(unit=unit, kind=ListingEvent.Kind.SELECTED, date=datetime.date(2025, 9, 15))
    client.force_login(users[Role.BUREAU])
    url = reverse("units:remove", kwargs={"uid": unit.uid})
    response = client.post(url, {"date": "2025-09-14", "reason": "单位重组，不再列入。"})
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["date"]] == ["before_selection"]
    assert "2025-09-15" in response.text  # the message gives the selection date
    unit.refresh_from_db()
    assert unit.is_listed
    assert client.post(url, {"date": "2025-09-15", "reason": "单位重组，不再列入。"}).status_code == 302
    assert unit.listing_events.get(kind=ListingEvent.Kind.REMOVED).reason == "单位重组，不再列入。"


def test_a_reselection_dated_before_the_removal_is_refused_on_its_date(client, users, unit):
    client.force_login(users[Role.BUREAU])
    client.post(reverse("units:remove", kwargs={"uid": unit.uid}), {"date": "2026-07-01", "reason": "重组"})
    response = client.post(reverse("units:reselect", kwargs={"uid": unit.uid}), {"date": "2026-06-30"})
    assert [error.code for error in response.context["form"].errors.as_data()["date"]] == ["before_removal"]


def test_the_contact_form_takes_a_full_width_e_mail_as_the_import_does(client, users, unit):
    client.force_login(users[Role.BUREAU])
    create = reverse("units:contact_create", kwargs={"uid": unit.uid})
    response = client.post(
        create, {"name": "欧阳（主任）", "phone": "１３８－１２３４－５６７８", "email": "ＩＰ＠example.com"}
    )
    assert response.status_code == 302
    contact = unit.contacts.get()
    assert (contact.name, contact.phone, contact.email) == ("欧阳（主任）", "13812345678", "IP@example.com")


def test_county_officer_sees_only_the_county(client, db, programme, unit):
    officer = UserFactory(officer=True, division=division("330110"))
    client.force_login(officer)
    assert client.get(reverse("units:detail", kwargs={"uid": unit.uid})).status_code == 404


def test_officers_get_no_team_filter(client, users, programme):
    client.force_login(users[Role.OFFICER])
    assert "team" not in client.get(LIST).context["filter"].form.fields
    client.force_login(users[Role.BUREAU])
    assert "team" in client.get(LIST).context["filter"].form.fields


def test_the_list_shows_and_filters_the_plan_status(client, users, programme, unit):
    from plans.services import plan_start

    plan_start(actor=None, unit=unit)
    client.force_login(users[Role.BUREAU])
    response = client.get(LIST)
    states = {u.name: u.plan_state for u in response.context["object_list"]}
    assert states == {"西湖光电实验室": "draft", "宁波甬江材料实验室": "not_started"}
    # The badge's label comes with the row, in the reader's language.
    assert 'data-status="draft">草稿</span>' in response.text
    assert 'data-status="not_started">未开始</span>' in response.text
    assert names(client.get(LIST, {"plan": "draft"})) == {"西湖光电实验室"}
    assert names(client.get(LIST, {"plan": "not_started"})) == {"宁波甬江材料实验室"}
    assert 'data-status="draft"' in response.text


def test_past_due_plans_are_flagged_in_the_list(client, users, programme, unit):
    from plans.services import plan_start

    plan = plan_start(actor=None, unit=unit)
    plan.due_on = datetime.date(2025, 4, 30)
    plan.save()
    client.force_login(users[Role.BUREAU])
    assert names(client.get(LIST, {"plan": "past_due"})) >= {"西湖光电实验室"}
    assert 'data-testid="plan-past-due"' in client.get(LIST).text


def test_only_the_serving_team_gets_the_buttons_to_log_its_work(client, viewers, unit, world):
    from django.urls import reverse

    page = reverse("units:detail", kwargs={"uid": unit.uid})
    for viewer, shown in [("member", True), ("bureau", False), ("officer", False), ("contact", False)]:
        client.force_login(viewers[viewer])
        content = client.get(page).content.decode()
        assert ('data-testid="log-activity"' in content) is shown, viewer
        assert (f"/archives/requests/new/?unit={unit.uid}" in content) is shown, viewer
