"""`manage.py rotate_field_keys`: every encrypted value re-encrypted under the current key (the first of
FIELD_ENCRYPTION_KEYS), so that an older key can then be removed from the list.

Batches of rows in primary-key order, one transaction each: an interrupted run has kept what it did, and the next run
picks up only the rows still under another key (it finds them by the key id written in the stored value).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from huhang.crypto import PREFIX, current_key_id, encrypted_models, generate_key_entry

BATCH_SIZE = 500


def stale_rows(model: type[models.Model], fields: list[models.Field], current_prefix: str) -> models.QuerySet:
    """The rows with a value of `fields` stored under another key than the current one. The stored text is read
    through a cast to text, which the field does not decrypt."""
    raw = {f"stored_{field.attname}": Cast(field.attname, output_field=models.TextField()) for field in fields}
    under_another_key = Q()
    for name in raw:
        under_another_key |= (
            Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""}) & ~Q(**{f"{name}__startswith": current_prefix})
        )
    return model._base_manager.annotate(**raw).filter(under_another_key).order_by("pk")


def rotate_model(model: type[models.Model], fields: list[models.Field], *, batch_size: int = BATCH_SIZE) -> int:
    """Re-encrypts `model`'s stale rows under the current key; returns how many rows were rewritten."""
    current_prefix = f"{PREFIX}{current_key_id()}:"
    names = [field.name for field in fields]
    rewritten, last_pk = 0, None
    while True:
        with transaction.atomic():
            rows = stale_rows(model, fields, current_prefix)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.select_for_update(of=("self",))[:batch_size])
            if not batch:
                return rewritten
            # Reading decrypted the values under whichever key they had; saving encrypts under the current one.
            # bulk_update neither touches updated_at nor adds history rows: the values themselves did not change.
            model._base_manager.bulk_update(batch, names)
        rewritten += len(batch)
        last_pk = batch[-1].pk


class Command(BaseCommand):
    help = "Re-encrypts every encrypted field under the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows per transaction.")
        parser.add_argument(
            "--new-key", metavar="ID", help="Only print a new id:base64key entry to put first in FIELD_ENCRYPTION_KEYS."
        )

    def handle(self, *args, batch_size: int, new_key: str | None, **options) -> None:
        if new_key:
            self.stdout.write(generate_key_entry(new_key))
            return
        key_id = current_key_id()
        total = 0
        for model, fields in encrypted_models():
            count = rotate_model(model, fields, batch_size=batch_size)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted under key {key_id!r}."))
