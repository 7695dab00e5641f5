"""Backups and restore: ``pg_dump``/``pg_restore`` of the database plus the media files, in one ``.tar``.

An archive holds:

* ``manifest.json`` — format name and version, scope (``"all"`` or ``"clinic"``), the clinic's ``client_id``
  and schema, creation time (UTC, ISO 8601), PostgreSQL server and ``pg_dump`` versions, the latest applied
  migration of each app, and the SHA-256 and size (bytes) of every other member;
* ``database.dump`` — ``pg_dump --format=custom``: the whole database (scope ``all``) or only the clinic's
  schema (scope ``clinic``);
* ``public.json`` — scope ``clinic`` only: the clinic's rows of the shared (public) schema in Django's
  serialization format: the clinic, its domains, API keys, usage records, clinic users (with their
  ``auth.User``) and staff memberships;
* ``media/<schema>/...`` — the media files (recordings) of the clinic, or of every clinic.

Restoring a clinic replaces it: its schema is dropped and recreated from the dump, its public rows are
deleted and loaded back with their primary keys, and its media folder is replaced. Restoring ``all``
runs ``pg_restore --clean --if-exists`` over the whole database and replaces the media folder.
After a restore into a newer MedSync, run ``manage.py migrate_schemas`` (the README's release step).

PostgreSQL binaries: the embedded server's own (``pgserver``'s ``pginstall/bin``) when MedSync runs on it;
with ``DATABASE_URL`` the binary whose major version equals the server's, else the lowest newer one
(``pg_dump`` refuses to dump a server newer than itself — PostgreSQL docs, "pg_dump", Notes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

ARCHIVE_FORMAT = "medsync-backup"
ARCHIVE_VERSION = 1
# pg_dump/pg_restore of a clinic with a few thousand rows takes seconds; a stuck server must not hang cron.
PG_TOOL_TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """A backup or restore could not be made; ``str(error)`` says why (never patient data)."""


@dataclass(frozen=True)
class BackupResult:
    """What :func:`backup_create` wrote: the archive path, its size (bytes) and the manifest dict."""

    path: Path
    size_bytes: int
    manifest: dict


# --- PostgreSQL binaries and connection ------------------------------------------------------------------


def _binary_major(binary: Path) -> int | None:
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return None
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _candidate_bin_dirs() -> list[Path]:
    dirs: list[Path] = []
    if os.environ.get("MEDSYNC_PG_BIN_DIR"):
        dirs.append(Path(os.environ["MEDSYNC_PG_BIN_DIR"]))
    try:
        import pgserver

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    which = shutil.which("pg_dump")
    if which:
        dirs.append(Path(which).resolve().parent)
    return dirs


def server_major_version() -> int:
    """The connected PostgreSQL server's major version (e.g. 15), from ``server_version_num``."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_binary(name: str, *, server_major: int) -> Path:
    """Path of ``pg_dump``/``pg_restore`` able to work with a server of ``server_major``.

    ``MEDSYNC_PG_BIN_DIR`` wins when set. Otherwise the same major version is preferred, then the lowest
    newer one. Raises :class:`BackupError` when none is found.
    """
    found: list[tuple[int, Path]] = []
    for directory in _candidate_bin_dirs():
        binary = directory / name
        if binary.is_file() and (major := _binary_major(binary)) is not None:
            if os.environ.get("MEDSYNC_PG_BIN_DIR") and directory == Path(os.environ["MEDSYNC_PG_BIN_DIR"]):
                return binary
            found.append((major, binary))
    same = [b for m, b in found if m == server_major]
    newer = sorted((m, str(b)) for m, b in found if m > server_major)
    if same:
        return same[0]
    if newer:
        return Path(newer[0][1])
    raise BackupError(f"no {name} for PostgreSQL {server_major} found (set MEDSYNC_PG_BIN_DIR)")


def _libpq_env() -> dict[str, str]:
    """The database connection as libpq environment variables (keeps the password off the command line)."""
    db = connection.settings_dict  # not settings.DATABASES: test runners rename the database here
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "postgres"}
    if db.get("HOST"):
        env["PGHOST"] = str(db["HOST"])
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(args: list[str]) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(args, env=_libpq_env(), capture_output=True, text=True, timeout=PG_TOOL_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{Path(args[0]).name} did not finish within {PG_TOOL_TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    return done


# --- archive helpers ----------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def _public_rows(clinic) -> str:
    """The clinic's public-schema rows as Django JSON (order: parents before children)."""
    from django.contrib.auth.models import User

    from clinics.models import ApiKey, ClinicUser, Domain, StaffMembership, UsageRecord

    user_ids = set(ClinicUser.objects.filter(clinic=clinic).values_list("user_id", flat=True))
    user_ids |= set(StaffMembership.objects.filter(clinic=clinic).values_list("user_id", flat=True))
    objects = [
        clinic,
        *Domain.objects.filter(tenant=clinic).order_by("pk"),
        *User.objects.filter(pk__in=user_ids).order_by("pk"),
        *ApiKey.objects.filter(clinic=clinic).order_by("pk"),
        *UsageRecord.objects.filter(clinic=clinic).order_by("pk"),
        *ClinicUser.objects.filter(clinic=clinic).order_by("pk"),
        *StaffMembership.objects.filter(clinic=clinic).order_by("pk"),
    ]
    return serializers.serialize("json", objects)


def _add_tree(tar: tarfile.TarFile, folder: Path, arcname: str, files: dict) -> None:
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = f"{arcname}/{path.relative_to(folder).as_posix()}"
        tar.add(path, arcname=name, recursive=False)
        files[name] = {"sha256": _sha256(path), "size_bytes": path.stat().st_size}


# --- backup --------------------------------------------------------------------------------------------------


def backup_create(*, output: Path, client_id: str | None = None) -> BackupResult:
    """Write a backup archive of one clinic (``client_id``) or of everything (``None``) to ``output``.

    The archive is written to ``output`` + ``.partial`` and renamed when complete, so a crashed backup never
    leaves a file that looks whole. Raises :class:`BackupError` (unknown clinic, pg_dump failure).
    """
    from clinics.models import Clinic

    connection.set_schema_to_public()
    clinic = None
    if client_id is not None:
        clinic = Clinic.objects.filter(client_id=client_id).first()
        if clinic is None:
            raise BackupError(f"no clinic with client_id {client_id!r}")
    major = server_major_version()
    pg_dump = pg_binary("pg_dump", server_major=major)
    media_root = Path(settings.MEDIA_ROOT)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="medsync-backup-") as tmp:
        dump = Path(tmp) / "database.dump"
        args = [str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"]
        if clinic is not None:
            args.append(f"--schema={clinic.schema_name}")
        _run(args)
        files: dict[str, dict] = {"database.dump": {"sha256": _sha256(dump), "size_bytes": dump.stat().st_size}}
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "scope": "clinic" if clinic else "all",
            "client_id": clinic.client_id if clinic else None,
            "schema_name": clinic.schema_name if clinic else None,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "postgres_server_major": major,
            "pg_dump": _run([str(pg_dump), "--version"]).stdout.strip(),
            "migrations": _applied_migrations(),
        }
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname="database.dump")
            if clinic is not None:
                public = Path(tmp) / "public.json"
                public.write_text(_public_rows(clinic))
                tar.add(public, arcname="public.json")
                files["public.json"] = {"sha256": _sha256(public), "size_bytes": public.stat().st_size}
                _add_tree(tar, media_root / clinic.schema_name, f"media/{clinic.schema_name}", files)
            else:
                _add_tree(tar, media_root, "media", files)
            manifest["files"] = files
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
    os.replace(partial, output)
    return BackupResult(path=output, size_bytes=output.stat().st_size, manifest=manifest)


# --- restore -------------------------------------------------------------------------------------------------


def backup_read_manifest(archive: Path) -> dict:
    """The manifest of ``archive``; raises :class:`BackupError` when it is not a MedSync backup."""
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a readable MedSync backup: {exc}") from exc
    if not manifest or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive} is not a MedSync backup (no {ARCHIVE_FORMAT} manifest)")
    if manifest.get("version", 0) > ARCHIVE_VERSION:
        raise BackupError(f"backup format {manifest['version']} is newer than this MedSync reads ({ARCHIVE_VERSION})")
    return manifest


def _extract_verified(archive: Path, into: Path, manifest: dict) -> None:
    with tarfile.open(archive, "r") as tar:
        tar.extractall(into, filter="data")  # "data" refuses absolute paths, links out of the tree, devices
    for name, meta in manifest["files"].items():
        path = into / name
        if not path.is_file() or _sha256(path) != meta["sha256"]:
            raise BackupError(f"{name} in the archive is missing or damaged (SHA-256 mismatch)")


def _replace_tree(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, target)


def backup_restore(*, archive: Path) -> dict:
    """Restore ``archive`` (see the module docstring for what is replaced); returns its manifest.

    Raises :class:`BackupError`: not a MedSync backup, damaged member, or pg_restore failure. For a clinic,
    the database part runs in one transaction (``pg_restore --single-transaction``) after the public rows
    are committed; a failing pg_restore leaves the clinic's rows but an empty schema, so re-run the restore.
    """
    archive = Path(archive)
    manifest = backup_read_manifest(archive)
    connection.set_schema_to_public()
    pg_restore = pg_binary("pg_restore", server_major=server_major_version())
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="medsync-restore-") as tmp:
        root = Path(tmp)
        _extract_verified(archive, root, manifest)
        dump = root / "database.dump"
        if manifest["scope"] == "all":
            connection.close()
            _run([str(pg_restore), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  f"--dbname={connection.settings_dict['NAME']}", str(dump)])
            _replace_tree(root / "media", media_root)
            return manifest
        schema = manifest["schema_name"]
        _clinic_public_rows_replace(client_id=manifest["client_id"], schema=schema,
                                    public_json=(root / "public.json").read_text())
        connection.close()  # pg_restore's connection must not wait on a lock this one holds
        _run([str(pg_restore), "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={connection.settings_dict['NAME']}", str(dump)])
        _replace_tree(root / "media" / schema, media_root / schema)
    return manifest


@transaction.atomic
def _clinic_public_rows_replace(*, client_id: str, schema: str, public_json: str) -> None:
    """Drop the clinic's schema and public rows, then load the archived public rows with their keys."""
    from django.contrib.auth.models import User

    from clinics.models import ApiKey, Clinic, ClinicUser, Domain, StaffMembership, UsageRecord

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema or ""):
        raise BackupError(f"invalid schema name {schema!r} in the manifest")
    Clinic.objects.filter(client_id=client_id).delete()  # cascades: domains, keys, usage, users' profiles
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    models = set()
    for item in serializers.deserialize("json", public_json):
        model, obj = type(item.object), item.object
        existing = model.objects.filter(pk=obj.pk).first()
        # A row with the same key that is not this clinic's (another database's numbering) must not be
        # overwritten: another clinic's data would change.
        if existing is not None and not (model is User and existing.username == obj.username):
            raise BackupError(f"{model._meta.label} {obj.pk} already belongs to other data; restore this clinic "
                              "into the database it was backed up from or into an empty one")
        item.save()  # raw save: no Clinic.save() side effects (schema creation), primary keys kept
        models.add(type(item.object))
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [m for m in (Clinic, Domain, User, ApiKey, UsageRecord, ClinicUser, StaffMembership) if m in models]
        ):
            cursor.execute(statement)
