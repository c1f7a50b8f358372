"""The restore drill (docs/operations.md, "Backups"): the demo programme with a few attachments is backed up, the
database's tables and the media directory are wiped, the backup is restored, and every record and every file is found
again — on SQLite here and on PostgreSQL in CI (pg_dump and pg_restore against pytest-django's test database).

A backup that does not match its manifest is refused before anything is touched, and a restore that does not
reproduce the manifest's row counts fails loudly."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from archives.models import Activity, Attachment, Request
from archives.services import attachments_add
from huhang.backups import BackupError, backup_verify
from tests.factories import UnitFactory, division
from units.models import Unit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
SAMPLE_ROWS = 25  # of every model, compared field by field (decrypted fields included) before and after


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    settings.BACKUP_DATABASE_URL = ""
    return settings


def table_counts() -> dict[str, int]:
    """Every table's rows, counted here with Django's own connection (not with the code under test)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 (table names)
            counts[name] = cursor.fetchone()[0]
    return counts


def triggers() -> set[tuple[str, str]]:
    """PostgreSQL's own triggers (the audit trail's append-only ones among them); none on SQLite."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        return set(cursor.fetchall())


def sample_records() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()[:SAMPLE_ROWS])
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def media_digests(media_root: Path) -> dict[str, str]:
    return {
        path.relative_to(media_root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


def wipe(media_root: Path) -> None:
    """Every table emptied (TRUNCATE on PostgreSQL, which the audit trail's row triggers do not see) and the media
    directory removed."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    shutil.rmtree(media_root)


def the_backup(settings) -> Path:
    [path] = Path(settings.BACKUP_DIR).iterdir()
    return path


@pytest.mark.django_db(transaction=True)
def test_the_demo_backed_up_wiped_and_restored_has_every_record_and_file(backup_settings):
    settings = backup_settings
    division("330100")  # the divisions come from a migration that an earlier transactional test may have flushed
    call_command("seed_demo", force=True, stdout=io.StringIO())
    leader = User.objects.get(username="leader")
    activity, request = Activity.objects.order_by("pk").first(), Request.objects.order_by("pk").first()
    attachments_add(
        actor=leader,
        activity=activity,
        files=[SimpleUploadedFile("会商纪要.pdf", PDF), SimpleUploadedFile("现场照片.png", PNG)],
    )
    attachments_add(actor=leader, request=request, files=[SimpleUploadedFile("检索报告.pdf", PDF + b"% 2\n")])
    # An audit archive file (audit/archiving.py): legal logs, backed up with the media.
    audit_root = Path(settings.AUDIT_ARCHIVE_DIR)
    audit_root.mkdir()
    (audit_root / "audit-000001-000500.jsonl.gz").write_bytes(b"\x1f\x8b archived events")
    counts, records, files = table_counts(), sample_records(), media_digests(Path(settings.MEDIA_ROOT))
    protections = triggers()
    if connection.vendor == "postgresql":
        assert any(table == "audit_auditevent" for table, _name in protections), protections
    assert counts["units_unit"] > 100
    assert Attachment.objects.count() == 3
    assert len(files) == 3

    call_command("backup", stdout=io.StringIO())
    backup = the_backup(settings)
    # As confidential as the database: the owner's alone.
    assert backup.stat().st_mode & 0o777 == 0o700
    assert {path.name: path.stat().st_mode & 0o777 for path in backup.iterdir()} == {
        "manifest.json": 0o600,
        "media.tar.gz": 0o600,
        "audit-archive.tar.gz": 0o600,
        {"sqlite": "database.sqlite3", "postgresql": "database.dump"}[connection.vendor]: 0o600,
    }
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == counts
    assert manifest["media"]["files"] == files

    wipe(Path(settings.MEDIA_ROOT))
    (audit_root / "audit-000001-000500.jsonl.gz").unlink()
    # An archive written after the backup is a log the law keeps: a restore never removes it.
    (audit_root / "audit-000501-000900.jsonl.gz").write_bytes(b"\x1f\x8b newer events")
    assert not Unit.objects.exists()
    assert not User.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists()

    out = io.StringIO()
    call_command("restore", str(backup), interactive=False, stdout=out)
    assert "every row count and checksum matches" in out.getvalue()

    assert table_counts() == counts
    assert sample_records() == records
    # pg_restore --clean dropped the audit trail's table and its triggers with it; they came back from the dump.
    assert triggers() == protections
    assert media_digests(Path(settings.MEDIA_ROOT)) == files
    assert sorted(path.name for path in audit_root.iterdir()) == [
        "audit-000001-000500.jsonl.gz",
        "audit-000501-000900.jsonl.gz",
    ]
    assert (audit_root / "audit-000001-000500.jsonl.gz").read_bytes() == b"\x1f\x8b archived events"
    for attachment in Attachment.objects.all():
        with attachment.file.open("rb") as stream:
            assert hashlib.sha256(stream.read()).hexdigest() == files[attachment.file.name]
    # The demo logins work again: their password hashes came back with them.
    assert User.objects.get(username="bureau").check_password(settings.DEMO_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_does_not_reproduce_the_manifests_row_counts_fails(backup_settings):
    UnitFactory.create_batch(2)
    call_command("backup", stdout=io.StringIO())
    backup = the_backup(backup_settings)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["tables"]["units_unit"] += 1  # the manifest promises a row the dump does not hold
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match=r"units_unit: 3 rows in the backup, 2 now"):
        call_command("restore", str(backup), interactive=False, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_backup_whose_checksums_do_not_match_is_refused_and_nothing_is_changed(backup_settings):
    media = Path(backup_settings.MEDIA_ROOT)
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "a.pdf").write_bytes(PDF)
    UnitFactory()
    call_command("backup", stdout=io.StringIO())
    backup = the_backup(backup_settings)
    with (backup / "media.tar.gz").open("ab") as archive:
        archive.write(b"\0")  # one byte more than the manifest's sha256 covers
    UnitFactory()  # written after the backup: a refused restore must leave it

    with pytest.raises(CommandError, match=r"media\.tar\.gz: sha256 differs from the manifest"):
        call_command("restore", str(backup), interactive=False, stdout=io.StringIO())
    assert Unit.objects.count() == 2
    assert (media / "attachments" / "a.pdf").read_bytes() == PDF


@pytest.mark.django_db(transaction=True)
def test_a_restore_asks_first_and_changes_nothing_unless_told_yes(backup_settings, monkeypatch):
    UnitFactory()
    call_command("backup", stdout=io.StringIO())
    UnitFactory()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(the_backup(backup_settings)), stdout=io.StringIO())
    assert Unit.objects.count() == 2


def test_a_media_archive_reaching_outside_the_media_directory_is_refused(tmp_path):
    """A tampered backup whose manifest was rewritten to match still cannot write outside MEDIA_ROOT."""
    archive_path = tmp_path / "media.tar.gz"
    with tarfile.open(archive_path, "w:gz") as archive:
        info = tarfile.TarInfo("../settings.py")
        info.size = len(PDF)
        archive.addfile(info, io.BytesIO(PDF))
    (tmp_path / "database.sqlite3").write_bytes(b"")
    digest = {
        name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        for name in ("database.sqlite3", "media.tar.gz")
    }
    manifest = {
        "format": 1,
        "files": digest,
        "media": {"archive": "media.tar.gz", "files": {"../settings.py": hashlib.sha256(PDF).hexdigest()}},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="not a plain file under its directory"):
        backup_verify(tmp_path)


def test_a_directory_without_a_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(BackupError, match="is not a backup"):
        backup_verify(tmp_path)


@pytest.mark.django_db
def test_a_backup_of_uncommitted_rows_is_refused(backup_settings):
    """Inside a transaction a backup would copy rows that may yet be rolled back (or, on PostgreSQL, miss them)."""
    with pytest.raises(CommandError, match="inside a transaction"):
        call_command("backup", stdout=io.StringIO())
    assert not Path(backup_settings.BACKUP_DIR).exists() or not any(Path(backup_settings.BACKUP_DIR).iterdir())
