"""Every text a survivor or a moderator wrote is sealed at rest under its story's own key
(DESIGN.md invariant 10): no byte of the database's files or dumps holds it, a copy of the
database stops opening it when it is erased, and tampering reads as damage, never as another
story's text."""

import io
import json
import re
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from moderation import decisions
from moderation.models import ReviewNote
from testimony import keys, keystore, sealing
from testimony.models import Story, StoryKey
from tests.moderation import factories as moderation_factories
from tests.moderation.factories import claimed, reviewer
from tests.testimony.factories import received, screened, submitted
from tests.testimony.wall import factories as wall_factories

SECRET = "Aigerim-marker-5521 he locked me in the flat in Nur-Sultan"
NOTE = "Moderator-note-marker-9034 she names the street"


def tell(api, text: str = SECRET) -> str:
    response = api("/api/v1/stories/", {"text": text, "consent": "wall"})
    assert response.status_code == 201, response.content
    return response.json()["receipt"]


# --- reading what a copy of the database holds, with the keystore as it is now ---------------


def _open_copy(rows: dict, key_rows: dict) -> dict[str, str | None]:
    """{story id: its text opened with the live keystore, or None}, from raw copied rows."""
    opened = {}
    for story_id, sealed in rows.items():
        found = key_rows.get(story_id)
        data_key = keys._unwrap(story_id, *found) if found else None
        if data_key is None or not sealed:
            opened[story_id] = None
            continue
        try:
            opened[story_id] = sealing.open_sealed(
                data_key, bytes(sealed), sealing.aad(story_id, "testimony.story.text")
            )
        except sealing.InvalidTag:
            opened[story_id] = None
    return opened


def _uuid(value) -> str:
    return str(uuid.UUID(str(value)))


def sqlite_copy(tmp_path: Path) -> Path:
    """A backup of the SQLite database as an operator would take it (the online backup API)."""
    target = tmp_path / f"copy-{uuid.uuid4().hex}.sqlite3"
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.close()
    source.close()
    return target


def read_sqlite_copy(path: Path) -> dict[str, str | None]:
    db = sqlite3.connect(path)
    rows = {_uuid(i): t for i, t in db.execute("SELECT id, text FROM testimony_story")}
    key_rows = {
        _uuid(i): (e, w)
        for i, e, w in db.execute("SELECT story_id, epoch, wrapped FROM testimony_storykey")
    }
    db.close()
    return _open_copy(rows, key_rows)


def _pg_args() -> list[str]:
    db = connection.settings_dict
    return [
        "-h",
        db["HOST"] or "127.0.0.1",
        "-p",
        str(db["PORT"] or 5432),
        "-U",
        db["USER"],
        db["NAME"],
    ]


def pg_dump(*tables: str) -> str:
    args = ["pg_dump", "--data-only", *[f"--table={t}" for t in tables], *_pg_args()]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _copy_rows(dump: str, table: str) -> list[dict]:
    match = re.search(rf"COPY public\.{table} \((.*?)\) FROM stdin;\n(.*?)\n\\\.", dump, re.S)
    if not match:
        return []
    columns = [c.strip().strip('"') for c in match.group(1).split(",")]
    return [
        dict(zip(columns, line.split("\t"), strict=True)) for line in match.group(2).splitlines()
    ]


def _bytea(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("\\\\x")) if value != "\\N" else b""


def read_pg_dump(dump: str) -> dict[str, str | None]:
    rows = {r["id"]: _bytea(r["text"]) for r in _copy_rows(dump, "testimony_story")}
    key_rows = {
        r["story_id"]: (int(r["epoch"]), _bytea(r["wrapped"]))
        for r in _copy_rows(dump, "testimony_storykey")
    }
    return _open_copy(rows, key_rows)


def take_copy(tmp_path):
    if connection.vendor == "sqlite":
        path = sqlite_copy(tmp_path)
        return lambda: read_sqlite_copy(path)
    dump = pg_dump("testimony_story", "testimony_storykey")
    return lambda: read_pg_dump(dump)


def database_file_bytes() -> bytes:
    """SQLite: the database file and its WAL. PostgreSQL: every table's (and TOAST's) files."""
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
    out = []
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'pg_toast')"
            " AND c.relkind IN ('r', 't') AND pg_relation_filepath(c.oid) IS NOT NULL"
        )
        for (path,) in cursor.fetchall():
            cursor.execute("SELECT pg_read_binary_file(%s)", [path])
            out.append(bytes(cursor.fetchone()[0] or b""))
    return b"".join(out)


def _words(text: str) -> list[bytes]:
    """The text's marker word and every run of three words: none may be found anywhere."""
    words = text.split()
    return [words[0].encode()] + [
        " ".join(words[i : i + 3]).encode() for i in range(len(words) - 2)
    ]


# --- at rest ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_told_story_is_in_no_byte_of_the_database_while_the_workspace_shows_it(
    api, moderator, verified_client
):
    tell(api)
    story = Story.objects.get()
    client = verified_client(moderator)
    page = client.get(reverse("moderate:story", args=[story.id])).content.decode()
    assert SECRET in page  # the workspace reads it
    decisions.story_escalate(story_id=story.id, user=moderator, version=story.version, note=NOTE)
    assert ReviewNote.objects.get().text == NOTE
    files = database_file_bytes()
    dump = pg_dump() if connection.vendor == "postgresql" else ""
    for word in _words(SECRET) + _words(NOTE):
        assert word not in files
        assert word.decode() not in dump
    assert sealing.VERSION in files  # the files were read: the ciphertext is there


@pytest.mark.django_db(transaction=True)
def test_the_published_text_is_sealed_too_and_the_feed_reads_it(api, client):
    story = wall_factories.published(
        at=[wall_factories.installation()], text="Published-marker-3318 he shouted at me for years."
    )
    shown = story.published_text
    assert shown and story.text == ""
    files = database_file_bytes()
    for word in _words(shown):
        assert word not in files
    slug = story.installations.get().slug
    assert shown in client.get(f"/api/v1/wall/{slug}/stories/").content.decode()


# --- a copy of the database (a backup, a replica) ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_copy_taken_before_a_withdrawal_no_longer_opens_the_story(api, tmp_path):
    receipt = tell(api)
    other = tell(api, "Another-story-4410 that stays: my brother took my passport")
    story_id = str(next(s.id for s in Story.objects.all() if s.text == SECRET))
    before = take_copy(tmp_path)
    assert before()[story_id] == SECRET  # the copy can be read while the story is live
    api("/api/v1/receipts/withdraw/", {"receipt": receipt})
    copy = before()
    assert copy[story_id] is None
    assert SECRET not in copy.values()
    assert other  # (its receipt: the other story stays live and readable in the database)
    assert {s.text for s in Story.objects.all()} == {
        "",
        "Another-story-4410 that stays: my brother took my passport",
    }


@pytest.mark.django_db(transaction=True)
def test_a_copy_taken_before_a_rotation_opens_nothing_and_one_after_it_opens(api, tmp_path):
    for n in range(3):
        tell(api, f"Story number {n} of the backup test: he hit me again")
    before = take_copy(tmp_path)
    assert None not in before().values()
    keys.keys_rotate()
    assert set(before().values()) == {None}
    after = take_copy(tmp_path)
    assert sorted(after().values()) == [
        f"Story number {n} of the backup test: he hit me again" for n in range(3)
    ]


# --- tampering --------------------------------------------------------------------------------

COLUMNS = [("testimony_story", "text"), ("testimony_story", "published_text")]


def _raw(table: str, column: str, where: str, value) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {where}", value)


def _stories_with_both_texts() -> tuple[Story, Story]:
    first = moderation_factories.approved(text="First story: my husband [x] beat me at home.")
    second = moderation_factories.approved(text="Second story: my father hit me every day.")
    return Story.objects.get(id=first.id), Story.objects.get(id=second.id)


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["text", "published_text"])
def test_a_ciphertext_swapped_between_two_stories_reads_as_damaged_never_as_the_other(column):
    first, second = _stories_with_both_texts()
    theirs = bytes(Story.objects.filter(id=second.id).values_list(column, flat=True).get())
    Story.objects.filter(id=first.id).update(**{column: sealing.Sealed(theirs)})
    moved = Story.objects.get(id=first.id)
    assert getattr(moved, column) == ""
    assert moved.text_damaged
    assert getattr(Story.objects.get(id=second.id), column)  # the other one still opens


@pytest.mark.django_db
def test_the_text_and_published_text_of_one_story_cannot_be_swapped():
    first, _ = _stories_with_both_texts()
    published = bytes(
        Story.objects.filter(id=first.id).values_list("published_text", flat=True).get()
    )
    Story.objects.filter(id=first.id).update(text=sealing.Sealed(published))
    assert Story.objects.get(id=first.id).text == ""
    assert Story.objects.get(id=first.id).text_damaged


@pytest.mark.django_db
def test_a_note_moved_to_another_story_reads_as_empty():
    moderator = reviewer()
    first, second = claimed(screened(), moderator), screened()
    decisions.story_escalate(story_id=first.id, user=moderator, version=first.version, note=NOTE)
    note = ReviewNote.objects.get()
    ReviewNote.objects.filter(id=note.id).update(story=second)
    assert ReviewNote.objects.get(id=note.id).text == ""


@pytest.mark.django_db
@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=10_000), bit=st.integers(min_value=0, max_value=7)
)
def test_any_flipped_bit_of_a_ciphertext_reads_as_damaged(position, bit):
    story = Story.objects.filter(id=_flip_story_id()).get()
    sealed = bytearray(
        bytes(Story.objects.filter(id=story.id).values_list("text", flat=True).get())
    )
    original = bytes(sealed)
    sealed[position % len(sealed)] ^= 1 << bit
    Story.objects.filter(id=story.id).update(text=sealing.Sealed(bytes(sealed)))
    try:
        read = Story.objects.get(id=story.id)
        assert read.text == "" and read.text_damaged
    finally:
        Story.objects.filter(id=story.id).update(text=sealing.Sealed(original))


_FLIP = {}


def _flip_story_id():
    alive = _FLIP.get("id")
    if alive is None or not Story.objects.filter(id=alive).exists():
        _FLIP["id"] = received(text="A story whose bits are flipped one at a time.").id
    return _FLIP["id"]


@pytest.mark.django_db
def test_a_flipped_wrapped_key_reads_as_erased_never_as_an_error():
    story = received(text="A story whose wrapped key is changed on disk.")
    wrapped = bytearray(StoryKey.objects.get(story=story).wrapped)
    wrapped[-1] ^= 1
    StoryKey.objects.filter(story=story).update(wrapped=bytes(wrapped))
    assert Story.objects.get(id=story.id).text == ""


@pytest.mark.django_db
def test_the_workspace_says_a_damaged_story_is_damaged_and_shows_no_other_text(
    moderator, verified_client
):
    first, second = (
        screened(text="First: he said he would find me."),
        screened(text="Second: nobody believed me at all."),
    )
    theirs = bytes(Story.objects.filter(id=second.id).values_list("text", flat=True).get())
    Story.objects.filter(id=first.id).update(text=sealing.Sealed(theirs))
    response = verified_client(moderator).get(reverse("moderate:story", args=[first.id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="damaged"' in page
    assert "nobody believed me" not in page


@pytest.mark.django_db
def test_a_story_whose_key_is_gone_reads_as_erased(moderator, verified_client):
    story = screened(text="Its key will be destroyed: he broke my arm.")
    StoryKey.objects.filter(story=story).delete()
    assert Story.objects.get(id=story.id).text == ""
    response = verified_client(moderator).get(reverse("moderate:story", args=[story.id]))
    assert response.status_code == 200 and 'id="damaged"' not in response.content.decode()


# --- reads: only where text is needed --------------------------------------------------------


@pytest.fixture
def opened(monkeypatch):
    calls = []
    real = sealing.open_sealed

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sealing, "open_sealed", counting)
    return calls


@pytest.mark.django_db
def test_the_queue_page_and_its_counts_decrypt_nothing(moderator, verified_client, opened):
    for n in range(5):
        screened(text=f"Waiting story {n}: he threatened me with a knife.")
    screened(held=True, text="A held story: buy cheap watches here now.")
    client = verified_client(moderator)
    opened.clear()
    for path in ("/moderate/", "/moderate/?queue=held", "/moderate/counts/"):
        assert client.get(path).status_code == 200
    assert opened == []
    story = Story.objects.filter(status="pending").first()
    client.get(reverse("moderate:story", args=[story.id]))
    assert opened  # the story page does open its text (the count above can fail)


@pytest.mark.django_db
def test_a_rendered_feed_is_served_without_decrypting_again(client, opened):
    story = wall_factories.published(at=[wall_factories.installation()])
    slug = story.installations.get().slug
    assert story.published_text in client.get(f"/api/v1/wall/{slug}/stories/").content.decode()
    opened.clear()
    for _ in range(3):
        assert client.get(f"/api/v1/wall/{slug}/stories/").status_code == 200
    assert opened == []


# --- the contract: dumpdata shows what the application reads ---------------------------------


@pytest.mark.django_db
def test_dumpdata_shows_a_live_storys_text_and_nothing_of_an_erased_one():
    from testimony.services import story_withdraw

    live = received(text="The live story of the dump: he took my phone.")
    gone = submitted(text="The withdrawn story of the dump: he hit me.")
    assert story_withdraw(receipt=gone.receipt)
    out = io.StringIO()
    call_command("dumpdata", "testimony.Story", stdout=out)
    rows = {row["pk"]: row["fields"] for row in json.loads(out.getvalue())}
    assert rows[str(live.id)]["text"] == "The live story of the dump: he took my phone."
    assert rows[gone.story_id]["text"] == "" and rows[gone.story_id]["published_text"] == ""


# --- no time, no order ------------------------------------------------------------------------


@pytest.mark.django_db
def test_stories_of_one_epoch_share_its_number_and_nonces_are_random():
    stories = [received(text=f"Story {n} told in the same epoch, he shouted.") for n in range(6)]
    epochs = set(StoryKey.objects.filter(story__in=stories).values_list("epoch", flat=True))
    assert len(epochs) == 1  # nothing on a key tells one story's arrival from another's
    sealed = [
        bytes(s)
        for s in Story.objects.filter(id__in=[s.id for s in stories]).values_list("text", flat=True)
    ]
    nonces = {s[1 : 1 + sealing.NONCE] for s in sealed}
    assert len(nonces) == len(sealed)
    again = Story.objects.get(id=stories[0].id)
    again.text = again.text
    again.save()
    assert (
        bytes(Story.objects.filter(id=again.id).values_list("text", flat=True).get()) != sealed[0]
    )


def test_the_key_files_are_written_with_mode_0600(tmp_path):
    store = keystore.FileKeystore(tmp_path)
    epoch = store.create()
    files = list(tmp_path.glob("epoch-*.key"))
    assert [f.stat().st_mode & 0o777 for f in files] == [0o600]
    assert len(store.key(epoch)) == 32
    store.destroy(epoch)
    assert not list(tmp_path.glob("epoch-*")) and store.epochs() == []
    with pytest.raises(keystore.EpochMissing):
        store.key(epoch)


def test_a_destroyed_key_file_is_overwritten_before_it_is_unlinked(tmp_path, monkeypatch):
    store = keystore.FileKeystore(tmp_path)
    epoch = store.create()
    before = store.key(epoch)
    seen = {}
    real_unlink = Path.unlink

    def spy(self, *args, **kwargs):
        seen[self.name] = self.read_bytes()
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", spy)
    store.destroy(epoch)
    (written,) = seen.values()
    assert len(written) == 32 and written != before


def test_the_test_run_has_its_own_keystore(settings):
    assert (
        Path(settings.STORY_KEYSTORE).resolve()
        != (Path(settings.BASE_DIR) / "var" / "keys").resolve()
    )


@pytest.mark.django_db
def test_stories_made_in_bulk_get_their_keys_too():
    import datetime

    made = Story.objects.bulk_create(
        [
            Story(
                text=f"Bulk story {n}: he took my phone away.",
                consent="wall",
                channel="web",
                received_on=datetime.date(2026, 12, 1),
                receipt_key_id="k",
                receipt_hash=f"{n:064d}",
            )
            for n in range(3)
        ]
    )
    assert StoryKey.objects.filter(story__in=made).count() == 3
    texts = sorted(Story.objects.get(id=s.id).text for s in made)
    assert texts == [f"Bulk story {n}: he took my phone away." for n in range(3)]


# --- every erasure reaches every copy ----------------------------------------------------------


def _withdraw(api):
    receipt = tell(api)
    story = next(s for s in Story.objects.all() if s.text == SECRET)
    return story.id, SECRET, lambda: api("/api/v1/receipts/withdraw/", {"receipt": receipt})


def _retain(api):
    import datetime

    from testimony.retention import erase_expired

    story = moderation_factories.screened(SECRET)
    moderation_factories.reject(story, reviewer())
    later = datetime.date.today() + datetime.timedelta(days=365)
    return story.id, SECRET, lambda: erase_expired(today=later)


def _publish(api):
    from django.test import override_settings

    from testimony.wall.publication import publish_due

    calm = "Aigerim-marker-5521 I wrote this down so that other women know they are not alone."
    story = wall_factories.approved(at=[wall_factories.installation()], text=calm)

    def publish():
        with override_settings(WALL_MIN_BATCH=1):
            assert publish_due() == 1

    return story.id, calm, publish


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("erasure", [_withdraw, _retain, _publish], ids=lambda f: f.__name__)
def test_every_erasure_makes_an_earlier_copy_unreadable_with_the_live_keystore(
    api, tmp_path, erasure
):
    story_id, text, erase = erasure(api)
    copy = take_copy(tmp_path)
    assert copy()[str(story_id)] == text  # the copy opens it while it is live
    erase()
    assert copy()[str(story_id)] is None
    assert Story.objects.get(id=story_id).text == ""


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["text", "published_text"])
@pytest.mark.parametrize(
    "lookup", ["exact", "iexact", "contains", "icontains", "startswith", "endswith", "regex"]
)
def test_no_query_can_search_a_sealed_text(column, lookup):
    """A search would be compared with ciphertext and silently match nothing: it is refused."""
    submitted(text="He took my passport and my phone.")
    with pytest.raises(sealing.SealingError, match="sealed"):
        list(Story.objects.filter(**{f"{column}__{lookup}": "He took"}))
    assert Story.objects.filter(**{column: ""}).count() == (column == "published_text")
    assert Story.objects.exclude(**{f"{column}__in": [""]}).count() == (column == "text")
