"""Withdrawal erases the text from the database files too (DESIGN.md invariant 6)."""

from pathlib import Path

import pytest
from django.db import connection

from moderation.models import Finding
from testimony.models import Story

SECRET = "Zhanar-secret-marker-7741 he beat me in the kitchen of our flat"


def database_bytes() -> bytes:
    path = Path(connection.settings_dict["NAME"])
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def tell(api) -> str:
    response = api("/api/v1/stories/", {"text": SECRET, "consent": "wall"})
    assert response.status_code == 201
    return response.json()["receipt"]


@pytest.mark.django_db(transaction=True)
def test_withdrawal_erases_text_and_everything_derived(api):
    receipt = tell(api)
    story = Story.objects.get()
    assert Finding.objects.filter(story=story).exists()  # screening derived something
    api("/api/v1/receipts/withdraw/", {"receipt": receipt})
    story.refresh_from_db()
    assert story.text == "" and story.status == "withdrawn"
    assert not Finding.objects.filter(story=story).exists()


@pytest.mark.django_db(transaction=True)
def test_withdrawn_text_is_in_no_byte_of_the_sqlite_files(api):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass of `make test` runs this; PostgreSQL is checked below")
    receipt = tell(api)
    # The text is sealed (tests/testimony/test_sealing.py): its ciphertext stands for it here.
    marker = bytes(Story.objects.values_list("text", flat=True).get())
    assert SECRET.encode() not in database_bytes()
    assert marker in database_bytes()  # the check below can fail
    api("/api/v1/receipts/withdraw/", {"receipt": receipt})
    assert marker not in database_bytes()


@pytest.mark.django_db(transaction=True)
def test_withdrawal_vacuums_the_story_table_on_postgresql(api):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pass of `make test` runs this")

    def vacuums() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'testimony_story'"
            )
            return cursor.fetchone()[0]

    receipt = tell(api)
    before = vacuums()
    api("/api/v1/receipts/withdraw/", {"receipt": receipt})
    assert vacuums() == before + 1
