"""Every plan page of the demo programme opens — the plan, its editor and its review — for the bureau and for the
demo leader, with the exact answer each role gets: no server error on data that was seeded rather than typed (its
history rows start after the events they follow), including plans returned and then resubmitted."""

import pytest
from django.urls import reverse

from accounts.models import User
from plans import services
from plans.models import Plan, PlanEvent, PlanVersion
from plans.selectors import plans_for_user

pytestmark = pytest.mark.django_db

Status = PlanVersion.Status


def _urls(plan: Plan) -> dict[str, str]:
    return {name: reverse(f"plans:{name}", kwargs={"uid": plan.uid}) for name in ("detail", "edit", "review")}


def _walk(client, username: str, expected) -> dict[tuple[str, str], tuple[int, int]]:
    """Opens the three pages of every plan as `username`; returns the answers that differ from `expected`."""
    user = User.objects.get(username=username)
    client.force_login(user)
    own = set(plans_for_user(user=user).values_list("pk", flat=True))
    wrong = {}
    for plan in Plan.objects.select_related("working", "unit"):
        for page, url in _urls(plan).items():
            code = client.get(url).status_code
            want = expected(page, plan, own=plan.pk in own, user=user)
            if code != want:
                wrong[(plan.unit.name, page)] = (code, want)
    return wrong


def _editor(plan: Plan) -> int:
    return 200 if plan.working and plan.working.is_editable else 302  # else back to the plan, with a message


def _bureau(page: str, plan: Plan, *, own: bool, user: User) -> int:
    if page == "detail":
        return 200
    if page == "edit":
        # The bureau reviews; only the serving team writes. (The demo's bureau login is also a superuser, for the
        # admin, and Django grants a superuser every permission: then the editor opens as for the team.)
        return _editor(plan) if user.has_perm("plans.write_plans") else 403
    return 200 if plan.working and plan.working.status == Status.SUBMITTED else 302  # else back to the plan


def _leader(page: str, plan: Plan, *, own: bool, user: User) -> int:
    if not own:
        return 404  # another team's plan: as if it did not exist
    if page == "detail":
        return 200
    if page == "edit":
        return _editor(plan)
    return 403  # the team may read the plan but not review it


def test_the_demo_has_plans_returned_and_resubmitted(seeded):
    resubmitted = PlanVersion.objects.filter(status=Status.SUBMITTED, events__action=PlanEvent.Action.RETURNED)
    assert resubmitted.exists()
    assert not PlanEvent.objects.filter(action=PlanEvent.Action.RETURNED, snapshot__isnull=True).exists()


def test_every_plan_page_opens_for_the_bureau(client, seeded):
    assert _walk(client, "bureau", _bureau) == {}


def test_every_plan_page_opens_for_the_leader(client, seeded):
    leader = User.objects.get(username="leader")
    assert plans_for_user(user=leader).exists()
    assert _walk(client, "leader", _leader) == {}


def test_every_returned_demo_plan_resubmitted_opens_for_review_against_the_returned_text(client, seeded):
    """What a bureau official trying it for real does: the team resubmits each returned plan, the bureau opens the
    review. The history rows of seeded plans start after their return, so this must not look them up."""
    returned = list(Plan.objects.filter(working__status=Status.RETURNED).select_related("working"))
    assert returned
    for plan in returned:
        services.plan_submit(actor=None, version=plan.working)
    client.force_login(User.objects.get(username="bureau"))
    for plan in returned:
        response = client.get(_urls(plan)["review"])
        assert response.status_code == 200, plan.unit.name
        assert response.context["baseline"].kind == "returned"
        assert not [s.name for s in response.context["sections"] if s.changed]  # resubmitted as it was returned
