"""The database files keep no order of arrival and, after the rewrite, no erased text
(DESIGN.md invariants 2 and 6): SQLite scatters each new row to a random rowid; PostgreSQL's
periodic job rewrites the story tables in the order of their random keys."""

import pytest
from django.db import connection

from moderation.models import Finding, SignatureBand
from testimony import erasure, tasks
from testimony.models import AuditEvent, Story
from testimony.services import story_submit, story_withdraw

pytestmark = pytest.mark.django_db(transaction=True)

STORIES = 20  # the chance that random places keep the order of 20 rows is 1 in 20!
MARKER = "Aigerim-erased-marker-5521 he locked me in the flat for three days"


def tell(n: int) -> list[str]:
    told = []
    for i in range(n):
        submitted = story_submit(
            text=f"Story number {i}: he called me at 8 777 123 45 67 every night.",
            consent="wall",
            channel="web",
        )
        told.append(submitted.story_id)
    return told


def physical_order(table: str, column: str, place: str = "") -> list[str]:
    place = place or ("rowid" if connection.vendor == "sqlite" else "ctid")
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" ORDER BY {place}')
        return [str(value).replace("-", "") for (value,) in cursor.fetchall()]


def in_arrival_order(told: list[str], table: str, column: str, place: str = "") -> bool:
    rank = {story_id.replace("-", ""): i for i, story_id in enumerate(told)}
    seen = [rank[v] for v in physical_order(table, column, place) if v in rank]
    firsts = list(dict.fromkeys(seen))  # each story's first row, in file order
    assert len(firsts) == len(told)  # every story has rows here: the check can fail
    return firsts == sorted(firsts)


def story_tables_with_rows() -> list[tuple[str, str]]:
    return [
        (Story._meta.db_table, "id"),
        (AuditEvent._meta.db_table, "story_id"),  # "screened", written as each one arrives
        (Finding._meta.db_table, "story_id"),
    ]


def test_rows_written_at_screening_are_not_numbered_in_arrival_order():
    told = tell(STORIES)
    for model in (Finding, SignatureBand):
        assert not in_arrival_order(told, model._meta.db_table, "story_id", place="id"), model


def test_sqlite_files_keep_no_order_of_arrival():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass of `make test` runs this; PostgreSQL is checked below")
    told = tell(STORIES)
    for table, column in story_tables_with_rows():
        assert not in_arrival_order(told, table, column), table


def test_postgresql_rewrite_removes_the_order_and_the_erased_text():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pass of `make test` runs this")
    told = tell(STORIES)
    assert in_arrival_order(told, Story._meta.db_table, "id")  # the problem is real here
    secret = story_submit(text=MARKER, consent="wall", channel="web")
    # The text is sealed (tests/testimony/test_sealing.py): its ciphertext stands for it here.
    sealed = bytes(Story.objects.filter(id=secret.story_id).values_list("text", flat=True).get())
    assert story_withdraw(receipt=secret.receipt)
    files = story_file_bytes()
    assert sealed in files  # dead row versions keep it after VACUUM
    assert MARKER.encode() not in files

    tasks.rewrite_story_tables()

    for table, column in story_tables_with_rows():
        assert not in_arrival_order(told, table, column), table
    assert sealed not in story_file_bytes()


def story_file_bytes() -> bytes:
    """The story table's file as PostgreSQL holds it (superuser: CI's and this machine's)."""
    erasure.vacuum()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_read_binary_file(pg_relation_filepath('testimony_story'))")
        return bytes(cursor.fetchone()[0])
