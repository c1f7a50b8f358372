"""Personal data and secrets are stored encrypted with SM4-GCM (huhang/crypto.py): the database holds no clear value,
the application reads them back, a wrong or missing key fails loudly, and `rotate_field_keys` moves every value to a
new key."""

import base64
from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.models import User
from huhang import crypto
from huhang.crypto import DEVELOPMENT_KEY_ENTRY, FieldDecryptionError, check_field_encryption_keys
from reminders.models import TeamRobot
from teams.models import Person
from tests.factories import PersonFactory, UnitContactFactory, UnitFactory, UserFactory
from tests.reminders.factories import TeamRobotFactory
from tests.test_settings import assert_refused, production_settings
from units.exporting import export_queryset
from units.models import Unit, UnitContact
from units.services import contact_save

KEY_A = "a:" + base64.b64encode(b"A" * 16).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 16).decode()
PHONE, EMAIL = "13812345678", "wang.gong@example.com"


def stored(model, pk, column: str) -> str:
    """The value as the database holds it, past the field."""
    with connection.cursor() as cursor:
        table, pk_column = model._meta.db_table, model._meta.pk.column
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def contact(db):
    return contact_save(unit=UnitFactory(), name="王工", phone=PHONE, email=EMAIL, is_primary=True)


def test_the_database_holds_no_clear_phone_or_email_of_a_contact(contact):
    for column, clear in (("phone", PHONE), ("email", EMAIL)):
        value = stored(UnitContact, contact.pk, column)
        assert value.startswith("sm4gcm:v1:dev:")
        assert clear not in value
    history = UnitContact.history.model.objects.filter(id=contact.pk).latest()
    assert PHONE not in stored(UnitContact.history.model, history.pk, "phone")


@pytest.mark.django_db
def test_people_logins_and_robots_are_stored_encrypted():
    person = PersonFactory(phone=PHONE, email=EMAIL)
    user = UserFactory(phone=PHONE, email=EMAIL)
    robot = TeamRobotFactory(webhook_url="https://oapi.dingtalk.com/robot/send?access_token=tok123", secret="SECabc")
    cases = [
        (Person, person.pk, "phone", PHONE),
        (Person, person.pk, "email", EMAIL),
        (User, user.pk, "phone", PHONE),
        (User, user.pk, "email", EMAIL),
        (TeamRobot, robot.pk, "webhook_url", "tok123"),
        (TeamRobot, robot.pk, "secret", "SECabc"),
    ]
    for model, pk, column, clear in cases:
        value = stored(model, pk, column)
        assert value.startswith("sm4gcm:v1:"), (model, column)
        assert clear not in value, (model, column)


def test_values_read_back_in_clear_everywhere_the_orm_reads_them(contact):
    fresh = UnitContact.objects.get(pk=contact.pk)
    assert (fresh.phone, fresh.email) == (PHONE, EMAIL)
    assert UnitContact.objects.filter(pk=contact.pk).values_list("phone", "email").get() == (PHONE, EMAIL)
    row = export_queryset(Unit.objects.filter(pk=contact.unit_id)).get()  # a subquery annotation
    assert (row.contact_phone, row.contact_email) == (PHONE, EMAIL)


def test_each_write_has_its_own_nonce(contact):
    other = contact_save(unit=contact.unit, name="李工", phone=PHONE)
    assert stored(UnitContact, contact.pk, "phone") != stored(UnitContact, other.pk, "phone")


@pytest.mark.django_db
def test_chinese_text_and_the_empty_value_round_trip():
    contact = UnitContactFactory(phone="", email="")
    assert stored(UnitContact, contact.pk, "phone") == ""
    assert crypto.decrypt(crypto.encrypt("张工 ✓")) == "张工 ✓"
    assert UnitContact.objects.filter(pk=contact.pk, phone="").exists()  # "no value" can still be asked for


@pytest.mark.django_db
def test_the_database_cannot_be_asked_for_an_encrypted_value():
    """Every write has its own nonce: a lookup would silently find nothing, so it is refused."""
    with pytest.raises(FieldError, match="encrypted"):
        list(UnitContact.objects.filter(phone=PHONE))
    with pytest.raises(FieldError, match="encrypted"):
        list(UnitContact.objects.filter(email__icontains="example"))
    with pytest.raises(FieldError, match="encrypted"):
        list(User.objects.filter(email__iexact=EMAIL))


@pytest.mark.django_db
def test_validators_and_max_length_apply_to_the_clear_value():
    contact = UnitContact(unit=UnitFactory(), name="王工", phone="12345", email="not-an-address")
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert set(error.value.message_dict) == {"phone", "email"}
    contact = UnitContact(unit=UnitFactory(), name="王工", phone="1" * 33)
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "phone" in error.value.message_dict


def test_a_wrong_key_fails_loudly(contact):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]), pytest.raises(FieldDecryptionError, match="No key 'dev'"):
        UnitContact.objects.get(pk=contact.pk)
    same_id_other_key = "dev:" + base64.b64encode(b"X" * 16).decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[same_id_other_key]), pytest.raises(FieldDecryptionError):
        UnitContact.objects.get(pk=contact.pk)


def test_a_missing_key_fails_loudly(contact):
    with override_settings(FIELD_ENCRYPTION_KEYS=[]):
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            UnitContact.objects.get(pk=contact.pk)
        with pytest.raises(ImproperlyConfigured):
            contact_save(unit=contact.unit, name="李工", phone=PHONE)
        assert [error.id for error in check_field_encryption_keys()] == ["huhang.E101"]
    assert check_field_encryption_keys() == []


def test_an_altered_or_clear_value_fails_loudly(contact):
    value = stored(UnitContact, contact.pk, "phone")
    header, _sep, payload = value.rpartition(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(FieldDecryptionError, match="altered"):
        crypto.decrypt(f"{header}:{base64.b64encode(bytes(raw)).decode()}")
    with pytest.raises(FieldDecryptionError, match="not encrypted"):
        crypto.decrypt(PHONE)


@pytest.mark.parametrize(
    "entries",
    [["nokey"], ["a:not base64!"], ["a:" + base64.b64encode(b"short").decode()], [KEY_A, KEY_A], ["bad id!:x"]],
)
def test_malformed_keys_are_refused(entries):
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.parse_keys(entries)


def test_production_refuses_to_start_with_the_published_development_key():
    assert_refused(production_settings(FIELD_ENCRYPTION_KEYS=DEVELOPMENT_KEY_ENTRY), "development key")
    assert_refused(production_settings(FIELD_ENCRYPTION_KEYS="k:short"), "16 bytes")


# --- Key rotation -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_go(capsys):
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        contacts = [contact_save(unit=UnitFactory(), name=f"联系人{n}", phone=f"1381234000{n}") for n in range(5)]
        person = PersonFactory(phone=PHONE, email=EMAIL)
        user = UserFactory(email=EMAIL)
        robot = TeamRobotFactory(secret="SECrotate")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        call_command("rotate_field_keys", batch_size=2)
        assert "units.UnitContact: 5 rows re-encrypted" in capsys.readouterr().out
        call_command("rotate_field_keys")  # restartable: a second run finds nothing left under the old key
        assert "0 rows re-encrypted under key 'b'" in capsys.readouterr().out
    for contact in contacts:
        assert stored(UnitContact, contact.pk, "phone").startswith("sm4gcm:v1:b:")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert sorted(UnitContact.objects.values_list("phone", flat=True)) == [f"1381234000{n}" for n in range(5)]
        assert [c.phone for c in UnitContact.history.model.objects.order_by("history_id")] == [
            f"1381234000{n}" for n in range(5)
        ]
        assert (Person.objects.get(pk=person.pk).phone, User.objects.get(pk=user.pk).email) == (PHONE, EMAIL)
        assert TeamRobot.objects.get(pk=robot.pk).secret == "SECrotate"


@pytest.mark.django_db
def test_the_data_migration_encrypts_clear_rows_and_decrypts_them_back():
    contact = UnitContactFactory(phone=PHONE, email=EMAIL)
    UnitContact.objects.filter(pk=contact.pk).update(email="")
    with connection.cursor() as cursor:  # a row as it was before the migration
        cursor.execute("UPDATE units_unitcontact SET phone = %s WHERE id = %s", [PHONE, contact.pk])

    editor = SimpleNamespace(connection=connection)  # all the migration's schema editor lends it
    assert crypto.migrate_columns(editor, UnitContact, ["phone", "email"], forwards=True) == 1
    assert crypto.migrate_columns(editor, UnitContact, ["phone", "email"], forwards=True) == 0  # it can run again
    assert stored(UnitContact, contact.pk, "phone").startswith("sm4gcm:v1:dev:")
    assert UnitContact.objects.get(pk=contact.pk).phone == PHONE

    assert crypto.migrate_columns(editor, UnitContact, ["phone", "email"], forwards=False) == 1
    assert stored(UnitContact, contact.pk, "phone") == PHONE
