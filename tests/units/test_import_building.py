"""`huhang.bulk.built`, with which the import builds its hundred thousand objects: the very instance the model's
keyword constructor gives, foreign keys by object or by id, defaults for what is not given."""

import datetime

import pytest
from django.forms.models import model_to_dict

from accounts.models import Role
from audit.models import Action, AuditEvent
from huhang.bulk import built
from units.models import ListingEvent, Unit, UnitContact


def same(left, right) -> bool:
    fields = [field.attname for field in type(left)._meta.concrete_fields]
    return [getattr(left, name) for name in fields] == [getattr(right, name) for name in fields]


def test_an_instance_built_is_the_one_the_keyword_constructor_gives(db, users, unit):
    bureau = users[Role.BUREAU]
    new_unit = Unit(name="新单位", credit_code="x", category=Unit.Category.LEADING_ENTERPRISE, division=unit.division)
    cases = [
        (Unit, {"name": "新单位", "credit_code": "x", "division": unit.division, "is_listed": True}),
        (ListingEvent, {"unit": new_unit, "kind": ListingEvent.Kind.SELECTED, "date": datetime.date(2026, 1, 2)}),
        (UnitContact, {"unit": unit, "is_primary": True, "name": "张三", "phone": "13812345678"}),
        (AuditEvent, {"user": bureau, "action": Action.CREATE, "detail": {"a": [None, 1]}, "unit_id": unit.pk}),
        (AuditEvent, {"user_id": bureau.pk, "action": Action.UPDATE}),
        (Unit.history.model, {"id": unit.pk, "name": unit.name, "history_user": bureau, "history_type": "+"}),
    ]
    for model, values in cases:
        fast, slow = built(model, values), model(**values)
        for drawn in ("at", "created_at", "updated_at", "uid"):  # defaults drawn at each call (now, a random id)
            if hasattr(slow, drawn) and drawn not in values:
                assert type(getattr(fast, drawn)) is type(getattr(slow, drawn))
                setattr(fast, drawn, getattr(slow, drawn))
        assert same(fast, slow), model
        assert fast._state.adding
        assert fast.pk == slow.pk
    event = built(ListingEvent, {"unit": new_unit, "recorded_by": bureau})
    assert event.unit is new_unit
    assert event.unit_id is None
    assert event.recorded_by is bureau
    new_unit.save()
    event._prepare_related_fields_for_save(operation_name="save")
    assert event.unit_id == new_unit.pk
    assert model_to_dict(built(AuditEvent, {"user": None}))["user"] is None


def test_an_unknown_field_is_refused_as_the_constructor_refuses_it(db):
    with pytest.raises(TypeError, match="no field colour"):
        built(Unit, {"name": "x", "colour": "red"})
