"""Contacts' phones and e-mails, and their history, encrypted with SM4: the columns become text, then the
existing rows are encrypted in place (and decrypted on the way back)."""

from django.db import migrations

import huhang.crypto
import units.validators

ENCRYPT, DECRYPT = huhang.crypto.encrypting_migration(
    ("units.UnitContact", ["phone", "email"]), ("units.HistoricalUnitContact", ["phone", "email"])
)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0004_importjob"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalunitcontact",
            name="email",
            field=huhang.crypto.EncryptedEmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="historicalunitcontact",
            name="phone",
            field=huhang.crypto.EncryptedCharField(
                blank=True, max_length=32, validators=[units.validators.validate_phone], verbose_name="phone"
            ),
        ),
        migrations.AlterField(
            model_name="unitcontact",
            name="email",
            field=huhang.crypto.EncryptedEmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="unitcontact",
            name="phone",
            field=huhang.crypto.EncryptedCharField(
                blank=True, max_length=32, validators=[units.validators.validate_phone], verbose_name="phone"
            ),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
