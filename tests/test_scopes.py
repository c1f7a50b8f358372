"""The read scopes as one table: every scoped model names a rule for every role, and the models the selectors hand
out per user are all scoped."""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts import scopes
from accounts.models import BUSINESS_ROLES, Role
from tests.factories import UnitFactory, UserFactory
from units.models import Unit

PROJECT_APPS = ("accounts", "units", "teams", "plans", "archives", "reports")


def _accessor_models() -> dict[str, set[str]]:
    """Model labels named in the return annotation of every `*_for_user` function of the apps' modules."""
    by_name = {model.__name__: model._meta.label for model in apps.get_models()}
    found: dict[str, set[str]] = {}
    for app in PROJECT_APPS:
        config = apps.get_app_config(app)
        for path in sorted(Path(config.path).rglob("*.py")):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            module_name = ".".join(path.relative_to(config.path).with_suffix("").parts)
            module_name = f"{app}.{module_name}".removesuffix(".__init__")
            module = importlib.import_module(module_name)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if not name.endswith("_for_user") or function.__module__ != module.__name__:
                    continue
                annotation = str(inspect.signature(function).return_annotation)
                labels = {by_name[word] for word in re.findall(r"\b[A-Z]\w+", annotation) if word in by_name}
                if labels:
                    found[f"{module_name}.{name}"] = labels
    return found


def test_the_accessors_are_found():
    accessors = _accessor_models()
    assert accessors["units.selectors.unit_get_for_user"] == {"units.Unit"}
    assert accessors["archives.selectors.request_get_for_user"] == {"archives.Request"}
    assert len(accessors) > 20


def test_every_model_an_accessor_hands_out_has_a_rule_for_every_role():
    declared = {(scope.model._meta.label, scope.role) for scope in scopes.scope_matrix()}
    missing = sorted(
        f"{accessor} → {label} for {role.value}"
        for accessor, labels in _accessor_models().items()
        for label in labels
        for role in BUSINESS_ROLES  # the administrators read nothing unless declared (test_separation_of_duties)
        if (label, role) not in declared
    )
    assert missing == []


def test_an_undeclared_role_is_reported_and_reads_nothing(db, monkeypatch):
    monkeypatch.delitem(scopes._scopes, ("units.Unit", Role.UNIT_CONTACT))
    assert (Unit, Role.UNIT_CONTACT) in scopes.undeclared()
    assert [error.id for error in scopes.check_every_role_declared()] == ["accounts.E001"]
    contact = UserFactory(unit_contact=True)
    assert list(scopes.visible(contact, Unit)) == []


def test_the_check_passes_as_shipped():
    assert scopes.undeclared() == []
    assert scopes.check_every_role_declared() == []


def test_a_scope_declared_twice_by_two_modules_is_refused():
    with pytest.raises(Exception, match="declared twice"):
        scopes.declare(Unit, Role.BUREAU, rule="again", _module="elsewhere")(lambda user: Unit.objects.all())


def test_an_inactive_user_reads_nothing(db):
    bureau = UserFactory(bureau=True, is_active=False)
    UnitFactory()
    assert scopes.visible(bureau, Unit).count() == 0


def test_the_matrix_command_prints_every_model_and_role(capsys):
    call_command("scope_matrix", "--tsv")
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()[1:]
    assert {line.split("\t")[0] for line in lines} >= {"units.Unit", "archives.Attachment", "plans.PlanVersion"}
    assert any(line.startswith("archives.Activity\tofficer\tnone") for line in lines)
    assert len(lines) == len(scopes.scope_matrix()) >= len(scopes.scoped_models()) * len(BUSINESS_ROLES)
    assert out.err == ""
