"""The same form sent twice at the same moment, in two connections (PostgreSQL): one record, one set of files.

tests/concurrency.py holds both transactions open until each has passed the look-up by token, so the second insert
always meets the first on the unique constraint, and archives.services has to hand back the first record.
"""

import datetime
import uuid

import pytest

from accounts.models import Role
from archives import services
from archives.models import Activity, Attachment, Request
from archives.services import Advance
from plans.models import ProgressNote
from tests.archives.conftest import PDF, PNG, upload
from tests.concurrency import at_once, needs_postgresql
from tests.factories import plan_with_two_measures

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def stored_files(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def test_a_request_sent_twice_at_once_is_filed_once(users, world, unit, media_root):
    contact, token = users[Role.UNIT_CONTACT], uuid.uuid4()

    def submit():
        return services.request_submit(
            actor=contact,
            unit=unit,
            kind="consultation",
            title="专利布局咨询",
            description="请协助。",
            files=[upload("需求说明.pdf", PDF)],
            token=token,
        )

    first, second = at_once(submit, submit)

    assert isinstance(first, Request), first
    assert isinstance(second, Request), second
    assert first.pk == second.pk
    assert Request.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert len(stored_files(media_root)) == 1  # the losing attempt stored nothing, or deleted what it stored


def test_an_activity_sent_twice_at_once_is_recorded_once(users, world, unit, media_root):
    member, token = users[Role.TEAM_MEMBER], uuid.uuid4()
    measure, _other = plan_with_two_measures(unit)

    def record():
        return services.activity_create(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 9, 15),
            kind="visit",
            summary="走访调研。",
            advances=[Advance(measure, "完成宣讲。")],
            files=[upload("现场.png", PNG)],
            token=token,
        )

    first, second = at_once(record, record)

    assert isinstance(first, Activity), first
    assert isinstance(second, Activity), second
    assert first.pk == second.pk
    assert Activity.objects.count() == 1
    assert ProgressNote.objects.filter(measure=measure).count() == 1
    assert Attachment.objects.count() == 1
    assert len(stored_files(media_root)) == 1
