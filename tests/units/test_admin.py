from django.urls import reverse

from accounts.models import Role
from tests.factories import IPProfileFactory, UnitContactFactory


def test_superuser_admin_pages_for_units_load(client, users, unit):
    UnitContactFactory(unit=unit)
    IPProfileFactory(unit=unit)
    admin = users[Role.BUREAU]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse("admin:units_unit_changelist"), {"q": "西湖"}).status_code == 200
    assert client.get(reverse("admin:units_unit_change", args=[unit.pk])).status_code == 200
    assert client.get(reverse("admin:units_division_changelist")).status_code == 200
    assert client.get(reverse("admin:units_division_add")).status_code == 403
