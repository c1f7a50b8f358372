"""Factories for every model; tests build their world from these."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from demo.units import credit_code
from huhang.search import bigram_document
from huhang.text import pinyin_initials
from plans import services as plan_services
from plans.models import SECTIONS
from teams.models import Assignment, Expertise, Person, Team
from teams.services import team_create, unit_assign_team
from units.divisions import load_zhejiang_divisions
from units.models import Division, IPProfile, Unit, UnitContact


def division(code: str) -> Division:
    """Divisions come from the data migration; tests look them up by code."""
    if not Division.objects.filter(code=code).exists():
        load_zhejiang_divisions(Division)  # a transactional test (browser journeys) flushed the migration's rows
    return Division.objects.get(code=code)


def restore_migration_rows() -> None:
    """The rows the data migrations write (divisions, the units' feedback questions), back where a transactional
    test's flush removed them: a reused test database, or data built for a whole module."""
    from importlib import import_module

    from django.apps import apps as django_apps

    from reports.models import FeedbackQuestion

    if not Division.objects.exists():
        load_zhejiang_divisions(Division)
    if not FeedbackQuestion.objects.exists():
        import_module("reports.migrations.0002_feedback_questions").add_questions(django_apps, None)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试重点单位{n:04d}")
    credit_code = factory.Sequence(lambda n: credit_code("91", "330106", f"T{n:07d}"))
    category = Unit.Category.KEY_LAB
    division = factory.LazyFunction(lambda: division("330106"))  # 杭州市西湖区
    name_initials = factory.LazyAttribute(lambda unit: pinyin_initials(unit.name))  # as units.services sets it
    search_document = factory.LazyAttribute(lambda unit: bigram_document(unit.name, unit.name_initials))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    role = Role.BUREAU
    password = factory.django.Password("correct-horse-battery")

    class Params:
        bureau = factory.Trait(role=Role.BUREAU)
        officer = factory.Trait(role=Role.OFFICER, division=factory.LazyFunction(lambda: division("330100")))
        team_member = factory.Trait(role=Role.TEAM_MEMBER)
        expert = factory.Trait(role=Role.EXPERT)
        unit_contact = factory.Trait(role=Role.UNIT_CONTACT, unit=factory.SubFactory(UnitFactory))
        system_admin = factory.Trait(role=Role.SYSTEM_ADMIN, is_staff=True)
        security_admin = factory.Trait(role=Role.SECURITY_ADMIN)
        audit_admin = factory.Trait(role=Role.AUDIT_ADMIN)


class UnitContactFactory(DjangoModelFactory):
    class Meta:
        model = UnitContact

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    position = "知识产权专员"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class IPProfileFactory(DjangoModelFactory):
    class Meta:
        model = IPProfile

    unit = factory.SubFactory(UnitFactory)
    as_of = datetime.date(2025, 3, 1)
    invention_patents = 120
    pct_applications = 8
    trademarks = 15


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"服务人员{n}")
    kind = Person.Kind.IP_COMMISSIONER
    organisation = "浙江省知识产权保护中心"
    confidentiality_signed_on = datetime.date(2025, 2, 20)

    @factory.post_generation
    def expertise(person, create, areas, **kwargs):
        if create and areas:
            Expertise.objects.bulk_create(Expertise(person=person, area=area) for area in areas)


class TeamFactory(DjangoModelFactory):
    """A complete "1+2+X" team (one leader, two core members) built through the service that enforces it."""

    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"护航服务{n}队")

    @classmethod
    def _create(cls, model_class, *, name, leader=None, core_members=None, **kwargs):
        return team_create(
            actor=None,
            name=name,
            leader=leader or PersonFactory(),
            core_members=core_members or PersonFactory.create_batch(2),
        )


def assign(unit: Unit, team: Team, start: datetime.date = datetime.date(2025, 3, 15)) -> Assignment:
    return unit_assign_team(actor=None, unit=unit, team=team, start=start)


def team_led_by(user: User, name: str) -> Team:
    """A 1+2+X team whose leader's pool entry logs in as `user`."""
    team = TeamFactory(name=name)
    leader = team.memberships.get(role="leader").person
    leader.user = user
    leader.save()
    return team


def two_served_units(member: User, unit: Unit) -> dict:
    """`unit` served by the team `member` leads (西湖团队); a Ningbo unit served by tina's team (甬江团队)."""
    team = team_led_by(member, "西湖团队")
    assign(unit, team)
    ningbo = UnitFactory(name="宁波甬江材料实验室", division=division("330203"), category=Unit.Category.UNIVERSITY)
    tina = UserFactory(username="tina", team_member=True)
    other_team = team_led_by(tina, "甬江团队")
    assign(ningbo, other_team)
    return {
        "team": team,
        "leader": team.memberships.get(role="leader").person,
        "ningbo": ningbo,
        "other_team": other_team,
        "tina": tina,
    }


class PlanFactory(DjangoModelFactory):
    """A unit's plan opened through plans.services.plan_start (version 1, a draft); `sections=True` fills them."""

    class Meta:
        model = "plans.Plan"

    unit = factory.SubFactory(UnitFactory)

    @classmethod
    def _create(cls, model_class, *, unit, sections: bool = False, **kwargs):
        from plans.models import SECTIONS
        from plans.services import plan_sections_save, plan_start

        plan = plan_start(actor=None, unit=unit)
        if sections:
            plan_sections_save(
                actor=None, version=plan.working, revision=0, **{name: f"{name}：测试内容。" for name in SECTIONS}
            )
            plan.refresh_from_db()
        return plan


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Measure"

    version = factory.LazyAttribute(lambda measure: PlanFactory().working)
    position = factory.Sequence(lambda n: n + 1)
    area = "policy_law"
    content = factory.Sequence(lambda n: f"服务举措{n}")
    due_on = datetime.date(2026, 12, 31)


# --- The service archive and the requests --------------------------------------------------------------------


def expert_user(username: str = "expert", **person) -> User:
    """An expert with a login and a signed confidentiality undertaking (a Person bound to the user)."""
    user = UserFactory(username=username, expert=True)
    PersonFactory(user=user, kind=Person.Kind.THINK_TANK, **person)
    return user


class ActivityFactory(DjangoModelFactory):
    """An activity recorded through archives.services.activity_create (by a bureau user unless `actor` is given)."""

    class Meta:
        model = "archives.Activity"

    unit = factory.SubFactory(UnitFactory)
    date = datetime.date(2026, 9, 15)
    kind = "visit"
    summary = factory.Sequence(lambda n: f"走访调研第{n}次：了解单位知识产权工作情况。")

    @classmethod
    def _create(cls, model_class, *, actor=None, **kwargs):
        from archives.services import activity_create

        return activity_create(actor=actor or UserFactory(username="recorder", bureau=True), **kwargs)


class RequestFactory(DjangoModelFactory):
    """A request submitted through archives.services.request_submit by the unit's contact (made if not given)."""

    class Meta:
        model = "archives.Request"

    unit = factory.SubFactory(UnitFactory)
    kind = "consultation"
    title = factory.Sequence(lambda n: f"专利布局咨询{n}")
    description = "请协助分析核心技术的专利布局。"

    @classmethod
    def _create(cls, model_class, *, actor=None, **kwargs):
        from archives.services import request_submit

        unit = kwargs["unit"]
        actor = actor or unit.contact_users.first() or UserFactory(unit_contact=True, unit=unit)
        return request_submit(actor=actor, **kwargs)


# --- Plans in a given state, through the plan services ------------------------------------------------------

SECTION_TEXT = {name: f"{name} 的内容" for name in SECTIONS}


def ready(plan):
    """Fills the working version so that it may be submitted."""
    version = plan.working
    version.refresh_from_db()
    plan_services.plan_sections_save(actor=None, version=version, revision=version.revision, **SECTION_TEXT)
    if not version.measures.exists():
        plan_services.measure_save(actor=None, version=version, area="policy_law", content="宣讲专利法")
    version.refresh_from_db()
    return version


def approved_plan(unit):
    plan = plan_services.plan_start(actor=None, unit=unit)
    version = ready(plan)
    plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_approve(actor=None, version=version)
    plan.refresh_from_db()
    return plan


def plan_with_two_measures(unit) -> list:
    """An approved plan for `unit` with two measures (policy and law; protection), in their order."""
    plan = plan_services.plan_start(actor=None, unit=unit)
    version = ready(plan)
    plan_services.measure_save(actor=None, version=version, area="protection", content="建立维权机制")
    plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_approve(actor=None, version=version)
    return list(version.measures.order_by("position"))
