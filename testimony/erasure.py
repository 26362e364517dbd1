"""Erased means erased: erased text must not linger in the database files either, and the
files must not keep the order the stories arrived in (DESIGN.md invariants 2 and 6).

SQLite runs with secure_delete (set on every connection in settings) and checkpoints its
write-ahead log after an erasure; PostgreSQL vacuums the story table (a task, since VACUUM
cannot run inside the request's transaction). PostgreSQL's WAL keeps old row images until
it is recycled, and backups keep what they kept: README says so plainly.

A database keeps rows in the order they were written: SQLite numbers them (its rowid), and
PostgreSQL appends them to the table's file. Every table whose rows name a story would keep
the order of arrival that nothing else on a story keeps. So SQLite moves each new row to a
random rowid as it is written (a trigger), and on PostgreSQL a periodic job rewrites those
tables in the order of their random keys (CLUSTER) into new files, which also drops the
bytes of erased text that plain VACUUM only marks as free space.
"""

from django.db import connection, transaction


def connect_sqlite_pragmas() -> None:
    """secure_delete must hold on every connection, including ones made outside settings."""
    from django.db.backends.signals import connection_created

    def _pragmas(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete=ON")

    connection_created.connect(_pragmas, dispatch_uid="untold-sqlite-secure-delete", weak=False)


def after_erasure() -> None:
    """Called on commit of an erasure: push the erased bytes out of every file, and rotate the
    epoch so that no copy of the database (backup, replica, old WAL) still opens the erased
    story with the live keystore (its key row is gone here, but not from those copies)."""
    from testimony.keys import rotation_request

    rotation_request()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif connection.vendor == "postgresql":
        from testimony.tasks import vacuum_stories

        vacuum_stories.delay()


def story_tables() -> list[tuple[str, bool]]:
    """Every table whose rows name a story, and whether its key is SQLite's own row number."""
    from django.apps import apps

    from testimony.models import Story

    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = model._meta.concrete_fields
        if model is Story or any(f.related_model is Story or f.name == "story_id" for f in fields):
            pk = model._meta.pk
            found.append((model._meta.db_table, pk.get_internal_type().endswith("AutoField")))
    return sorted(found)


def scatter_sqlite_rows(using: str = "default", **kwargs) -> None:
    """After migrations on SQLite: each new row of a story's tables moves to a random rowid.

    Tables whose key is the rowid itself (counters of moderators' work, not of arrivals) keep
    it: moving their key would break AUTOINCREMENT. A table rebuilt by a migration loses its
    trigger, and gets it back here at the end of the same `migrate`.
    """
    from django.db import connections

    from config.rowids import scatter_rowids

    tables = [table for table, keyed_by_rowid in story_tables() if not keyed_by_rowid]
    scatter_rowids(connections[using], tables)


def rewrite() -> None:
    """On PostgreSQL: rewrite each story table in the order of its primary key (random keys),
    so the files hold neither the order of arrival nor the bytes of erased text.

    One table at a time, each in its own short transaction; a table someone holds locked for
    more than a few seconds raises (the job retries later) rather than stall intake behind it.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    for table, _keyed_by_rowid in story_tables():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '5s'")
            cursor.execute(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = %s::regclass AND x.indisprimary",
                [table],
            )
            index = cursor.fetchone()[0]
            cursor.execute(f"CLUSTER {quote(table)} USING {quote(index)}")


def vacuum() -> None:
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name("testimony_story")
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {table}")
