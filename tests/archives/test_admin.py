"""The archive's admin pages render for a superuser, with the history of activities, requests, referrals and limits."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from archives import services
from archives.models import ResponseLimit
from tests.archives.conftest import PDF, upload
from tests.factories import ActivityFactory, RequestFactory


@pytest.fixture
def admin_client(client, users):
    bureau = users[Role.BUREAU]
    bureau.is_staff = bureau.is_superuser = True
    bureau.save()
    client.force_login(bureau)
    return client


def test_admin_pages_render(admin_client, viewers, world, unit):
    activity = ActivityFactory(actor=viewers["member"], unit=unit, files=[upload("纪要.pdf", PDF)])
    request = RequestFactory(unit=unit, actor=viewers["contact"])
    referral = services.request_refer(
        actor=viewers["member"],
        request=request,
        department="杭州市科技局",
        contact="王",
        referred_on=timezone.localdate(),
    )
    limit = ResponseLimit.objects.first()
    for name, args in [
        ("admin:archives_activity_changelist", []),
        ("admin:archives_activity_change", [activity.pk]),
        ("admin:archives_activity_history", [activity.pk]),
        ("admin:archives_request_changelist", []),
        ("admin:archives_request_change", [request.pk]),
        ("admin:archives_request_history", [request.pk]),
        ("admin:archives_referral_changelist", []),
        ("admin:archives_referral_history", [referral.pk]),
        ("admin:archives_attachment_changelist", []),
        ("admin:archives_responselimit_changelist", []),
        ("admin:archives_responselimit_history", [limit.pk]),
    ]:
        assert admin_client.get(reverse(name, args=args)).status_code == 200, name
