"""Factories of the reminders app's rows, for tests that need a reminder without running a finder."""

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from factory.django import DjangoModelFactory

from reminders.kinds import Kind
from reminders.models import Delivery, Notification, Reminder, TeamRobot
from tests.factories import TeamFactory, UnitFactory, UserFactory


class ReminderFactory(DjangoModelFactory):
    """A reminder about a unit (any record will do for the delivery machinery)."""

    class Meta:
        model = Reminder

    class Params:
        record = factory.SubFactory(UnitFactory)

    kind = Kind.NO_CONTACT
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.record))
    object_id = factory.LazyAttribute(lambda o: o.record.pk)
    occasion = factory.Sequence(lambda n: f"test-{n}")
    title = factory.LazyAttribute(lambda o: f"{o.record}：测试提醒")
    url = "/units/"


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    reminder = factory.SubFactory(ReminderFactory)
    user = factory.SubFactory(UserFactory)


class EmailDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    reminder = factory.SubFactory(ReminderFactory)
    channel = Delivery.Channel.EMAIL
    user = factory.SubFactory(UserFactory, email=factory.Sequence(lambda n: f"user{n}@example.org"))
    not_before = factory.LazyFunction(timezone.now)


class DingTalkDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    reminder = factory.SubFactory(ReminderFactory)
    channel = Delivery.Channel.DINGTALK
    team = factory.SubFactory(TeamFactory)
    not_before = factory.LazyFunction(timezone.now)


class TeamRobotFactory(DjangoModelFactory):
    class Meta:
        model = TeamRobot

    team = factory.SubFactory(TeamFactory)
    webhook_url = "https://oapi.dingtalk.com/robot/send?access_token=test"
    secret = "SECtest0123456789abcdef"
