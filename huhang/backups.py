"""Backups of the single-machine deployment, and their restore (docs/operations.md, "Backups").

`manage.py backup` writes one directory under BACKUP_DIR, named for its time (Asia/Shanghai):

    database.sqlite3 | database.dump   the database: SQLite's online backup API, or pg_dump's custom format
    media.tar.gz                       every file under MEDIA_ROOT (attachments, imported lists, report exports)
    audit-archive.tar.gz               every file under AUDIT_ARCHIVE_DIR: the audit trail's archived events
    manifest.json                      when, from which commit, which database, the row count of every table, and
                                       the sha256 of each file of the backup and of each file under MEDIA_ROOT

The row counts are those of the copy itself: SQLite's are counted in the copied file, PostgreSQL's in a snapshot that
pg_dump then dumps (--snapshot), so the portal may keep writing meanwhile and the counts still match the dump.

`manage.py restore DIR` checks every sha256 before it touches anything, replaces the database (PostgreSQL: in one
transaction, so a failed restore leaves it as it was) and the media directory, then proves the result: every table's
row count and every file's sha256 as the manifest says. The audit trail's archive files are logs that the law keeps
for six months at least: a restore adds the ones that are missing and never removes or overwrites one.

A backup holds the programme's confidential records, so its directory and files are readable by their owner only.
Encrypted fields stay encrypted in it; their keys (FIELD_ENCRYPTION_KEYS) are never part of a backup.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump, pg_restore and git, with argument lists and no shell
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
AUDIT_ARCHIVE = "audit-archive.tar.gz"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# libpq's own connection options that Django's OPTIONS may carry; the rest (pool, isolation level) are Django's.
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made, or one that may not be restored or was not restored whole: the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())


# --- Backup ------------------------------------------------------------------------------------------------------


def backup_create(*, root: Path | None = None, alias: str = "default") -> Backup:
    """Writes a new backup directory under `root` (BACKUP_DIR) and returns it; nothing is left behind on failure."""
    root = Path(root or settings.BACKUP_DIR)
    media_root = Path(settings.MEDIA_ROOT)
    _refuse_inside_media(root, media_root)
    vendor = connections[alias].vendor
    if connections[alias].in_atomic_block:
        # Uncommitted rows would be copied (SQLite) or missed (PostgreSQL): a backup is of committed data only.
        raise BackupError("A backup cannot run inside a transaction.")
    if vendor not in DATABASE_FILES:
        raise BackupError(f"No backup for a {vendor} database: SQLite and PostgreSQL only.")
    created_at = timezone.localtime()
    path = _new_directory(root, created_at.strftime("%Y%m%d-%H%M%S"))
    try:
        database_file = path / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            tables = _sqlite_backup(alias, database_file)
        else:
            tables = _postgresql_backup(alias, database_file)
        media_files = _media_archive(media_root, path / MEDIA_ARCHIVE)
        audit_files = _media_archive(_audit_archive_root(), path / AUDIT_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "git_commit": _git_commit(),
            "database": {"vendor": vendor, "name": str(_database_params(alias)["NAME"]), "file": database_file.name},
            "tables": tables,
            "media": {"archive": MEDIA_ARCHIVE, "root": str(media_root), "files": media_files},
            "audit_archive": {"archive": AUDIT_ARCHIVE, "root": str(_audit_archive_root()), "files": audit_files},
            "files": {name: _sha256_file(path / name) for name in (database_file.name, MEDIA_ARCHIVE, AUDIT_ARCHIVE)},
        }
        manifest_file = path / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        manifest_file.chmod(0o600)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    backup = Backup(path=path, manifest=manifest)
    logger.info("Backup written to %s: %d tables, %d rows, %d files", path, len(tables), backup.rows, len(media_files))
    return backup


def _new_directory(root: Path, name: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 100):
        path = root / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        path.chmod(0o700)  # whatever the umask: the backup is as confidential as the database
        return path
    raise BackupError(f"Too many backups named {name} in {root}.")


def _refuse_inside_media(backup_root: Path, media_root: Path) -> None:
    """A backup directory under MEDIA_ROOT would be archived into the next backup, and wiped by a restore."""
    if backup_root.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(f"BACKUP_DIR ({backup_root}) must not lie inside MEDIA_ROOT ({media_root}).")


def _sqlite_backup(alias: str, target: Path) -> dict[str, int]:
    """SQLite's online backup API: a consistent copy even while the portal writes; counted in the copy itself."""
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        tables = _sqlite_counts(copy)
    finally:
        copy.close()
    target.chmod(0o600)
    return tables


def _postgresql_backup(alias: str, target: Path) -> dict[str, int]:
    """pg_dump of a snapshot exported by a transaction that also counts the rows: the dump and the counts agree."""
    import psycopg

    params = _database_params(alias)
    with psycopg.connect(**_psycopg_kwargs(params)) as snapshot:
        snapshot.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _postgresql_counts(snapshot)
        # The snapshot lives as long as this transaction: pg_dump runs inside it.
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot_id}", f"--file={target}"],
            params,
        )
        snapshot.rollback()
    target.chmod(0o600)
    return tables


def _audit_archive_root() -> Path:
    # A setting of the audit app (audit/archiving.py), read by name: huhang imports no app.
    return Path(getattr(settings, "AUDIT_ARCHIVE_DIR", Path(settings.BASE_DIR) / "var" / "audit-archive"))


def _media_archive(media_root: Path, target: Path) -> dict[str, str]:
    """Every regular file under a directory (MEDIA_ROOT, AUDIT_ARCHIVE_DIR) into a tar.gz, hashed as it is read:
    what is hashed is what is stored."""
    files: dict[str, str] = {}
    with tarfile.open(target, "w:gz") as archive:
        for path in _media_files(media_root):
            name = path.relative_to(media_root).as_posix()
            with path.open("rb") as stream:
                info = archive.gettarinfo(arcname=name, fileobj=stream)
                reader = _HashingReader(stream)
                archive.addfile(info, reader)
            files[name] = reader.hexdigest()
    target.chmod(0o600)
    return files


class _HashingReader:
    def __init__(self, stream) -> None:
        self._stream = stream
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._hash.update(data)
        return data

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _git_commit() -> str:
    """The running code's commit: GIT_COMMIT where the image was built with it, else git's, else "unknown"."""
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"]
    git = shutil.which("git")
    if git is None or not (Path(settings.BASE_DIR) / ".git").exists():
        return "unknown"
    head = _execute([git, "rev-parse", "HEAD"], cwd=settings.BASE_DIR)
    if head.returncode != 0:
        return "unknown"
    changed = _execute([git, "status", "--porcelain", "--untracked-files=no"], cwd=settings.BASE_DIR)
    return head.stdout.strip() + ("+uncommitted-changes" if changed.stdout.strip() else "")


# --- Checking ----------------------------------------------------------------------------------------------------


def backup_verify(path: Path) -> dict[str, Any]:
    """The backup's manifest, once every sha256 in it matched: the database file, the media archive, and each file in
    the archive. Raises BackupError naming every mismatch; reads the files and changes nothing."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} is not a backup: no readable {MANIFEST} ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path / MANIFEST} is of format {manifest.get('format')!r}; this portal reads {FORMAT}.")
    try:
        problems = _manifest_problems(path, manifest)
    except (KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path / MANIFEST} is malformed ({error!r}); nothing was restored.") from error
    if problems:
        raise BackupError(
            f"The backup {path} does not match its manifest; nothing was restored:\n  " + "\n  ".join(problems)
        )
    return manifest


def _manifest_problems(path: Path, manifest: dict[str, Any]) -> list[str]:
    problems = []
    for name, expected in manifest["files"].items():
        file = path / name
        if Path(name).name != name or not file.is_file():
            problems.append(f"{name}: missing")
        elif _sha256_file(file) != expected:
            problems.append(f"{name}: sha256 differs from the manifest")
    if problems:
        return problems
    for section in ("media", "audit_archive"):
        if section in manifest:
            archive_name = manifest[section]["archive"]
            if archive_name not in manifest["files"]:  # only a file whose sha256 was checked above is read
                problems.append(f"{archive_name}: not among the manifest's files")
                continue
            archived = dict(_archive_digests(path / archive_name))
            problems += _compare_files(manifest[section]["files"], archived, "archived")
    return problems


def _archive_digests(archive_path: Path) -> Iterator[tuple[str, str]]:
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                raise BackupError(
                    f"{archive_path.name} holds {member.name!r}, which is not a plain file under its directory."
                )
            yield member.name, _sha256_stream(archive.extractfile(member))


def _compare_files(expected: dict[str, str], found: dict[str, str], where: str) -> list[str]:
    problems = [f"{name}: not {where}" for name in sorted(expected.keys() - found.keys())]
    problems += [f"{name}: {where} but not in the manifest" for name in sorted(found.keys() - expected.keys())]
    problems += [
        f"{name}: sha256 differs" for name in sorted(expected.keys() & found.keys()) if expected[name] != found[name]
    ]
    return problems


# --- Restore -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int


def backup_restore(*, path: Path, alias: str = "default") -> Restored:
    """Replaces the database's contents and MEDIA_ROOT's files with the backup at `path`, then proves them equal to
    its manifest. Refuses (BackupError, nothing changed) a backup that fails `backup_verify` or is of another kind
    of database; raises BackupError after a restore that does not match."""
    path = Path(path)
    manifest = backup_verify(path)
    connection = connections[alias]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"The backup is of a {vendor} database; this portal runs on {connection.vendor}.")
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    media_root = Path(settings.MEDIA_ROOT)
    _refuse_inside_media(Path(path), media_root)
    database_file = path / manifest["database"]["file"]
    if vendor == "sqlite":
        _sqlite_restore(alias, database_file)
    else:
        # pg_restore drops the tables: no connection of this process may hold a lock on one.
        connection.close()
        _postgresql_restore(alias, database_file)
    _media_restore(path / MEDIA_ARCHIVE, media_root)
    audit_root = _audit_archive_root()
    if "audit_archive" in manifest:
        _audit_archive_restore(path / AUDIT_ARCHIVE, audit_root)

    tables = _table_counts(alias)
    problems = [
        f"table {table}: {expected} rows in the backup, {tables.get(table, 'no table')} now"
        for table, expected in sorted(manifest["tables"].items())
        if tables.get(table) != expected
    ]
    problems += _compare_files(manifest["media"]["files"], dict(_media_digests(media_root)), "restored")
    if "audit_archive" in manifest:
        # Archive files younger than the backup stay: only the backup's own must be there, unchanged.
        present = dict(_media_digests(audit_root))
        expected = manifest["audit_archive"]["files"]
        problems += _compare_files(expected, {name: present[name] for name in expected if name in present}, "restored")
    if problems:
        raise BackupError(f"The restore of {path} does not match its manifest:\n  " + "\n  ".join(problems))
    restored = Restored(
        manifest=manifest,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["media"]["files"]),
    )
    logger.warning(
        "Restored the backup %s of %s: %d rows, %d files", path, manifest["created_at"], restored.rows, restored.files
    )
    return restored


def _sqlite_restore(alias: str, source_file: Path) -> None:
    """The backup API the other way round: the backup's pages replace the live database's, whole."""
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source_file.name} fails SQLite's integrity check; nothing was restored.")
        connection = connections[alias]
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _postgresql_restore(alias: str, dump: Path) -> None:
    """pg_restore in one transaction: every table dropped and recreated from the dump (the audit trail's triggers,
    which refuse UPDATE and DELETE, go and come back with their table), or nothing at all when a step fails.
    --no-owner: the objects belong to the restoring role (the tables' owner, BACKUP_DATABASE_URL); the grants to the
    app's role are in the dump and restored."""
    params = _database_params(alias)
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={params['NAME']}",
        str(dump),
    ]
    _run(command, params)


def _audit_archive_restore(archive_path: Path, audit_root: Path) -> None:
    """Adds the backup's archive files that are missing; one that exists is left as it is (the check after the
    restore reports it if it differs)."""
    audit_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        missing = [member for member in archive.getmembers() if not (audit_root / member.name).exists()]
        archive.extractall(audit_root, members=missing, filter="data")


def _media_restore(archive_path: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tarfile.open(archive_path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out of the directory and device files (PEP 706).
        archive.extractall(media_root, filter="data")


# --- Shared helpers ----------------------------------------------------------------------------------------------


def _table_counts(alias: str) -> dict[str, int]:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_counts(connection.connection)
    import psycopg

    with psycopg.connect(**_psycopg_kwargs(_database_params(alias))) as counting:
        return _postgresql_counts(counting)


def _sqlite_counts(database: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {}
    for name in names:
        # A table name read from sqlite_master, quoted as an identifier: nothing from outside reaches the query.
        identifier = '"' + name.replace('"', '""') + '"'
        query = "SELECT count(*) FROM " + identifier  # noqa: S608  # nosec B608 # as above
        counts[name] = database.execute(query).fetchone()[0]
    return counts


def _postgresql_counts(database) -> dict[str, int]:
    from psycopg import sql

    names = [
        row[0]
        for row in database.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
        )
    ]
    count = sql.SQL("SELECT count(*) FROM {}")
    return {name: database.execute(count.format(sql.Identifier(name))).fetchone()[0] for name in names}


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink())


def _media_digests(media_root: Path) -> Iterator[tuple[str, str]]:
    for path in _media_files(media_root):
        yield path.relative_to(media_root).as_posix(), _sha256_file(path)


def _sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return _sha256_stream(stream)


def _sha256_stream(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _database_params(alias: str) -> dict[str, Any]:
    """The connection of the backup and restore: BACKUP_DATABASE_URL (the tables' owner) if set, else the app's."""
    if settings.BACKUP_DATABASE_URL and connections[alias].vendor == "postgresql":
        return environ.Env.db_url_config(settings.BACKUP_DATABASE_URL)
    return connections[alias].settings_dict


def _psycopg_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    kwargs = {
        "dbname": params["NAME"],
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
    }
    options = params.get("OPTIONS") or {}
    kwargs |= {key: options[key] for key in LIBPQ_OPTIONS if key in options}
    return {key: value for key, value in kwargs.items() if value is not None}


def _libpq_environment(params: dict[str, Any]) -> dict[str, str]:
    """pg_dump's and pg_restore's connection in their environment, not their arguments: `ps` shows no password."""
    environment = dict(os.environ)
    values = {
        "PGDATABASE": params["NAME"],
        "PGUSER": params.get("USER"),
        "PGPASSWORD": params.get("PASSWORD"),
        "PGHOST": params.get("HOST"),
        "PGPORT": params.get("PORT"),
    }
    options = params.get("OPTIONS") or {}
    values |= {variable: options.get(key) for key, variable in LIBPQ_OPTIONS.items()}
    environment |= {variable: str(value) for variable, value in values.items() if value}
    return environment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools (Debian: postgresql-client), of the server's"
            " major version or newer."
        )
    return path


def _run(command: list[str], params: dict[str, Any]) -> None:
    result = _execute(command, env=_libpq_environment(params))
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}")


def _execute(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Runs a program found by shutil.which with an argument list (never a shell); its output is captured."""
    options = {"capture_output": True, "text": True, "check": False, **kwargs}
    return subprocess.run(command, **options)  # noqa: S603  # nosec B603 # an argument list, no shell
