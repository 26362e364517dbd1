"""Erased means erased: erased text must not linger in the database files either.

SQLite runs with secure_delete (set on every connection in settings) and checkpoints its
write-ahead log after an erasure; PostgreSQL vacuums the story table (a task, since VACUUM
cannot run inside the request's transaction). PostgreSQL's WAL keeps old row images until
it is recycled, and backups keep what they kept: README says so plainly.
"""

from django.db import connection


def connect_sqlite_pragmas() -> None:
    """secure_delete must hold on every connection, including ones made outside settings."""
    from django.db.backends.signals import connection_created

    def _pragmas(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete=ON")

    connection_created.connect(_pragmas, dispatch_uid="untold-sqlite-secure-delete", weak=False)


def after_erasure() -> None:
    """Called on commit of an erasure: push the erased bytes out of every file."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif connection.vendor == "postgresql":
        from testimony.tasks import vacuum_stories

        vacuum_stories.delay()


def vacuum() -> None:
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name("testimony_story")
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {table}")
