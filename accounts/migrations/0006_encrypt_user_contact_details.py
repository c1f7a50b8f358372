"""The logins' phones and e-mails, and their history, encrypted with SM4: the columns become text, then the
existing rows are encrypted in place (and decrypted on the way back)."""

from django.db import migrations

import huhang.crypto

ENCRYPT, DECRYPT = huhang.crypto.encrypting_migration(
    ("accounts.User", ["phone", "email"]), ("accounts.HistoricalUser", ["phone", "email"])
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_separation_of_duties_and_sessions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaluser",
            name="email",
            field=huhang.crypto.EncryptedEmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="historicaluser",
            name="phone",
            field=huhang.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=huhang.crypto.EncryptedEmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=huhang.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name="phone"),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
