"""Issue 14: indexes in the lists' orders (the whole archive newest first; a few units' activities newest first) and
the requests' search document, filled here in batches of one UPDATE each (150,000 requests at 100×: 63 s on the
shared machine at load 13, the index builds 10 s; most of it is the maintenance of the table's other indexes)."""

from django.db import migrations, models

import huhang.search
from huhang.search import bigram_document

BATCH = 10_000


def fill_search_documents(apps, schema_editor):
    """`Request.search_document` for the existing requests (archives.models.request_search_document): one UPDATE per
    batch on PostgreSQL, bulk_update elsewhere."""
    Request = apps.get_model("archives", "Request")
    rows = Request.objects.order_by("pk").values_list("pk", "title")
    postgresql = schema_editor.connection.vendor == "postgresql"
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1][0]
        ids, documents = [pk for pk, _ in batch], [bigram_document(title) for _, title in batch]
        if postgresql:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE archives_request SET search_document = new.document"
                    " FROM unnest(%s::bigint[], %s::text[]) AS new(id, document) WHERE archives_request.id = new.id",
                    [ids, documents],
                )
        else:
            Request.objects.bulk_update(
                [Request(pk=pk, search_document=document) for pk, document in zip(ids, documents, strict=True)],
                ["search_document"],
                batch_size=500,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archives", "0005_referral_division_activity_comments_staged_uploads"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="activity", name="archives_ac_unit_id_b9d97f_idx"),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["-date", "-id"], name="activity_newest_first"),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["unit", "-date", "-id"], name="activity_unit_newest_first"),
        ),
        migrations.AddField(
            model_name="request",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        # Filled before the request's new indexes exist: each row's update maintains every index of the table.
        migrations.RunPython(fill_search_documents, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(fields=["-submitted_at", "-id"], name="request_newest_first"),
        ),
        migrations.AddIndex(
            model_name="request",
            index=huhang.search.BigramIndex(fields=["search_document"], name="request_search_document"),
        ),
    ]
