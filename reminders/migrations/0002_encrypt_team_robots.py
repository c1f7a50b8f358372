"""The DingTalk robots' webhook URLs (they carry the access token) and signing secrets encrypted with SM4: the
columns become text, then the existing rows are encrypted in place (and decrypted on the way back)."""

from django.db import migrations

import huhang.crypto

ENCRYPT, DECRYPT = huhang.crypto.encrypting_migration(("reminders.TeamRobot", ["webhook_url", "secret"]))


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="teamrobot",
            name="secret",
            field=huhang.crypto.EncryptedCharField(max_length=128, verbose_name="signing secret"),
        ),
        migrations.AlterField(
            model_name="teamrobot",
            name="webhook_url",
            field=huhang.crypto.EncryptedURLField(max_length=500, verbose_name="webhook URL"),
        ),
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
