"""`manage.py export_report`: the same checks and files as the exports page, from the shell, as the bureau unless
--user names a login; clear refusals for a bad period, team, city or user."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext

from accounts.models import Role
from tests.factories import UserFactory, team_led_by
from tests.reports.export_samples import sample_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    calls = []

    def fake(*, actor, target, today=None):
        calls.append((actor, target))
        return sample_document()

    monkeypatch.setattr("reports.management.commands.export_report.export_document", fake)
    return calls


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_report", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_province_report_as_the_bureau(users, built, tmp_path):
    path = tmp_path / "全省.xlsx"
    output = export("--period", "2026H1", "--format", "xlsx", "-o", str(path))
    assert openpyxl.load_workbook(path).sheetnames == ["总体情况", "按设区市", "60天以上未联系单位", "工作总结"]
    actor, target = built[0]
    assert actor == users[Role.BUREAU]
    assert (target.kind, target.period.code, target.city) == ("province", "2026H1", None)
    assert str(path) in output
    assert "2026年上半年知识产权护航行动工作报告" in output


def test_it_writes_a_city_as_pdf_and_a_team_report_as_another_login(users, built, tmp_path):
    export("--period", "2025h2", "--city", "330100", "--format", "pdf", "--output", str(tmp_path / "杭州.pdf"))
    assert (tmp_path / "杭州.pdf").read_bytes().startswith(b"%PDF-")
    assert built[-1][1].city.name == "杭州市"

    member = users[Role.TEAM_MEMBER]
    team = team_led_by(member, "西湖团队")
    export(
        "--period",
        "2026H1",
        "--team",
        str(team.pk),
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "t.xlsx"),
        "--user",
        "tom",
    )
    actor, target = built[-1]
    assert (actor, target.kind, target.team) == (member, "team", team)


@pytest.mark.parametrize(
    ("args", "message", "params"),
    [
        (["--period", "2026H3"], "%(period)s is not a half year: write it as 2026H1 or 2026H2.", {"period": "2026H3"}),
        (
            ["--period", "2026H1", "--city", "999999"],
            "%(city)s is not a city whose units you can read.",
            {"city": "999999"},
        ),
        (["--period", "2026H1", "--team", "424242"], "Choose a team whose report you can read.", {}),
        (["--period", "2026H1", "--user", "nobody"], "There is no active login %(username)s.", {"username": "nobody"}),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(users, built, tmp_path, args, message, params):
    path = tmp_path / "out.xlsx"
    with pytest.raises(CommandError) as refused:
        export(*args, "--format", "xlsx", "-o", str(path))
    assert str(refused.value) == (gettext(message) % params if params else gettext(message))
    assert not path.exists()
    assert not built


def test_a_login_exports_only_within_its_scope(users, built, tmp_path):
    other = team_led_by(UserFactory(username="tina", team_member=True), "甬江团队")
    with pytest.raises(CommandError, match=gettext("Choose a team whose report you can read.")):
        export(
            "--period",
            "2026H1",
            "--team",
            str(other.pk),
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "x.pdf"),
            "--user",
            "tom",
        )
    with pytest.raises(CommandError, match=gettext("You may not export the province report.")):
        export("--period", "2026H1", "--format", "pdf", "-o", str(tmp_path / "x.pdf"), "--user", "uma")


def test_team_and_city_exclude_each_other_and_format_and_output_are_required(users, built, tmp_path):
    with pytest.raises(CommandError, match="not allowed with argument"):
        export("--period", "2026H1", "--team", "1", "--city", "330100", "--format", "xlsx", "-o", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="invalid choice"):
        export("--period", "2026H1", "--format", "docx", "-o", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="required"):
        export("--period", "2026H1", "--format", "xlsx")


def test_without_a_bureau_login_it_asks_for_one(db, built, tmp_path):
    with pytest.raises(
        CommandError, match=gettext("There is no active bureau login to export as: name one with --user.")
    ):
        export("--period", "2026H1", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))


def test_a_missing_folder_is_refused(users, built, tmp_path):
    with pytest.raises(CommandError):
        export("--period", "2026H1", "--format", "xlsx", "-o", str(tmp_path / "missing" / "a.xlsx"))
