"""The demo command guards the real programme: the full demo is tested in tests/demo/."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import UnitFactory
from units.models import Unit


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_to_double_a_demo_laid_out_by_an_older_version():
    """An older seed_demo placed its units elsewhere (other credit codes): updating in place would add a second
    programme beside the first, so the command asks for an empty database instead."""
    UnitFactory(name="钱塘智能计算实验室")
    with pytest.raises(CommandError, match="older version of seed_demo"):
        call_command("seed_demo", force=True)
    assert Unit.objects.count() == 1
    assert not User.objects.exists()
