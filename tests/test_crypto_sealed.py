"""A record and its history row written together by the bulk import store one ciphertext (huhang/crypto.py's Sealed),
encrypted once; two records never share one, and a value sealed under a key rotated since is encrypted again."""

import base64

from django.test import override_settings

from accounts.models import Role
from huhang import crypto
from huhang.crypto import Sealed, seal, unseal
from tests.security.test_field_encryption import stored
from tests.units.test_import import code, row, write_list
from units.importing import import_run
from units.importing.writing import _sealed
from units.models import UnitContact

KEY_A = "a:" + base64.b64encode(b"A" * 16).decode()
PHONE = "13812345678"


def test_an_imported_contact_and_its_history_row_share_one_ciphertext_and_no_other_record_does(db, users, tmp_path):
    rows = [row(1, 联系电话=PHONE), row(2, 联系电话=PHONE)]  # the same phone for two units
    result = import_run(actor=users[Role.BUREAU], path=write_list(tmp_path / "list.xlsx", rows))

    assert result.committed
    contacts = list(UnitContact.objects.filter(unit__credit_code__in=[code(1), code(2)]))
    assert [contact.phone for contact in contacts] == [PHONE, PHONE]
    ciphertexts = []
    for contact in contacts:
        history = UnitContact.history.get(id=contact.pk)
        record, copy = stored(UnitContact, contact.pk, "phone"), stored(type(history), history.pk, "phone")
        assert crypto.is_encrypted(record)
        assert record == copy
        assert history.phone == PHONE
        ciphertexts.append(record)
    assert ciphertexts[0] != ciphertexts[1]  # never deterministic across records


def test_a_sealed_value_is_the_clear_string_and_is_stored_as_its_own_ciphertext():
    sealed = seal(PHONE)
    field = UnitContact._meta.get_field("phone")

    assert type(sealed) is Sealed
    assert sealed == PHONE
    assert sealed.stored != PHONE
    assert field.get_prep_value(sealed) == sealed.stored
    assert crypto.decrypt(sealed.stored) == PHONE
    assert field.get_prep_value(PHONE) != field.get_prep_value(PHONE)  # a clear value: a new nonce every time
    assert seal("") == ""
    assert type(seal("")) is str
    assert seal(None) is None
    assert type(unseal(sealed)) is str
    assert unseal(sealed) == PHONE


def test_a_value_sealed_under_a_key_rotated_since_is_encrypted_again():
    sealed = seal(PHONE)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A, crypto.DEVELOPMENT_KEY_ENTRY]):
        prepared = UnitContact._meta.get_field("phone").get_prep_value(sealed)
        assert crypto.key_id_of(prepared) == "a"
        assert crypto.decrypt(prepared) == PHONE
    same_id_other_key = "dev:" + base64.b64encode(b"X" * 16).decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[same_id_other_key]):
        assert UnitContact._meta.get_field("phone").get_prep_value(sealed) != sealed.stored


def test_the_import_leaves_no_sealed_value_on_its_objects():
    contacts = [UnitContact(name="张三", phone=PHONE, email="ip@example.com"), UnitContact(name="李四")]
    with _sealed(contacts):
        assert all(type(contact.phone) is Sealed for contact in contacts[:1])
        assert contacts[1].phone == ""
        assert type(contacts[1].phone) is str
    assert [(type(c.phone), type(c.email)) for c in contacts] == [(str, str), (str, str)]
    assert (contacts[0].phone, contacts[0].email) == (PHONE, "ip@example.com")
