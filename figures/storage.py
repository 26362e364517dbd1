"""Where the answer rows sit in the database files must not say which story they came with.

SQLite numbers rows in the order they are written (rowid): a trigger moves each new answer
row to a random rowid, as testimony does for the story tables. PostgreSQL appends rows to
the file and stamps each with the writing transaction's id (xmin): the decision's transaction
only marks a waiting row counted; a release moves the counted rows in a batch, in random
order, in its own transaction, then VACUUM drops the old row images from the files.
"""

from django.db import connection, connections

from config.rowids import scatter_rowids

TABLES = ("figures_pendinganswers", "figures_answers")


def scatter_sqlite_rows(using: str = "default", **kwargs) -> None:
    scatter_rowids(connections[using], TABLES)


def vacuum() -> None:
    """After a release's transaction: old row images out of the files."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
