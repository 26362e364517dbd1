"""SQLite numbers rows in the order they are written (rowid): an order of arrival in the file.

One trigger per table moves each new row to a random rowid. Used by every app whose rows must
not say when they came (testimony's story tables, figures' answer rows), after `migrate`.
"""


def scatter_rowids(connection, tables) -> None:
    """Give each of these SQLite tables (those that exist) its random-rowid trigger."""
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            name = connection.ops.quote_name(f"{table}_scatter")
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER INSERT ON {quoted} BEGIN "
                f"UPDATE {quoted} SET rowid = (random() & 9223372036854775807) "
                "WHERE rowid = NEW.rowid; END"
            )
