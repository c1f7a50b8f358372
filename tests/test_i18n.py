"""The Chinese catalogue is complete: no string of the portal reaches a user untranslated."""

import datetime
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django import forms
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from huhang.vocabulary import FULL_HEADINGS, TaskArea
from tests.factories import TeamFactory, UserFactory, assign

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = [
    "accounts",
    "archives",
    "audit",
    "demo",
    "huhang",
    "plans",
    "reminders",
    "reports",
    "teams",
    "templates",
    "units",
]


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


# --- Chinese unless the user switches ---------------------------------------------------------------------------


@pytest.fixture
def english_browser(client):
    """A browser set to English: every request says Accept-Language: en."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    return client


def assert_chinese(response):
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.text
    assert "Log in" not in response.text
    assert "Log out" not in response.text


@pytest.mark.django_db
def test_an_english_browser_gets_the_chinese_portal_login_included(english_browser):
    login_page = english_browser.get(reverse("accounts:login"))
    assert_chinese(login_page)
    assert "登录" in login_page.text
    english_browser.force_login(UserFactory(bureau=True))
    home = english_browser.get(reverse("home"))
    assert_chinese(home)
    assert "退出登录" in home.text
    # The page depends on the switch's cookie, not on the header: caches key on the cookie.
    assert "Cookie" in home.headers["Vary"]
    assert "Accept-Language" not in home.headers["Vary"]


@pytest.mark.django_db
def test_the_switch_turns_an_english_browser_english_and_back(english_browser):
    english_browser.force_login(UserFactory(bureau=True))
    english_browser.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    home = english_browser.get(reverse("home"))
    assert home.headers["Content-Language"] == "en"
    assert "Log out" in home.text
    assert "退出登录" not in home.text
    english_browser.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert_chinese(english_browser.get(reverse("home")))


@pytest.mark.django_db
def test_a_cookie_naming_no_portal_language_falls_back_to_chinese(english_browser, settings):
    english_browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert_chinese(english_browser.get(reverse("accounts:login")))


# --- One date format --------------------------------------------------------------------------------------------

DAY = datetime.date(2026, 3, 20)
MOMENT = datetime.datetime(2026, 3, 20, 14, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_read_year_month_day_in_every_language(language):
    """A bare {{ date }} or |date shows the same as the templates' explicit "Y-m-d" (not 2026年3月20日, not
    March 20, 2026)."""
    template = Template("{{ day }}|{{ day|date }}|{{ day|date:'SHORT_DATE_FORMAT' }}|{{ moment }}|{{ moment|time }}")
    with translation.override(language):
        rendered = template.render(Context({"day": DAY, "moment": MOMENT}))
        shown_in_a_form = forms.DateField().widget.format_value(DAY)
    assert rendered == "2026-03-20|2026-03-20|2026-03-20|2026-03-20 14:05|14:05"
    assert shown_in_a_form == "2026-03-20"


@pytest.mark.django_db
def test_the_unit_page_shows_the_serving_teams_start_as_year_month_day(client, users, unit):
    """The team panel prints its date without a format: it follows the portal's DATE_FORMAT."""
    assign(unit, TeamFactory(name="护航服务测试队"), start=datetime.date(2025, 4, 10))
    client.force_login(users[Role.BUREAU])
    page = client.get(reverse("units:detail", kwargs={"uid": unit.uid})).text
    assert "2025-04-10" in page
    assert "2025年4月10日" not in page


# --- The task areas' full headings ------------------------------------------------------------------------------

# 二、主要任务 of the action plan (the seed document), word for word.
ACTION_PLAN_HEADINGS = [
    "指导掌握知识产权政策法律",
    "指导完善知识产权管理体系",
    "指导优化知识产权整体布局",
    "指导强化知识产权协同创新",
    "指导开展知识产权分析评议",
    "指导提升知识产权运用实效",
    "指导健全知识产权保护机制",
]


def test_every_task_area_has_the_action_plans_full_heading_beside_its_short_label():
    with translation.override("zh-hans"):
        assert [str(area.full_label) for area in TaskArea] == ACTION_PLAN_HEADINGS
        assert str(TaskArea("policy_law").full_label) == "指导掌握知识产权政策法律"  # from a stored value
        assert str(TaskArea.POLICY_LAW.label) == "政策法律"  # the short label stays for lists and filters
    with translation.override("en"):
        assert str(TaskArea.PROTECTION.full_label) == "Guide units in building a sound IP protection mechanism"
    assert set(FULL_HEADINGS) == set(TaskArea)
