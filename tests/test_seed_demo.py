import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from units.models import Unit

DEMO_USERNAMES = ["bureau", "officer", "leader", "member", "expert", "unit"]


@pytest.mark.django_db
def test_seed_demo_creates_one_working_login_per_role_and_is_idempotent(settings, capsys):
    settings.DEMO_PASSWORD = "Demo-password-1"
    call_command("seed_demo", force=True)
    counts = (User.objects.count(), Unit.objects.count())
    call_command("seed_demo", force=True)
    assert (User.objects.count(), Unit.objects.count()) == counts

    for username in DEMO_USERNAMES:
        assert authenticate(username=username, password="Demo-password-1") is not None, username
    assert {u.role for u in User.objects.filter(username__in=DEMO_USERNAMES)} == set(Role)
    officer = User.objects.get(username="officer")
    assert officer.division.name == "杭州市"
    assert User.objects.get(username="unit").unit is not None
    printed = capsys.readouterr().out
    assert all(username in printed for username in DEMO_USERNAMES)
    assert "Demo-password-1" in printed


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_credit_codes_are_valid():
    from units.credit_code import validate_credit_code

    call_command("seed_demo", force=True)
    for unit in Unit.objects.all():
        validate_credit_code(unit.credit_code)
