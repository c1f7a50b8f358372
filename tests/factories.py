"""Factories for every model; tests build their world from these."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from huhang.demo import credit_code
from units.divisions import load_zhejiang_divisions
from units.models import Division, Unit


def division(code: str) -> Division:
    """Divisions come from the data migration; tests look them up by code."""
    if not Division.objects.filter(code=code).exists():
        load_zhejiang_divisions(Division)  # a transactional test (browser journeys) flushed the migration's rows
    return Division.objects.get(code=code)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试重点单位{n:04d}")
    credit_code = factory.Sequence(lambda n: credit_code("91", "330106", f"T{n:08d}"))
    category = Unit.Category.KEY_LAB
    division = factory.LazyFunction(lambda: division("330106"))  # 杭州市西湖区


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
