"""Importing the key-unit list from Excel: the bureau's real files, every way a file can be wrong, the command, the
pages and the background path. Tests compare problem codes, rows and columns, never the (translated) messages."""

import datetime
import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from demo.units import credit_code
from huhang import uploads
from tests.factories import UnitContactFactory, UnitFactory, UserFactory, division
from units import excel_views, importing
from units.credit_code import check_character
from units.importing import import_check, import_run, jobs, reading, result, writing
from units.models import ImportJob, ListingEvent, Unit, UnitContact

# The bureau's own sample (shared/data/sample-unit-list.xlsx), kept with the tests.
SAMPLE = Path(__file__).resolve().parent / "data" / "sample-unit-list.xlsx"
HEADERS = [
    "序号",
    "单位名称",
    "统一社会信用代码",
    "类别",
    "所在设区市",
    "所在区县",
    "技术领域",
    "地址",
    "联系人",
    "联系电话",
    "电子邮箱",
    "入选日期",
    "批次",
]
TITLE = "浙江省知识产权护航战略科技力量行动重点服务对象清单（2025年第一批）"


@pytest.fixture
def sample() -> Path:
    return SAMPLE


def code(n: int, county: str = "330106") -> str:
    return credit_code("91", county, f"M{n:07d}")


def row(n: int, **values) -> dict:
    """A correct row of the list, by header; keyword arguments (by header) change it."""
    return {
        "序号": n,
        "单位名称": f"导入测试单位{n:03d}",
        "统一社会信用代码": code(n),
        "类别": "科技领军企业",
        "所在设区市": "杭州市",
        "所在区县": "西湖区",
        "技术领域": "人工智能",
        "地址": f"杭州市西湖区文三路{n}号",
        "联系人": "张三",
        "联系电话": "13812345678",
        "电子邮箱": f"ip{n}@example.com",
        "入选日期": "2025-03-14",
        "批次": "2025年第一批",
        **values,
    }


def write_list(path: Path, rows: list[dict], *, headers: list[str] = HEADERS, title: str | None = TITLE) -> Path:
    """An .xlsx shaped like the files the bureau receives: a merged title row above the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    workbook.save(path)
    return path


@pytest.fixture
def xlsx(tmp_path):
    counter = iter(range(1000))

    def make(rows: list[dict], **kwargs) -> Path:
        return write_list(tmp_path / f"list{next(counter)}.xlsx", rows, **kwargs)

    return make


def problems(result) -> list[tuple]:
    return [(p.row, p.column, p.code) for p in result.problems]


def nothing_written(before: int = 0) -> bool:
    return (
        Unit.objects.count() == before
        and not ListingEvent.objects.exists()
        and not UnitContact.objects.exists()
        and not Unit.history.filter(history_type="~").exists()
    )


# ---------------------------------------------------------------------------------------------------------------
# The files the bureau receives


def test_the_bureaus_sample_imports_150_units_in_one_go(db, sample):
    result = import_run(actor=None, path=sample)

    assert problems(result) == []
    assert (result.committed, result.rows_read, result.created, result.updated) == (True, 150, 150, 0)
    assert Unit.objects.count() == 150
    first = Unit.objects.select_related("division__city").get(credit_code="12330302FE3HX3464T")
    assert (first.name, first.category, first.division.name, first.division.city.name) == (
        "甬江柔性电子制造业创新中心",
        Unit.Category.MANUFACTURING_CENTRE,
        "鹿城区",
        "温州市",
    )
    assert first.listing_events.get().date == datetime.date(2025, 2, 15)
    assert (first.contacts.get().name, first.contacts.get().phone, first.contacts.get().is_primary) == (
        "徐明",
        "15443329131",
        True,
    )


def test_importing_the_sample_again_updates_the_same_units(db, sample):
    import_run(actor=None, path=sample)
    history = Unit.history.count()

    result = import_run(actor=None, path=sample)

    assert (result.committed, result.created, result.updated, result.unchanged) == (True, 0, 150, 150)
    assert Unit.objects.count() == 150
    assert ListingEvent.objects.count() == 150  # re-importing is not a second selection
    assert Unit.history.count() == history  # nothing changed, so no empty history rows


def test_the_ways_senders_write_a_list_are_understood(db, xlsx):
    headers = ["序号", "单位名称（全称）", "信用代码", "单位类别", "所在市", "县（市、区）", "联系人", "电话", "邮箱"]
    headers += ["入选日期", "批次", "备注"]
    path = xlsx(
        [
            row(
                1,
                **{
                    "单位名称（全称）": "　西湖  光电　实验室 ",
                    "信用代码": " " + code(1).lower()[:9] + " " + code(1).lower()[9:],
                },
            )
            | {"单位类别": "重点实验室", "所在市": "湖州", "县（市、区）": "吴兴", "电话": "138-1234-5678"}
            | {"邮箱": "ＩＰ＠example.com", "入选日期": "2025.3.14", "备注": "不导入"},
            row(2, **{"单位名称（全称）": "之江大学", "信用代码": "".join(chr(ord(c) + 0xFEE0) for c in code(2))})
            | {"单位类别": "高校", "所在市": "330100", "县（市、区）": "杭州市余杭区", "入选日期": "2025/3/4"},
            row(3, **{"单位名称（全称）": "小巨人甲", "信用代码": code(3), "单位类别": "专精特新“小巨人”企业"})
            | {"所在市": "浙江省宁波市", "县（市、区）": "余姚", "入选日期": datetime.date(2025, 3, 20)},
            {},  # an empty row in the middle: skipped without a word
            {"序号": 5},  # only the sender's numbering: empty as well
            row(6, **{"单位名称（全称）": "丽水实验室", "信用代码": code(6), "单位类别": "全国/省重点实验室"})
            | {"所在市": "丽水市", "县（市、区）": "莲都区", "入选日期": 45736, "电话": 13912345678},
        ],
        headers=headers,
    )

    result = import_run(actor=None, path=path)

    assert problems(result) == []
    assert (result.rows_read, result.created, result.header_row, result.ignored_columns) == (4, 4, 2, ["备注"])
    units = {u.credit_code: u for u in Unit.objects.select_related("division__city")}
    first = units[code(1)]
    assert (first.name, first.category, str(first.division)) == ("西湖 光电 实验室", "key_lab", "湖州市 吴兴区")
    contact = first.contacts.get()
    assert (contact.phone, contact.email) == ("13812345678", "IP@example.com")
    assert first.listing_events.get().date == datetime.date(2025, 3, 14)
    assert first.listing_events.get().batch == "2025年第一批"
    assert (units[code(2)].category, str(units[code(2)].division)) == ("university", "杭州市 余杭区")
    assert units[code(2)].listing_events.get().date == datetime.date(2025, 3, 4)
    assert (units[code(3)].category, str(units[code(3)].division)) == ("little_giant", "宁波市 余姚市")
    assert units[code(3)].listing_events.get().date == datetime.date(2025, 3, 20)  # a real Excel date
    assert units[code(6)].listing_events.get().date == datetime.date(2025, 3, 20)  # an Excel serial date
    assert units[code(6)].contacts.get().phone == "13912345678"


def test_a_unit_already_on_the_list_is_updated_not_duplicated(db, unit, xlsx):
    UnitContactFactory(unit=unit, name="旧联系人", is_primary=True)
    path = xlsx([row(1, **{"统一社会信用代码": unit.credit_code.lower(), "单位名称": "西湖光电实验室（新）"})])

    check = import_check(path=path)
    assert (check.created, check.updated, check.unchanged) == (0, 1, 0)
    result = import_run(actor=None, path=path)

    assert (result.created, result.updated) == (0, 1)
    unit.refresh_from_db()
    assert (unit.name, unit.category, unit.address) == ("西湖光电实验室（新）", "leading_firm", "杭州市西湖区文三路1号")
    assert unit.contacts.get().name == "张三"  # the primary contact is updated, not doubled
    assert not unit.listing_events.exists()  # its listing history is not the import's to change


def test_a_new_unit_without_a_date_is_selected_today_in_the_given_batch(db, xlsx):
    import_run(actor=None, path=xlsx([row(1, 入选日期=None, 批次="2026年第二批")]))
    event = ListingEvent.objects.get()
    assert (event.date, event.batch, event.kind) == (timezone.localdate(), "2026年第二批", "selected")


def test_columns_the_file_does_not_have_are_left_as_they_are(db, unit, xlsx):
    unit.address = "杭州市西湖区留下街道"
    unit.save()
    headers = ["单位名称", "统一社会信用代码", "类别", "设区市", "区县"]
    import_run(
        actor=None,
        path=xlsx([row(1, 统一社会信用代码=unit.credit_code) | {"设区市": "杭州", "区县": "西湖区"}], headers=headers),
    )
    unit.refresh_from_db()
    assert unit.address == "杭州市西湖区留下街道"
    assert not unit.contacts.exists()


def test_names_and_texts_are_imported_as_typed_and_identifiers_folded(db, xlsx):
    typed_code = "９１－" + code(1)[2:8] + " " + code(1)[8:].lower()  # full width, a hyphen, a space, lower case
    values = {"单位名称": "中国（杭州）知识产权保护中心", "统一社会信用代码": typed_code, "所在设区市": "杭州"}
    values |= {"地址": "杭州市西湖区文三路１号（东楼）", "批次": "2025年第一批（补充）", "联系人": "欧阳（主任）"}
    values |= {
        "电子邮箱": "ＩＰ＠example.com",
        "联系电话": "１３８－１２３４－５６７８",
        "类别": "专精特新“小巨人”企业",
    }
    result = import_run(actor=None, path=xlsx([row(1, **values)]))

    assert problems(result) == []
    unit = Unit.objects.get(credit_code=code(1))
    assert (unit.name, unit.address) == ("中国（杭州）知识产权保护中心", "杭州市西湖区文三路１号（东楼）")
    assert unit.listing_events.get().batch == "2025年第一批（补充）"
    contact = unit.contacts.get()
    assert (contact.name, contact.email, contact.phone) == ("欧阳（主任）", "IP@example.com", "13812345678")


def test_a_code_typed_in_groups_is_imported_like_the_form_takes_it(db, xlsx):
    result = import_run(actor=None, path=xlsx([row(1, 统一社会信用代码="91 330106 PRBJGCUJ46")]))
    assert problems(result) == []
    assert Unit.objects.filter(credit_code="91330106PRBJGCUJ46").exists()


# ---------------------------------------------------------------------------------------------------------------
# The preview: what the import changes, before anything is written


def _changes(changed) -> dict[str, tuple[str, str]]:
    return {change.field: (change.before, change.after) for change in changed.changes}


def test_the_check_lists_new_units_and_each_change_before_and_after(db, xlsx):
    same = UnitFactory(name="导入测试单位002", division=division("330106"), category="leading_firm")
    same.technical_field, same.address = "人工智能", "杭州市西湖区文三路2号"
    same.save()
    UnitContactFactory(unit=same, name="张三", phone="13812345678", email="ip2@example.com", is_primary=True)
    moved = UnitFactory(
        name="导入测试单位003", division=division("330106"), category="key_lab", technical_field="人工智能"
    )
    UnitContactFactory(unit=moved, name="李四", phone="13812345678", email="ip3@example.com", is_primary=True)
    renamed = UnitFactory(name="西湖光电实验室", division=division("330106"), category="leading_firm")
    renamed.technical_field, renamed.address = "人工智能", "杭州市西湖区文三路4号"
    renamed.save()
    path = xlsx(
        [
            row(1),
            row(2, 统一社会信用代码=same.credit_code),
            row(3, 统一社会信用代码=moved.credit_code, 所在区县="余杭区"),
            row(4, 统一社会信用代码=renamed.credit_code, 单位名称="之江光电实验室（二期）")
            | {"联系人": None, "联系电话": None, "电子邮箱": None},
        ]
    )

    check = import_check(path=path)

    assert (check.created, check.updated, check.unchanged, check.renamed) == (1, 3, 1, 1)
    assert [(u.row, u.credit_code, u.name, u.category, u.division) for u in check.new_units] == [
        (3, code(1), "导入测试单位001", "leading_firm", "杭州市 西湖区")
    ]
    assert check.new_units[0].category_label == Unit.Category.LEADING_ENTERPRISE.label
    # The renamed unit first, then the others in the file's order; the unchanged one not at all.
    assert [(u.row, u.credit_code, u.name, u.renamed) for u in check.changed_units] == [
        (6, renamed.credit_code, "西湖光电实验室", True),
        (5, moved.credit_code, "导入测试单位003", False),
    ]
    assert _changes(check.changed_units[0]) == {"name": ("西湖光电实验室", "之江光电实验室（二期）")}
    assert _changes(check.changed_units[1]) == {
        "category": ("key_lab", "leading_firm"),
        "division": ("杭州市 西湖区", "杭州市 余杭区"),
        "address": ("", "杭州市西湖区文三路3号"),
        "contact_name": ("李四", "张三"),
    }
    shown = {change.field: (change.column, change.shown_before) for change in check.changed_units[1].changes}
    assert shown["category"] == ("类别", Unit.Category.KEY_LAB.label)
    assert shown["division"] == ("区县", "杭州市 西湖区")
    assert shown["contact_name"] == ("联系人", "李四")
    assert not Unit.objects.filter(credit_code=code(1)).exists()  # the check writes nothing


def test_a_contact_the_unit_does_not_have_yet_shows_as_new_values(db, unit, xlsx):
    unit.technical_field, unit.address, unit.category = "人工智能", "杭州市西湖区文三路1号", "leading_firm"
    unit.save()
    check = import_check(path=xlsx([row(1, 统一社会信用代码=unit.credit_code, 单位名称=unit.name)]))
    assert _changes(check.changed_units[0]) == {
        "contact_name": ("", "张三"),
        "phone": ("", "13812345678"),
        "email": ("", "ip1@example.com"),
    }


def test_the_check_reads_the_list_in_a_bounded_number_of_queries(db, xlsx):
    def queries_for(count: int) -> int:
        Unit.objects.all().delete()
        for n in range(1, count + 1, 2):  # every other unit is on the list already (in another county), with a contact
            unit = UnitFactory(credit_code=code(n), name=f"旧名{n}", division=division("330110"))
            UnitContactFactory(unit=unit, is_primary=True)
        path = xlsx([row(n) for n in range(1, count + 1)])
        with CaptureQueriesContext(connection) as captured:
            check = import_check(path=path)
        assert (check.created, check.updated, check.renamed) == (count // 2, count // 2, count // 2)
        return len(captured)

    assert queries_for(60) == queries_for(6) <= 3  # the divisions, the units named (one fetch), their contacts


def test_a_job_keeps_a_bounded_preview_and_counts_the_rest(db, users, xlsx, monkeypatch, media):
    monkeypatch.setattr(result, "STORED_PREVIEW", 3)
    for n in (1, 2, 3, 4):
        UnitFactory(credit_code=code(n), name=f"旧名{n}")
    path = xlsx([row(n) for n in range(1, 10)])
    upload_file = SimpleUploadedFile("list.xlsx", path.read_bytes())
    job = importing.import_job_create(actor=users[Role.BUREAU], upload=upload_file)

    stored = importing.ImportResult.from_json(job.result)
    assert (stored.created, stored.changed, len(stored.new_units), len(stored.changed_units)) == (5, 4, 3, 3)
    assert (stored.more_new_units, stored.more_changed_units) == (2, 1)
    assert [u.row for u in stored.new_units] == [7, 8, 9]


# ---------------------------------------------------------------------------------------------------------------
# Files that are refused, with nothing written


def test_missing_required_columns_are_named(db, xlsx):
    headers = [h for h in HEADERS if h not in ("统一社会信用代码", "类别")]
    result = import_check(path=xlsx([row(1)], headers=headers))
    assert problems(result) == [(2, "统一社会信用代码", "missing_column"), (2, "类别", "missing_column")]


def test_a_sheet_without_a_header_row_is_refused(db, xlsx):
    result = import_run(actor=None, path=xlsx([row(1)], headers=["名称", "代码", "种类", "地方"]))
    assert problems(result) == [(None, "", "no_header")]
    assert nothing_written()


def test_a_header_below_ten_rows_of_notes_is_not_searched_for(db, tmp_path):
    workbook = openpyxl.Workbook()
    for line in range(10):
        workbook.active.append([f"说明{line}"])
    workbook.active.append(HEADERS)
    workbook.save(tmp_path / "notes.xlsx")
    assert problems(import_check(path=tmp_path / "notes.xlsx")) == [(None, "", "no_header")]


def test_two_columns_meaning_the_same_are_refused(db, xlsx):
    result = import_check(path=xlsx([row(1)], headers=[*HEADERS, "单位名称（全称）"]))
    assert problems(result) == [(2, "单位名称（全称）", "duplicate_column")]


def test_phone_numbers_without_a_contact_column_are_refused(db, xlsx):
    headers = [h for h in HEADERS if h != "联系人"]
    assert problems(import_check(path=xlsx([row(1)], headers=headers))) == [(2, "联系人", "missing_column")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (code(1)[:17] + ("0" if code(1)[17] != "0" else "1"), "credit_code_checksum"),
        (code(1)[:16], "credit_code_length"),
        (code(1)[:16] + "IO", "credit_code_characters"),
        (credit_code("B1", "330106", "M0000001"), "credit_code_authority"),
        (credit_code("94", "330106", "M0000001"), "credit_code_category"),
        (credit_code("91", "33A106", "M0000001"), "credit_code_division"),
        ("91330106M00000010" + check_character("91330106M00000010"), "credit_code_organisation"),
        (913301061234567890.0, "credit_code_number"),
    ],
)
def test_an_invalid_credit_code_is_refused(db, xlsx, value, expected):
    result = import_run(actor=None, path=xlsx([row(1), row(2, 统一社会信用代码=value)]))
    assert problems(result) == [(4, "统一社会信用代码", expected)]
    assert nothing_written()


def test_the_same_code_twice_in_a_file_is_refused(db, xlsx):
    result = import_run(actor=None, path=xlsx([row(1), row(2), row(3, 统一社会信用代码=code(1).lower())]))
    assert problems(result) == [(5, "统一社会信用代码", "duplicate_code")]
    assert result.problems[0].params == {"first": 3}
    assert nothing_written()


def test_unknown_divisions_and_categories_are_refused(db, xlsx):
    path = xlsx(
        [
            row(1, 所在设区市="北京市"),
            row(2, 所在区县="鄞州区"),  # a district of 宁波, not of 杭州
            row(3, 类别="研究院"),
        ]
    )
    result = import_run(actor=None, path=path)
    assert problems(result) == [
        (3, "所在设区市", "unknown_city"),
        (4, "所在区县", "unknown_county"),
        (5, "类别", "unknown_category"),
    ]
    assert nothing_written()


def test_a_formula_is_refused_and_never_evaluated(db, xlsx):
    path = xlsx([row(1, 单位名称='=HYPERLINK("http://example.com","单位")'), row(2, 序号="=ROW()-2")])
    result = import_run(actor=None, path=path)
    # The sender's numbering is never read, so a formula there does no harm.
    assert problems(result) == [(3, "单位名称", "formula")]
    assert nothing_written()


def test_a_partly_filled_row_names_each_missing_cell(db, xlsx):
    partial = {"序号": 2, "单位名称": "只有名称的单位"}
    result = import_run(actor=None, path=xlsx([row(1), partial, {}, row(4)]))
    assert problems(result) == [
        (4, "统一社会信用代码", "required"),
        (4, "类别", "required"),
        (4, "所在设区市", "required"),
        (4, "所在区县", "required"),
    ]
    assert result.rows_read == 3
    assert nothing_written()


def test_bad_phones_e_mails_dates_and_orphan_contacts_are_refused(db, xlsx):
    path = xlsx(
        [
            row(1, 联系电话="12345"),
            row(2, 电子邮箱="not-an-address"),
            row(3, 入选日期="2025年13月1日"),
            row(4, 联系人=None),
            row(5, 单位名称="长" * 129),
        ]
    )
    result = import_run(actor=None, path=path)
    assert problems(result) == [
        (3, "联系电话", "invalid_phone"),
        (4, "电子邮箱", "invalid_email"),
        (5, "入选日期", "invalid_date"),
        (6, "联系人", "contact_required"),
        (7, "单位名称", "too_long"),
    ]
    assert nothing_written()


def test_a_header_without_rows_is_refused(db, xlsx):
    assert problems(import_check(path=xlsx([]))) == [(None, "", "no_rows")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7,\xe5\x8d\x95\xe4\xbd\x8d\xe5\x90\x8d\xe7\xa7\xb0\n", "not_xlsx"),  # CSV
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "old_format"),  # .xls
        (b"%PDF-1.7\n", "not_xlsx"),
        (b"", "not_xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(db, tmp_path, content, expected):
    path = tmp_path / "list.xlsx"
    path.write_bytes(content)
    assert problems(import_run(actor=None, path=path)) == [(None, "", expected)]
    assert nothing_written()


def test_a_zip_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert problems(import_check(path=path)) == [(None, "", "not_xlsx")]


def test_a_file_over_10_mb_is_refused_before_it_is_read(db, tmp_path, monkeypatch):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as f:
        f.truncate(10 * 1024 * 1024 + 1)  # a sparse file: the size is real, nothing is written to disk
    monkeypatch.setattr(reading.zipfile, "is_zipfile", lambda path: pytest.fail("the file was read"))
    assert problems(import_run(actor=None, path=path)) == [(None, "", "too_large")]
    assert nothing_written()


def test_the_size_limit_applies_to_a_valid_workbook(db, xlsx, monkeypatch):
    path = xlsx([row(1)])
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", path.stat().st_size - 1)
    assert problems(import_run(actor=None, path=path)) == [(None, "", "too_large")]
    assert nothing_written()


def test_too_many_rows_are_refused_while_reading(db, xlsx, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 20)
    rows = [row(n) for n in range(1, 21)]
    assert problems(import_check(path=xlsx(rows))) == []  # exactly the limit is fine

    # A formula far below the limit would be reported if the reading went on past it.
    path = xlsx([*rows, row(21), *(row(n) for n in range(22, 200)), row(200, 单位名称="=1+1")])
    result = import_run(actor=None, path=path)
    assert problems(result) == [(None, "", "too_many_rows")]
    assert nothing_written()


def _zip_bomb(path: Path, source: Path, *, size: int) -> Path:
    """A real workbook plus a member of `size` zero bytes, which deflate packs a thousand times."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in original.infolist():
            bomb.writestr(member, original.read(member))
        with bomb.open("xl/media/padding.bin", "w") as padding:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                padding.write(chunk)
    return path


def test_a_zip_bomb_is_refused_from_its_directory_before_openpyxl_opens_it(db, xlsx, tmp_path, monkeypatch):
    path = _zip_bomb(tmp_path / "bomb.xlsx", xlsx([row(1)]), size=32 * 1024 * 1024)
    assert path.stat().st_size < 100 * 1024  # small on disk, 32 MB inflated
    monkeypatch.setattr(reading, "workbook_for_import", lambda *a, **k: pytest.fail("openpyxl opened it"))
    assert problems(import_run(actor=None, path=path)) == [(None, "", "unsafe_zip")]
    assert nothing_written()


def test_a_workbook_inflating_beyond_the_limit_is_refused(db, xlsx, monkeypatch):
    path = xlsx([row(n) for n in range(1, 50)])
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 20_000)
    assert problems(import_check(path=path)) == [(None, "", "unsafe_zip")]


def test_a_row_the_models_refuse_is_reported_by_the_check_and_rolls_back_the_import(db, xlsx):
    # Accepted as an e-mail address, but longer than the 254 characters the contact's field holds.
    too_long = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com"
    path = xlsx([row(1), row(2), row(3, 电子邮箱=too_long), row(4)])

    assert problems(import_check(path=path)) == [(5, "", "rejected")]
    result = import_run(actor=None, path=path)

    assert problems(result) == [(5, "", "rejected")]
    assert str(UnitContact._meta.get_field("email").verbose_name) in result.problems[0].params["detail"]
    assert (result.committed, result.created) == (False, 0)
    assert nothing_written()


def test_every_problem_code_has_a_message_with_its_place(db, xlsx):
    result = import_check(path=xlsx([row(1, 统一社会信用代码="X"), row(2, 所在区县="朝阳区")]))
    for problem in result.problems:
        assert problem.message
        assert str(problem.row) in problem.describe()
        assert problem.column in problem.describe()
    assert set(importing.MESSAGES) >= {p.code for p in result.problems}


# ---------------------------------------------------------------------------------------------------------------
# The command


def test_the_command_imports_a_file(db, sample, capsys):
    call_command("import_units", str(sample))
    assert Unit.objects.count() == 150
    assert "150" in capsys.readouterr().out


def test_the_command_dry_run_writes_nothing(db, sample, capsys):
    call_command("import_units", str(sample), "--dry-run")
    assert Unit.objects.count() == 0
    assert "150" in capsys.readouterr().out


def test_the_command_prints_each_problem_and_fails(db, xlsx, capsys):
    path = xlsx([row(1), row(2, 统一社会信用代码=code(1))])
    with pytest.raises(CommandError) as failure:
        call_command("import_units", str(path))
    assert failure.value.returncode == 1
    err = capsys.readouterr().err
    assert "4" in err
    assert "统一社会信用代码" in err
    assert Unit.objects.count() == 0


def test_the_commands_template_imports_cleanly_once_a_row_is_filled(db, tmp_path, capsys):
    path = tmp_path / "template.xlsx"
    call_command("import_units", "--template", str(path))

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[2]]
    values = row(1) | {"设区市": "湖州市", "区县": "德清县"}
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=3, column=column, value=values.get(header))
    workbook.save(path)

    call_command("import_units", str(path))
    assert str(Unit.objects.select_related("division__city").get(credit_code=code(1)).division) == "湖州市 德清县"


# ---------------------------------------------------------------------------------------------------------------
# The pages


IMPORT = reverse("units:import")


def upload(client, path: Path):
    return client.post(IMPORT, {"file": SimpleUploadedFile(path.name, path.read_bytes())})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_uploads(media: Path) -> list[Path]:
    return list((media / "imports").glob("*")) if (media / "imports").exists() else []


@pytest.fixture
def bureau_client(client, users):
    client.force_login(users[Role.BUREAU])
    return client


def test_the_bureau_checks_then_confirms_an_import(bureau_client, xlsx, media):
    response = bureau_client.get(IMPORT)
    assert response.status_code == 200
    assert reverse("units:import_template") in response.text

    response = upload(bureau_client, xlsx([row(1), row(2)]))
    job = ImportJob.objects.get()
    assert response.url == reverse("units:import_job", kwargs={"uid": job.uid})
    assert (job.status, job.total) == (ImportJob.Status.CHECKED, 2)
    assert len(stored_uploads(media)) == 1
    assert stored_uploads(media)[0].name != "list0.xlsx"  # a random name, not the sender's

    preview = bureau_client.get(response.url)
    assert preview.context["result"].created == 2
    assert 'data-testid="import-confirm"' in preview.text
    assert Unit.objects.count() == 1  # a preview writes nothing (the one unit is `users`' own)

    response = bureau_client.post(reverse("units:import_confirm", kwargs={"uid": job.uid}))
    job.refresh_from_db()
    assert (job.status, job.done, job.result["created"]) == (ImportJob.Status.DONE, 2, 2)
    assert Unit.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2
    assert 'data-testid="import-done"' in bureau_client.get(response.url).text
    assert ListingEvent.objects.filter(recorded_by=job.created_by).count() == 2


def test_the_preview_page_shows_each_change_and_marks_a_new_name(bureau_client, users, xlsx, media):
    unit = users[Role.UNIT_CONTACT].unit
    unit.technical_field, unit.address, unit.category = "人工智能", "杭州市西湖区文三路1号", "leading_firm"
    unit.save()
    UnitContactFactory(unit=unit, name="张三", phone="13812345678", email="ip1@example.com", is_primary=True)
    path = xlsx([row(1, 统一社会信用代码=unit.credit_code, 单位名称="中国（杭州）光电实验室"), row(2)])
    job_url = upload(bureau_client, path).url

    page = bureau_client.get(job_url)

    changed = page.text.split('data-testid="import-changed-unit"')[1].split("</tr>")[0]
    assert 'data-renamed="true"' in changed
    assert 'data-field="name"' in changed
    assert "西湖光电实验室" in changed  # before
    assert "中国（杭州）光电实验室" in changed  # after, as typed
    new = page.text.split('data-testid="import-new-unit"')[1].split("</tr>")[0]
    assert code(2) in new
    assert "导入测试单位002" in new
    assert page.text.index('data-testid="import-changed"') < page.text.index('data-testid="import-confirm"')
    assert page.text.index('data-testid="import-new"') < page.text.index('data-testid="import-confirm"')


def test_the_preview_page_shows_the_changes_a_page_at_a_time(bureau_client, xlsx, media, monkeypatch):
    monkeypatch.setattr(excel_views, "PREVIEW_PAGE_SIZE", 2)
    job_url = upload(bureau_client, xlsx([row(n) for n in range(1, 6)])).url

    first = bureau_client.get(job_url)
    assert first.text.count('data-testid="import-new-unit"') == 2
    assert 'data-testid="import-new-pages"' in first.text
    last = bureau_client.get(job_url, {"new": 3})
    assert last.text.count('data-testid="import-new-unit"') == 1
    assert code(5) in last.text


def test_confirming_twice_imports_once(bureau_client, xlsx, media):
    upload(bureau_client, xlsx([row(1)]))
    confirm = reverse("units:import_confirm", kwargs={"uid": ImportJob.objects.get().uid})
    bureau_client.post(confirm)
    bureau_client.post(confirm)
    assert ListingEvent.objects.count() == 1


def test_a_file_with_problems_shows_them_and_cannot_be_confirmed(
    bureau_client, xlsx, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(bureau_client, xlsx([row(1), row(2, 统一社会信用代码=code(1))]))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert stored_uploads(media) == []  # a refused file is not kept

    page = bureau_client.get(response.url)
    assert 'data-code="duplicate_code"' in page.text
    assert "统一社会信用代码" in page.text
    assert 'data-testid="import-confirm"' not in page.text

    bureau_client.post(reverse("units:import_confirm", kwargs={"uid": job.uid}))
    assert not Unit.objects.filter(credit_code=code(1)).exists()


def test_an_upload_over_the_limit_is_not_stored(bureau_client, xlsx, media, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    upload(bureau_client, xlsx([row(1)]))
    assert ImportJob.objects.get().result["problems"] == [[None, "", "too_large", {"limit": 0}]]
    assert stored_uploads(media) == []


def test_the_upload_form_needs_a_file(bureau_client):
    response = bureau_client.post(IMPORT, {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_template_downloads_as_xlsx(bureau_client):
    response = bureau_client.get(reverse("units:import_template"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in workbook.worksheets[0][2]][:3] == ["序号", "单位名称", "统一社会信用代码"]


def test_a_large_import_runs_on_the_task_queue_with_progress(
    bureau_client, xlsx, media, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "BACKGROUND_FROM_ROWS", 3)
    upload(bureau_client, xlsx([row(1), row(2), row(3)]))
    job = ImportJob.objects.get()
    progress = reverse("units:import_progress", kwargs={"uid": job.uid})

    with django_capture_on_commit_callbacks() as queued:
        bureau_client.post(reverse("units:import_confirm", kwargs={"uid": job.uid}))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert len(queued) == 1  # the task is queued once the confirmation is committed, not before
    waiting = bureau_client.get(progress, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in waiting.text
    assert "HX-Refresh" not in waiting.headers

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, done=2)
    running = bureau_client.get(progress, headers={"HX-Request": "true"})
    assert '<progress class="hh-progress" max="3" value="2"' in running.text
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, done=0)

    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # the eager Celery task runs here
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.file.name) == (ImportJob.Status.DONE, 3, 3, "")
    assert Unit.objects.filter(credit_code__in=[code(1), code(2), code(3)]).count() == 3
    finished = bureau_client.get(progress, headers={"HX-Request": "true"})
    assert finished.headers["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.text


def test_the_task_leaves_a_job_that_is_not_queued_alone(db, users):
    from units.tasks import import_units_task

    job = ImportJob.objects.create(created_by=users[Role.BUREAU], status=ImportJob.Status.DONE, total=1, done=1)
    assert import_units_task.delay(job.pk).get() == ImportJob.Status.DONE


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite lets one connection write at a time")
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_the_import_runs(users, xlsx, monkeypatch, media):
    import threading

    from django.db import connections

    from units.importing.jobs import _JobProgress

    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0)
    job = ImportJob.objects.create(created_by=users[Role.BUREAU], status=ImportJob.Status.RUNNING, total=5)
    seen = []

    def read_from_elsewhere(done):
        progress(done)

        def read():
            seen.append(ImportJob.objects.get(pk=job.pk).done)
            connections.close_all()

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()

    monkeypatch.setattr(writing, "BATCH_ROWS", 2)
    progress = _JobProgress(job.pk)
    assert progress.enabled
    import_run(actor=None, path=xlsx([row(n) for n in range(1, 6)]), on_progress=read_from_elsewhere)
    assert seen == [2, 4, 5]  # after each batch written


def test_old_unconfirmed_uploads_are_purged(bureau_client, xlsx, media, django_capture_on_commit_callbacks):
    upload(bureau_client, xlsx([row(1)]))
    ImportJob.objects.update(created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    from units.tasks import purge_import_jobs_task

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_import_jobs_task.delay().get() == 1
    assert not ImportJob.objects.exists()
    assert stored_uploads(media) == []


# Access: import is the bureau's, and a job is its uploader's only.


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
@pytest.mark.parametrize("name", ["units:import", "units:import_template"])
def test_only_the_bureau_may_import(client, users, role, name):
    client.force_login(users[role])
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name)).status_code in (403, 405)


@pytest.fixture
def job(users):
    return ImportJob.objects.create(created_by=users[Role.BUREAU], total=1)


JOB_URLS = [("get", "units:import_job"), ("post", "units:import_confirm"), ("get", "units:import_progress")]


@pytest.mark.parametrize(("method", "name"), JOB_URLS)
def test_someone_elses_job_is_not_found(client, users, outsiders, job, method, name):
    url = reverse(name, kwargs={"uid": job.uid})
    for user in [UserFactory(username="bob", bureau=True), users[Role.OFFICER], *outsiders.values()]:
        client.force_login(user)
        assert getattr(client, method)(url).status_code == 404, user
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


@pytest.mark.parametrize(("method", "name"), JOB_URLS)
def test_an_uploader_who_may_no_longer_import_is_refused(client, users, job, method, name):
    uploader = users[Role.BUREAU]
    uploader.role = Role.OFFICER
    uploader.division = division("330100")
    uploader.save()
    client.force_login(uploader)
    assert getattr(client, method)(reverse(name, kwargs={"uid": job.uid})).status_code == 403


def test_an_unknown_job_is_not_found(bureau_client):
    assert bureau_client.get(reverse("units:import_job", kwargs={"uid": uuid.uuid4()})).status_code == 404
