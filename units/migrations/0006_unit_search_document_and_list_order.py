# The unit list at 100× (issue 14): the search document (huhang/search.py) with its bigram index, filled for the
# existing units in batches before the index is built; an index for the list's default order (name, id).

from django.db import migrations, models

import huhang.search

BATCH = 2000


def _write(cursor, vendor: str, table: str, batch: list[tuple[str, int]]) -> None:
    if vendor == "postgresql":  # one statement a batch: the documents and ids as two arrays
        documents, ids = zip(*batch, strict=True)
        cursor.execute(
            f"UPDATE {table} AS u SET search_document = v.doc"  # noqa: S608 — the table's quoted name
            " FROM unnest(%s::text[], %s::bigint[]) AS v(doc, id) WHERE u.id = v.id",
            [list(documents), list(ids)],
        )
    else:
        cursor.executemany(f"UPDATE {table} SET search_document = %s WHERE id = %s", batch)  # noqa: S608


def fill_search_documents(apps, schema_editor):
    """As units.services.fill_search_fields does, from the name and the pinyin initials the rows already hold, in
    batches of one UPDATE each (a bulk_update's CASE of 2,000 branches a row took 37 s at 100×)."""
    Unit = apps.get_model("units", "Unit")
    connection = schema_editor.connection
    rows = Unit.objects.using(connection.alias).values_list("id", "name", "name_initials").order_by("id")
    table = connection.ops.quote_name(Unit._meta.db_table)
    with connection.cursor() as cursor:
        batch = []
        for pk, name, initials in rows.iterator(chunk_size=BATCH):
            batch.append((huhang.search.bigram_document(name, initials), pk))
            if len(batch) == BATCH:
                _write(cursor, connection.vendor, table, batch)
                batch = []
        if batch:
            _write(cursor, connection.vendor, table, batch)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0005_encrypt_contacts"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="unit",
            options={"ordering": ["name", "id"], "verbose_name": "key unit", "verbose_name_plural": "key units"},
        ),
        migrations.AddField(
            model_name="unit",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_documents, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["name", "id"], name="unit_name_id"),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=huhang.search.BigramIndex(fields=["search_document"], name="unit_search_document"),
        ),
    ]
