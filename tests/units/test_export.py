"""The Excel export of the unit list: scoped to the user, filtered like the list, and importable again."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import IllegalCharacterError

from accounts.models import Role
from tests.factories import UnitContactFactory, UnitFactory, division
from tests.units.test_import import code
from units import exporting
from units.exporting import SHEET_TITLE, units_export
from units.importing import import_run
from units.models import Unit
from units.services import contact_save, unit_create, unit_remove

EXPORT = reverse("units:export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exported(response) -> list[dict]:
    """The data rows of an exported workbook, by header."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook[SHEET_TITLE]
    headers = [cell.value for cell in sheet[2]]
    return [dict(zip(headers, values, strict=True)) for values in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.fixture
def ningbo_unit(db):
    return UnitFactory(name="宁波甬江材料实验室", division=division("330203"))


def test_the_bureau_exports_every_unit_with_its_contact_and_selection(client, users, unit, ningbo_unit):
    contact_save(unit=unit, name="王工", phone="0571-87654321", email="wang@example.com", is_primary=True)
    UnitContactFactory(unit=unit, name="次要联系人")
    selected = unit_create(
        actor=None,
        name="之江新材料实验室",
        credit_code=code(7),
        category=Unit.Category.LITTLE_GIANT,
        division=division("330502"),
        selected_on=datetime.date(2025, 3, 14),
        batch="2025年第一批",
    )
    client.force_login(users[Role.BUREAU])

    # In full on the bureau's request; masked otherwise (tests/security/test_masking.py).
    rows = {r["单位名称"]: r for r in exported(client.get(EXPORT, {"contacts": "full"}))}

    assert set(rows) == {unit.name, ningbo_unit.name, selected.name}
    assert rows[unit.name] | {"序号": None} == {
        "序号": None,
        "单位名称": "西湖光电实验室",
        "统一社会信用代码": unit.credit_code,
        "类别": "全国/省重点实验室",
        "设区市": "杭州市",
        "区县": "西湖区",
        "技术领域": None,
        "地址": None,
        "联系人": "王工",
        "联系电话": "0571-87654321",
        "电子邮箱": "wang@example.com",
        "入选日期": None,
        "批次": None,
    }
    assert rows[selected.name]["入选日期"].date() == datetime.date(2025, 3, 14)
    assert (rows[selected.name]["批次"], rows[selected.name]["类别"]) == ("2025年第一批", "专精特新“小巨人”企业")
    assert rows[selected.name]["设区市"] == "湖州市"


def test_an_officer_exports_only_the_jurisdiction(client, users, unit, ningbo_unit):
    client.force_login(users[Role.OFFICER])
    assert [r["单位名称"] for r in exported(client.get(EXPORT))] == [unit.name]


def test_another_citys_officer_exports_none_of_hangzhou(client, outsiders, unit, ningbo_unit):
    client.force_login(outsiders[Role.OFFICER])
    names = {r["单位名称"] for r in exported(client.get(EXPORT))}
    assert ningbo_unit.name in names
    assert unit.name not in names
    assert {r["设区市"] for r in exported(client.get(EXPORT))} == {"宁波市"}


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_other_roles_may_not_export(client, users, role):
    client.force_login(users[role])
    assert client.get(EXPORT).status_code == 403


def test_the_export_takes_the_lists_filters(client, users, unit, ningbo_unit):
    removed = UnitFactory(name="已调出的实验室")
    unit_remove(actor=None, unit=removed, date=datetime.date(2026, 1, 5), reason="不再符合条件")
    client.force_login(users[Role.BUREAU])

    def names(**query) -> set[str]:
        return {r["单位名称"] for r in exported(client.get(EXPORT, query))}

    assert names() == {unit.name, ningbo_unit.name}  # as the list: units on the list now
    assert names(city="330200") == {ningbo_unit.name}
    assert names(q="西湖") == {unit.name}
    assert names(status="removed") == {removed.name}
    assert names(status="all") == {unit.name, ningbo_unit.name, removed.name}


def test_a_malformed_filter_is_refused_rather_than_ignored(client, users, unit):
    client.force_login(users[Role.BUREAU])
    assert client.get(EXPORT, {"city": "not-a-city"}).status_code == 400


def test_export_then_import_updates_the_same_units_and_changes_nothing(db, unit, tmp_path):
    contact_save(unit=unit, name="王工", phone="13812345678", email="wang@example.com", is_primary=True)
    unit_create(
        actor=None,
        name="=并非公式的单位",
        credit_code=code(8),
        category=Unit.Category.OTHER,
        division=division("331102"),
        selected_on=datetime.date(2025, 3, 14),
        address="丽水市莲都区（全角括号）",
    )
    UnitFactory.create_batch(5, division=division("330782"), technical_field="新材料")
    path = tmp_path / "export.xlsx"
    before = {u.pk: (u.name, u.credit_code, u.category, u.division_id, u.address) for u in Unit.objects.all()}
    history = Unit.history.count()

    with path.open("wb") as f:
        assert units_export(units=Unit.objects.all(), target=f) == 7

    cell = next(c for c in openpyxl.load_workbook(path)[SHEET_TITLE]["B"] if c.value == "=并非公式的单位")
    assert cell.data_type == "s"  # a name starting with "=" is written as text, not as a formula
    result = import_run(actor=None, path=path)
    # A value starting with "=" cannot be told from a formula on the way back, so it is refused, never evaluated.
    assert [(p.row, p.code) for p in result.problems] == [(cell.row, "formula")]

    Unit.objects.filter(credit_code=code(8)).update(name="并非公式的单位")
    with path.open("wb") as f:
        units_export(units=Unit.objects.all(), target=f)
    result = import_run(actor=None, path=path)
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 7, 7)
    after = {u.pk: (u.name, u.credit_code, u.category, u.division_id, u.address) for u in Unit.objects.all()}
    assert after == {
        **before,
        **{pk: ("并非公式的单位", *rest[1:]) for pk, rest in before.items() if rest[1] == code(8)},
    }
    assert Unit.history.count() == history
    assert unit.contacts.get().phone == "13812345678"


def test_an_edited_export_updates_what_was_edited(db, unit, tmp_path):
    path = tmp_path / "export.xlsx"
    with path.open("wb") as f:
        units_export(units=Unit.objects.all(), target=f)
    workbook = openpyxl.load_workbook(path)
    workbook[SHEET_TITLE]["H3"] = "杭州市西湖区留下街道"  # 地址
    workbook.save(path)

    result = import_run(actor=None, path=path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    unit.refresh_from_db()
    assert unit.address == "杭州市西湖区留下街道"


def test_the_export_runs_the_same_queries_whatever_the_number_of_units(client, users):
    client.force_login(users[Role.BUREAU])
    query = {"category": "key_lab", "city": "330100"}

    def queries_for(more: int) -> tuple[int, int]:
        for unit in UnitFactory.create_batch(more):
            UnitContactFactory(unit=unit, is_primary=True)
        client.get(EXPORT, query)  # the first request of a session settles what later ones read from caches
        with CaptureQueriesContext(connection) as captured:
            rows = len(exported(client.get(EXPORT, query)))
        return rows, len(captured)

    (few, queries), (many, more_queries) = queries_for(5), queries_for(200)
    assert (few, many) == (6, 206)  # and `users`' own unit
    assert queries == more_queries <= 13  # the rows in one query, the contacts and selections in the same


def test_the_rows_are_the_cells_openpyxl_would_write(db, tmp_path):
    """The export writes its rows' XML itself (units/exporting.py, _SheetRows): read back, each cell has the value,
    type and number format openpyxl's own write-only sheet gives the same row."""
    values = [
        "  前后有空格的名称 ",
        "91330106MA2B3C4D5E",
        "全国/省重点实验室",
        "杭州市",
        "西湖区",
        "",
        "<地址> & “引号” 'x' =SUM(A1)",
        None,
        "138****5678",
        "w***@example.com",
        datetime.date(2025, 3, 14),
        "=1+1",
    ]
    ours = tmp_path / "ours.xlsx"
    exporting._write_workbook(ours, rows=[values, values], row_count=2)

    reference = tmp_path / "reference.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for _ in range(exporting.HEADER_ROW):
        sheet.append([])
    for number in (1, 2):
        sheet.append([number, *(_reference_text_cell(sheet, v) if isinstance(v, str) else v for v in values)])
    workbook.save(reference)

    def cells(path, sheet_name=None):
        book = openpyxl.load_workbook(path)
        rows = (book[sheet_name] if sheet_name else book.worksheets[0]).iter_rows(min_row=exporting.HEADER_ROW + 1)
        return [[(c.value, c.data_type, c.number_format) for c in row] for row in rows]

    written = cells(ours, SHEET_TITLE)
    assert written == cells(reference)
    assert [row[0] for row in written] == [(1, "n", "General"), (2, "n", "General")]
    assert written[0][1] == ("  前后有空格的名称 ", "s", "General")  # its spaces kept
    assert written[0][11] == (datetime.datetime(2025, 3, 14), "d", "yyyy-mm-dd")  # noqa: DTZ001 — Excel's dates are naive
    assert written[0][12] == ("=1+1", "s", "General")  # text, never a formula


def test_a_value_excel_cannot_hold_is_refused_as_openpyxl_refuses_it(db, tmp_path):
    with pytest.raises(IllegalCharacterError):
        exporting._write_workbook(tmp_path / "x.xlsx", rows=[["名称\x01", *[""] * 11]], row_count=1)


def _reference_text_cell(sheet, value: str):
    """A text cell as the export wrote it through openpyxl: none when empty, text even when it starts with "="."""
    if not value:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
