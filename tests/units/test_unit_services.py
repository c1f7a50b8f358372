import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from demo.units import credit_code
from huhang.text import pinyin_initials
from tests.factories import UnitFactory, division
from units import services
from units.models import ListingEvent, Unit
from units.validators import normalise_phone, validate_phone


@pytest.fixture
def valid_code():
    return credit_code("12", "330110", "MB1A2C3D")


def test_pinyin_initials_of_a_name():
    assert pinyin_initials("钱塘智能计算实验室") == "qtznjssys"
    assert pinyin_initials("中国（杭州）知识产权保护中心") == "zghzzscqbhzx"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("138-1234-5678", "13812345678"), ("138 1234 5678", "13812345678"), ("0571-87654321", "0571-87654321")],
)
def test_phones_are_normalised_and_valid(typed, stored):
    assert normalise_phone(typed) == stored
    validate_phone(stored)


@pytest.mark.parametrize("phone", ["12345", "2381234567", "1381234567x", "phone"])
def test_invalid_phones_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


@pytest.mark.django_db
def test_unit_create_normalises_and_records_the_selection(users, valid_code):
    unit = services.unit_create(
        actor=users["bureau"],
        name=" 钱塘　智能计算实验室 ",
        credit_code=valid_code.lower(),
        category=Unit.Category.KEY_LAB,
        division=division("330110"),
        selected_on=datetime.date(2025, 2, 28),
        batch="2025年第一批",
    )
    assert unit.name == "钱塘 智能计算实验室"
    assert unit.credit_code == valid_code
    assert unit.name_initials == "qtznjssys"
    event = unit.listing_events.get()
    assert (event.kind, event.batch, event.recorded_by) == (ListingEvent.Kind.SELECTED, "2025年第一批", users["bureau"])


@pytest.mark.django_db
def test_unit_create_refuses_a_bad_code_and_writes_nothing(users):
    with pytest.raises(ValidationError) as error:
        services.unit_create(
            actor=users["bureau"],
            name="坏代码单位",
            credit_code="12330110MB1A2C3D4X",
            category=Unit.Category.KEY_LAB,
            division=division("330110"),
            selected_on=datetime.date(2025, 2, 28),
        )
    assert "credit_code" in error.value.error_dict
    assert not Unit.objects.filter(name="坏代码单位").exists()
    assert not ListingEvent.objects.filter(unit__name="坏代码单位").exists()


@pytest.mark.django_db
def test_a_credit_code_is_unique(users, unit):
    with pytest.raises(ValidationError) as error:
        services.unit_create(
            actor=users["bureau"],
            name="重复",
            credit_code=unit.credit_code,
            category=Unit.Category.KEY_LAB,
            division=division("330110"),
            selected_on=datetime.date(2025, 2, 28),
        )
    assert error.value.error_dict["credit_code"][0].code == "unique"


@pytest.mark.django_db
def test_remove_needs_a_reason_and_keeps_history(users, unit):
    with pytest.raises(ValidationError):
        services.unit_remove(actor=users["bureau"], unit=unit, date=datetime.date(2026, 7, 1), reason="  ")
    services.unit_remove(actor=users["bureau"], unit=unit, date=datetime.date(2026, 7, 1), reason="单位重组")
    unit.refresh_from_db()
    assert not unit.is_listed
    with pytest.raises(ValidationError):
        services.unit_remove(actor=users["bureau"], unit=unit, date=datetime.date(2026, 7, 2), reason="again")
    services.unit_reselect(actor=users["bureau"], unit=unit, date=datetime.date(2026, 9, 1), batch="2026年第二批")
    unit.refresh_from_db()
    assert unit.is_listed
    assert [e.kind for e in unit.listing_events.order_by("date")] == ["removed", "selected"]


@pytest.mark.django_db
def test_unit_update_keeps_the_old_values_in_history(users, unit):
    services.unit_update(actor=users["bureau"], unit=unit, name="西湖光电实验室(新)", technical_field="光电子")
    assert [h.name for h in unit.history.order_by("history_date")] == ["西湖光电实验室", "西湖光电实验室(新)"]


@pytest.mark.django_db
def test_unit_update_refuses_unknown_fields(users, unit):
    with pytest.raises(TypeError):
        services.unit_update(actor=users["bureau"], unit=unit, is_listed=False)


@pytest.mark.django_db
def test_one_primary_contact_per_unit(unit):
    first = services.contact_save(unit=unit, name="甲", phone="138-0000-0001", is_primary=True)
    second = services.contact_save(unit=unit, name="乙", phone="13800000002", is_primary=True)
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    assert first.phone == "13800000001"


@pytest.mark.django_db
def test_ip_profile_snapshots_are_dated_and_never_overwritten(users, unit):
    services.ip_profile_record(actor=users["bureau"], unit=unit, as_of=datetime.date(2025, 3, 1), invention_patents=10)
    services.ip_profile_record(actor=users["bureau"], unit=unit, as_of=datetime.date(2026, 6, 30), invention_patents=14)
    with pytest.raises(ValidationError):
        services.ip_profile_record(
            actor=users["bureau"], unit=unit, as_of=datetime.date(2026, 6, 30), invention_patents=1
        )
    assert list(unit.ip_profiles.values_list("invention_patents", flat=True)) == [14, 10]


@pytest.mark.django_db
def test_units_must_sit_in_a_county(users):
    with pytest.raises(ValidationError):
        services.unit_create(
            actor=users["bureau"],
            name="市级单位",
            credit_code=UnitFactory.build().credit_code,
            category=Unit.Category.OTHER,
            division=division("330100"),
            selected_on=datetime.date(2025, 2, 28),
        )


# ---------------------------------------------------------------------------------------------------------------
# Dates the services check: a removal not before the selection, a reselection not before the removal, an IP profile
# not in the future.


def _field_error(error: ValidationError, field: str) -> str:
    return error.error_dict[field][0].code


@pytest.fixture
def selected(users):
    return services.unit_create(
        actor=users["bureau"],
        name="鉴湖现代纺织实验室",
        credit_code=credit_code("12", "330602", "JH000001"),
        category=Unit.Category.KEY_LAB,
        division=division("330602"),
        selected_on=datetime.date(2025, 9, 15),
    )


@pytest.mark.django_db
def test_a_removal_cannot_be_dated_before_the_selection(users, selected):
    with pytest.raises(ValidationError) as error:
        services.unit_remove(actor=None, unit=selected, date=datetime.date(2025, 9, 14), reason="单位重组")
    assert _field_error(error.value, "date") == "before_selection"
    selected.refresh_from_db()
    assert selected.is_listed
    assert not selected.listing_events.filter(kind=ListingEvent.Kind.REMOVED).exists()

    services.unit_remove(actor=None, unit=selected, date=datetime.date(2025, 9, 15), reason="单位重组")  # same day
    assert not Unit.objects.get(pk=selected.pk).is_listed


@pytest.mark.django_db
def test_a_removal_is_checked_against_the_latest_selection(users, selected):
    services.unit_remove(actor=None, unit=selected, date=datetime.date(2025, 12, 1), reason="单位重组")
    services.unit_reselect(actor=None, unit=selected, date=datetime.date(2026, 3, 20), batch="2026年第一批")
    with pytest.raises(ValidationError) as error:
        services.unit_remove(actor=None, unit=selected, date=datetime.date(2026, 1, 5), reason="再次调出")
    assert _field_error(error.value, "date") == "before_selection"


@pytest.mark.django_db
def test_a_removal_without_reason_and_too_early_names_both_fields(users, selected):
    with pytest.raises(ValidationError) as error:
        services.unit_remove(actor=None, unit=selected, date=datetime.date(2025, 1, 1), reason="\u3000 ")
    assert (_field_error(error.value, "date"), _field_error(error.value, "reason")) == ("before_selection", "required")


@pytest.mark.django_db
def test_a_reselection_cannot_be_dated_before_the_removal(users, selected):
    services.unit_remove(actor=None, unit=selected, date=datetime.date(2025, 12, 1), reason="单位重组")
    with pytest.raises(ValidationError) as error:
        services.unit_reselect(actor=None, unit=selected, date=datetime.date(2025, 11, 30))
    assert _field_error(error.value, "date") == "before_removal"
    services.unit_reselect(actor=None, unit=selected, date=datetime.date(2025, 12, 1))
    assert Unit.objects.get(pk=selected.pk).is_listed


@pytest.mark.django_db
def test_an_ip_profile_cannot_be_dated_in_the_future(users, unit):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.ip_profile_record(actor=None, unit=unit, as_of=tomorrow, invention_patents=3)
    assert _field_error(error.value, "as_of") == "future"
    assert not unit.ip_profiles.exists()
    services.ip_profile_record(actor=None, unit=unit, as_of=timezone.localdate(), invention_patents=3)
    assert unit.ip_profiles.count() == 1
