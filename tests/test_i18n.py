"""The Chinese catalogue is complete: no string of the portal reaches a user untranslated."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["accounts", "archives", "demo", "huhang", "plans", "reports", "teams", "templates", "units"]


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_catalogue_holds_every_string_of_the_source(tmp_path, monkeypatch):
    """Extracts the strings afresh (as `make messages` does) into a copy, so the real catalogue is untouched."""
    for name in SOURCE_DIRS:
        (tmp_path / name).symlink_to(ROOT / name)
    fresh = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    fresh.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, fresh)
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["zh_Hans"], symlinks=True, no_obsolete=True, verbosity=0)

    fresh_catalogue = polib.pofile(str(fresh))
    new = [e.msgid for e in fresh_catalogue.untranslated_entries() + fresh_catalogue.fuzzy_entries()]
    assert new == [], "untranslated strings: run `make messages` and translate them in django.po"
    stale = {e.msgid for e in polib.pofile(str(CATALOGUE)) if not e.obsolete} - {e.msgid for e in fresh_catalogue}
    assert stale == set(), "strings no longer in the source: run `make messages`"


@pytest.mark.django_db
def test_the_language_switch_turns_the_portal_english(client):
    assert "登录" in client.get(reverse("accounts:login")).text
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.url == reverse("accounts:login")
    page = client.get(reverse("accounts:login"))
    assert page.headers["Content-Language"] == "en"
    assert "Log in" in page.text
    assert "登录" not in page.text
