"""The import's bulk path: a big file is written a batch at a time, all or nothing, with the history rows and audit
events the services write row by row, in a number of queries that does not grow with the file."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.factories import UnitContactFactory, UnitFactory, division
from tests.units.test_import import code, problems, row, write_list
from units.importing import import_check, import_run, writing
from units.models import ListingEvent, Unit, UnitContact
from units.services import contact_save, unit_create

TOO_LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com"  # valid, but over the field's 254 characters


@pytest.fixture
def xlsx(tmp_path):
    files = iter(range(1000))
    return lambda rows, **kwargs: write_list(tmp_path / f"list{next(files)}.xlsx", rows, **kwargs)


def nothing_written() -> bool:
    return not (
        Unit.objects.exists()
        or ListingEvent.objects.exists()
        or UnitContact.objects.exists()
        or Unit.history.exists()
        or UnitContact.history.exists()
        or AuditEvent.objects.filter(object_type__startswith="units.").exists()
    )


def test_a_refused_row_at_the_end_of_a_big_file_leaves_nothing_written(db, xlsx):
    rows = [row(n) for n in range(1, writing.BATCH_ROWS + 1)]  # a whole batch, written before the last row is read
    path = xlsx([*rows, row(writing.BATCH_ROWS + 1, 电子邮箱=TOO_LONG_EMAIL)])
    last = writing.BATCH_ROWS + 3  # below the title and header rows

    result = import_run(actor=None, path=path)

    assert problems(result) == [(last, "", "rejected")]
    assert (result.committed, result.created, result.updated) == (False, 0, 0)
    assert nothing_written()


def test_every_refused_row_is_reported_not_only_the_first(db, xlsx, monkeypatch):
    monkeypatch.setattr(writing, "BATCH_ROWS", 2)
    path = xlsx([row(1, 电子邮箱=TOO_LONG_EMAIL), row(2), row(3), row(4), row(5, 电子邮箱=TOO_LONG_EMAIL)])

    assert problems(import_check(path=path)) == [(3, "", "rejected"), (7, "", "rejected")]
    assert problems(import_run(actor=None, path=path)) == [(3, "", "rejected"), (7, "", "rejected")]
    assert nothing_written()


def _history(model, instance) -> dict:
    """The values a history row of `instance` keeps, without what differs from one record to another."""
    row = model.history.filter(id=instance.id).latest("history_id")
    ignored = {
        "id",
        "uid",
        "name",
        "credit_code",
        "name_initials",
        "unit",
        "address",
        "email",
        "created_at",
        "updated_at",
    }
    values = {f.attname: getattr(row, f.attname) for f in row.tracked_fields if f.name not in ignored}
    return values | {"type": row.history_type, "user": row.history_user_id, "reason": row.history_change_reason}


def _event(instance) -> AuditEvent:
    return AuditEvent.objects.get(object_type=instance._meta.label_lower, object_id=str(instance.pk))


def test_new_units_get_the_history_and_audit_events_the_services_give_them(db, users, xlsx):
    bureau = users[Role.BUREAU]
    # The same unit through the services, one row at a time (their history signal records the audit events).
    reference = unit_create(
        actor=bureau,
        name="导入测试单位099",
        credit_code=code(99),
        category=Unit.Category.LEADING_ENTERPRISE,
        division=division("330106"),
        technical_field="人工智能",
        address="杭州市西湖区文三路99号",
        selected_on=datetime.date(2025, 3, 14),
        batch="2025年第一批",
    )
    reference_contact = contact_save(
        unit=reference, name="张三", phone="13812345678", email="ip99@example.com", is_primary=True
    )
    for model, instance in ((Unit, reference), (UnitContact, reference_contact)):
        model.history.filter(id=instance.id).update(history_user=bureau)  # no request here to name the user

    result = import_run(actor=bureau, path=xlsx([row(1)]))

    assert result.committed
    unit = Unit.objects.get(credit_code=code(1))
    contact = unit.contacts.get()
    assert _history(Unit, unit) == _history(Unit, reference)
    assert _history(UnitContact, contact) == _history(UnitContact, reference_contact)
    assert (unit.name_initials, unit.search_document) != ("", "")
    for instance, twin in ((unit, reference), (contact, reference_contact)):
        event, twin_event = _event(instance), _event(twin)
        assert (event.action, event.user, event.role, event.unit_id) == (Action.CREATE, bureau, bureau.role, unit.pk)
        assert set(event.detail["changes"]) == set(twin_event.detail["changes"])
    assert _event(contact).detail["changes"]["phone"] == [None, "138****5678"]  # masked, as the services' event
    assert ListingEvent.objects.get(unit=unit).recorded_by == bureau


def test_a_changed_unit_and_contact_get_an_update_with_before_and_after(db, users, unit, xlsx):
    bureau = users[Role.BUREAU]
    UnitContactFactory(unit=unit, name="旧联系人", phone="13900000000", email="ip1@example.com", is_primary=True)
    values = {"统一社会信用代码": unit.credit_code, "单位名称": "西湖光电实验室（新）", "类别": "全国/省重点实验室"}

    result = import_run(actor=bureau, path=xlsx([row(1, **values)]))

    assert (result.committed, result.updated) == (True, 1)
    unit.refresh_from_db()
    contact = unit.contacts.get()
    assert unit.history.latest("history_id").history_type == "~"
    assert contact.history.latest("history_id").history_type == "~"
    changes = AuditEvent.objects.get(action=Action.UPDATE, object_type="units.unit").detail["changes"]
    assert changes == {
        "name": ["西湖光电实验室", "西湖光电实验室（新）"],
        "technical_field": ["", "人工智能"],
        "address": ["", "杭州市西湖区文三路1号"],
    }
    changes = AuditEvent.objects.get(action=Action.UPDATE, object_type="units.unitcontact").detail["changes"]
    assert changes == {"name": ["旧联系人", "张三"], "phone": ["139****0000", "138****5678"]}
    assert unit.search_document != UnitFactory.build(name="西湖光电实验室").search_document  # follows the new name


def test_the_import_runs_the_same_queries_whatever_the_number_of_rows(db, users, xlsx):
    def queries_for(count: int) -> int:
        Unit.objects.filter(credit_code__in=[code(n) for n in range(1, count + 1)]).delete()
        for n in range(1, count + 1, 2):  # every other unit is on the list already, with a contact
            existing = UnitFactory(credit_code=code(n), name=f"旧名{n}", division=division("330110"))
            UnitContactFactory(unit=existing, is_primary=True)
        path = xlsx([row(n) for n in range(1, count + 1)])
        with CaptureQueriesContext(connection) as captured:
            result = import_run(actor=users[Role.BUREAU], path=path)
        assert (result.committed, result.created, result.updated) == (True, count // 2, count // 2)
        return len(captured)

    # 30 rows stay within one INSERT on SQLite too (999 parameters); PostgreSQL copies a whole batch in one COPY.
    assert queries_for(30) == queries_for(6)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite inserts at most 999 parameters at a time")
def test_the_import_runs_a_few_queries_per_batch_of_a_thousand_rows(db, users, xlsx, monkeypatch):
    def queries_for(count: int) -> int:
        path = xlsx([row(n) for n in range(1, count + 1)])
        with CaptureQueriesContext(connection) as captured:
            assert import_run(actor=users[Role.BUREAU], path=path).committed
        Unit.objects.filter(credit_code__in=[code(n) for n in range(1, count + 1)]).delete()
        return len(captured)

    monkeypatch.setattr(writing, "BATCH_ROWS", 100)
    one, three = queries_for(100), queries_for(300)
    assert three - one == 2 * (queries_for(200) - one)  # the same few queries for each batch
    assert three - one <= 2 * 12
