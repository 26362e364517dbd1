"""Stories' data keys: made at intake, wrapped under the epoch's key, rotated, destroyed.

Erasure destroys the key: deleting a story's StoryKey row (story_erase_derived deletes every row
that points at the story) makes every copy of its ciphertext unreadable with the live keystore:
heap pages, WAL, replicas, backups. Rotation re-wraps every live data key under a new epoch's key
and then destroys the older epochs' keys, so a backup taken before it reads nothing at all.

Rotation and new keys never race: a new key is wrapped under the newest epoch while holding a
shared lock (PostgreSQL advisory lock; SQLite's write lock), and rotation takes that lock
exclusively for its last pass, so no key wrapped under an old epoch can appear after the pass.
"""

import fcntl
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Count
from django.db.models.signals import post_save

from testimony import keystore as ks
from testimony import sealing

log = logging.getLogger(__name__)
_ADVISORY = 0x756E746F6C64  # "untold": the lock between new keys and rotation's last pass


def _model():
    from testimony.models import StoryKey

    return StoryKey


# --- reading and writing one story's key ------------------------------------------------------


def _unwrap(story_id, epoch: int, wrapped: bytes) -> bytes | None:
    try:
        return ks.keystore().unwrap(epoch, bytes(wrapped), sealing.key_aad(story_id, epoch))
    except ks.EpochMissing:
        return None  # its epoch was destroyed: the story reads as erased
    except sealing.InvalidTag:
        return None


def data_key_of(instance, story_id) -> bytes | None:
    """The story's data key, or None if it has none (erased). Cached on the instance."""
    cached = instance.__dict__.get("_data_key")
    if cached and cached[0] == str(story_id):
        return cached[1]
    joined = instance._state.fields_cache.get("sealing_key", False)  # select_related
    if joined is not False:
        row = (joined.epoch, joined.wrapped) if joined is not None else None
    else:
        row = (
            _model()
            .objects.using(instance._state.db or "default")
            .filter(story_id=story_id)
            .values_list("epoch", "wrapped")
            .first()
        )
    key = _unwrap(story_id, *row) if row else None
    if key is not None:
        instance.__dict__["_data_key"] = (str(story_id), key)
    return key


def data_key_for_write(instance, story_id, *, new: bool) -> bytes:
    """The key to seal a text with: a fresh one for a story being created, else its own."""
    if new and "_data_key" not in instance.__dict__:
        story_rekey(story=instance)
    key = data_key_of(instance, story_id)
    if key is None:
        raise sealing.SealingError(f"story {story_id} has no key (erased): nothing is written")
    return key


def story_rekey(*, story) -> None:
    """Give the story a new data key, stored when the story is next saved (e.g. at publication,
    after the original text and its old key were erased, for the published text alone)."""
    key = sealing.new_data_key()
    story.__dict__["_data_key"] = (str(story.pk), key)
    story.__dict__["_data_key_new"] = key


def _store_new_key(sender, instance, using, created=False, **kwargs) -> None:
    key = instance.__dict__.pop("_data_key_new", None)
    if key is None:
        return
    with transaction.atomic(using=using, savepoint=False):  # Story.save's transaction
        _share_epoch_lock(using)
        epoch = newest_epoch(using=using)
        wrapped = ks.keystore().wrap(epoch, key, sealing.key_aad(instance.pk, epoch))
        keys = _model().objects.using(using)
        if created:  # a story just inserted has no key row yet: no lookup first
            keys.create(story_id=instance.pk, epoch=epoch, wrapped=wrapped)
        else:
            keys.update_or_create(
                story_id=instance.pk, defaults={"epoch": epoch, "wrapped": wrapped}
            )


def store_new_keys(stories, *, using: str) -> None:
    """After a bulk_create (which sends no post_save): store the new stories' keys."""
    for story in stories:
        _store_new_key(type(story), story, using)


def connect() -> None:
    from testimony.models import Story

    post_save.connect(_store_new_key, sender=Story, dispatch_uid="untold-story-key", weak=False)


def _share_epoch_lock(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_ADVISORY])
    # SQLite: the story's INSERT already holds the database's one write lock.


def _exclusive_epoch_lock(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY])
        else:  # transaction_mode IMMEDIATE: the atomic block holds the write lock; make sure
            cursor.execute("UPDATE testimony_storykey SET epoch = epoch WHERE 0 = 1")


def newest_epoch(*, using: str = "default") -> int:
    """The epoch new keys are wrapped under. The first epoch is made only over a database with
    no keys (keystore_ready): never a fresh key over a keystore that has gone missing."""
    store = ks.keystore()
    epochs = store.epochs()
    if not epochs:
        keystore_ready(create_directory=settings.EMBEDDED, using=using)
        epochs = store.epochs()
    return epochs[-1]


def open_column(rows: list[dict], *, model, column: str, id_key: str = "id") -> None:
    """Open one sealed column of rows read with .values(), in place, with one key query."""
    field = model._meta.get_field(column)
    sealed = [row for row in rows if isinstance(row[column], sealing.Sealed)]
    if not sealed:
        return
    ids = {row[id_key] for row in sealed}
    found = _model().objects.filter(story_id__in=ids).values_list("story_id", "epoch", "wrapped")
    keys = {story_id: _unwrap(story_id, epoch, wrapped) for story_id, epoch, wrapped in found}
    for row in sealed:
        key = keys.get(row[id_key])
        try:
            text = sealing.open_sealed(
                key, row[column], sealing.aad(row[id_key], field.column_label)
            )
        except (sealing.InvalidTag, TypeError, ValueError):
            text = ""
        row[column] = text if key else ""


# --- start-up ---------------------------------------------------------------------------------


def keystore_ready(*, create_directory: bool = False, using: str = "default") -> None:
    """Raise KeystoreUnavailable unless every epoch the database's keys need is readable.

    Over a database with no keys yet (a first start), make the keystore's first epoch, and
    (embedded mode, tests) the directory too. Writes nothing when it refuses.
    """
    store = ks.keystore()
    try:
        needed = set(_model().objects.using(using).values_list("epoch", flat=True).distinct())
    except DatabaseError:  # not migrated yet: nothing is encrypted
        connections[using].close()
        needed = set()
    if not store.available():
        if needed:
            raise ks.KeystoreUnavailable(ks.unavailable_message(settings.STORY_KEYSTORE))
        if not create_directory:
            raise ks.KeystoreUnavailable(ks.not_mounted_message(settings.STORY_KEYSTORE))
        Path(settings.STORY_KEYSTORE).mkdir(parents=True, mode=0o700, exist_ok=True)
    for epoch in needed:
        if not store.readable(epoch):
            raise ks.KeystoreUnavailable(
                ks.unavailable_message(settings.STORY_KEYSTORE) + f" (epoch {epoch} is missing)"
            )
    if not store.epochs():
        try:
            store.create()
        except FileExistsError:
            # Another process starting at the same time (gunicorn's workers, the worker) made
            # the first epoch between the look and the write: that one is the first epoch.
            if not store.epochs():
                raise


# --- rotation and destruction -----------------------------------------------------------------


@dataclass(frozen=True)
class Rotated:
    epoch: int
    rewrapped: int
    unreadable: int
    destroyed: list[int]


@contextmanager
def _one_rotation():
    """One rotation at a time per keystore (a lock file beside the keys)."""
    path = Path(settings.STORY_KEYSTORE) / ".rotation.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _rewrap_batch(rows, epoch: int, store) -> tuple[list, list]:
    """rows: (story_id, epoch, wrapped). Returns the re-wrapped rows and the unreadable ids."""
    keep, lost = [], []
    for story_id, old_epoch, wrapped in rows:
        key = _unwrap(story_id, old_epoch, wrapped)
        if key is None:
            lost.append(story_id)
            continue
        keep.append((story_id, store.wrap(epoch, key, sealing.key_aad(story_id, epoch))))
    return keep, lost


def _write_batch(keep: list, lost: list, epoch: int, using: str) -> None:
    connection = connections[using]
    table = connection.ops.quote_name(_model()._meta.db_table)
    with connection.cursor() as cursor:
        if keep and connection.vendor == "postgresql":
            # One statement joined to the batch's values (bulk_update's CASE is quadratic).
            values = ", ".join(["(%s::uuid, %s::bytea)"] * len(keep))
            cursor.execute(
                f"UPDATE {table} AS k SET epoch = %s, wrapped = v.wrapped"
                f" FROM (VALUES {values}) AS v(story_id, wrapped) WHERE k.story_id = v.story_id",
                [epoch, *(item for row in keep for item in row)],
            )
        elif keep:
            field = _model()._meta.get_field("story")
            cursor.executemany(
                f"UPDATE {table} SET epoch = %s, wrapped = %s WHERE story_id = %s",
                [(epoch, wrapped, field.get_db_prep_value(story_id, connection))
                 for story_id, wrapped in keep],
            )  # fmt: skip
    if lost:
        _model().objects.using(using).filter(story_id__in=lost).delete()


def keys_rotate(*, batch: int = 2000, using: str = "default") -> Rotated:
    """Make a new epoch, re-wrap every live data key under it, destroy every older epoch.

    Batches in short transactions that lock only their own key rows: the story table is never
    touched, so intake and screening go on. Idempotent: an interrupted run leaves old epochs
    that the next run re-wraps and destroys.
    """
    StoryKey = _model()
    store = ks.keystore()
    keystore_ready(using=using)
    columns = ("story_id", "epoch", "wrapped")
    with _one_rotation():
        epoch = store.create()
        rewrapped = unreadable = 0
        after = None
        while True:
            with transaction.atomic(using=using):
                query = StoryKey.objects.using(using).select_for_update().filter(epoch__lt=epoch)
                if after is not None:
                    query = query.filter(story_id__gt=after)
                rows = list(query.order_by("story_id").values_list(*columns)[:batch])
                if not rows:
                    break
                keep, lost = _rewrap_batch(rows, epoch, store)
                _write_batch(keep, lost, epoch, using)
                rewrapped += len(keep)
                unreadable += len(lost)
                after = rows[-1][0]
        # The last pass: keys made by writers that read the old epoch before it was replaced.
        with transaction.atomic(using=using):
            _exclusive_epoch_lock(using)
            while rows := list(
                StoryKey.objects.using(using)
                .select_for_update()
                .filter(epoch__lt=epoch)
                .values_list(*columns)[:batch]
            ):
                keep, lost = _rewrap_batch(rows, epoch, store)
                _write_batch(keep, lost, epoch, using)
                rewrapped += len(keep)
                unreadable += len(lost)
        destroyed = [old for old in store.epochs() if old < epoch]
        for old in destroyed:
            store.destroy(old)
    if unreadable:
        log.warning("key rotation: %d keys of destroyed epochs were deleted", unreadable)
    return Rotated(epoch=epoch, rewrapped=rewrapped, unreadable=unreadable, destroyed=destroyed)


_REQUESTED = "untold:keys:rotation-requested"


def rotation_request() -> None:
    """Rotate soon (after an erasure). Requests made while one waits are the same rotation."""
    from django.core.cache import cache

    from testimony.tasks import rotate_keys

    # The mark expires: a request whose task was lost never blocks the next erasure's.
    if cache.add(_REQUESTED, 1, timeout=int(min(settings.STORY_KEY_EPOCH_SECONDS, 900))):
        rotate_keys.delay(requested=True)


def rotation_requested_clear() -> None:
    from django.core.cache import cache

    cache.delete(_REQUESTED)


def rotation_due() -> bool:
    import time

    store = ks.keystore()
    epochs = store.epochs()
    if not epochs or not store.available():
        return True
    made = (Path(settings.STORY_KEYSTORE) / f"epoch-{epochs[-1]:06d}.key").stat().st_mtime
    # A little early rather than a little late: beat's own interval wobbles.
    return time.time() - made >= settings.STORY_KEY_EPOCH_SECONDS * 0.95


def keys_destroy_all(*, using: str = "default") -> Rotated:
    """The emergency: every story not on the wall becomes unreadable, in every copy of the
    database, now. Published stories keep their keys (the wall is public) under a new epoch;
    every other key, every older epoch, and every moderator's note go."""
    from django.apps import apps

    from testimony.models import Status, Story

    with transaction.atomic(using=using):
        _model().objects.using(using).exclude(story__status=Status.PUBLISHED).delete()
        Story.objects.using(using).exclude(status=Status.PUBLISHED).update(
            text="", published_text=""
        )
        for model in apps.get_models():
            sealed = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, sealing.SealedTextField) and f.story_attr == "story_id"
            ]
            if sealed:
                model._default_manager.using(using).exclude(story__status=Status.PUBLISHED).delete()
    return keys_rotate(using=using)


@dataclass(frozen=True)
class EpochStatus:
    epoch: int
    keys: int
    present: bool


def keys_status(*, using: str = "default") -> list[EpochStatus]:
    """Every epoch in the keystore or named by a key, with how many data keys it wraps."""
    counts = dict(
        _model()
        .objects.using(using)
        .values_list("epoch")
        .annotate(n=Count("story_id"))
        .values_list("epoch", "n")
    )
    present = set(ks.keystore().epochs())
    return [
        EpochStatus(epoch=e, keys=counts.get(e, 0), present=e in present)
        for e in sorted(present | set(counts))
    ]


# --- the data migration of plain-text rows ----------------------------------------------------


def seal_plain_rows(
    *, model, StoryKey, story_attr: str, columns: dict[str, str], using: str, batch: int = 500
) -> int:
    """Seal a model's plain-text columns ({plain: sealed column}) and empty the plain ones.

    For the migrations (historical models): batched, each batch its own transaction, and
    idempotent (a sealed row has empty plain columns, so a second run finds nothing).
    """
    from django.db.models import Q

    waiting = Q()
    for plain in columns:
        waiting |= ~Q(**{plain: ""})
    if not model.objects.using(using).filter(waiting).exists():
        return 0
    keystore_ready(create_directory=True, using=using)
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    done = 0
    while True:
        with transaction.atomic(using=using):
            rows = list(model.objects.using(using).filter(waiting).order_by("pk")[:batch])
            if not rows:
                return done
            for row in rows:
                story_id = getattr(row, story_attr)
                key = _migration_key(StoryKey, story_id, using)
                for plain, sealed in columns.items():
                    text = getattr(row, plain)
                    setattr(
                        row,
                        sealed,
                        sealing.seal(key, text, sealing.aad(story_id, f"{label}.{plain}"))
                        if text
                        else b"",
                    )
                    setattr(row, plain, "")
            model.objects.using(using).bulk_update(rows, [*columns, *columns.values()])
            done += len(rows)


def _migration_key(StoryKey, story_id, using: str) -> bytes:
    row = StoryKey.objects.using(using).filter(story_id=story_id).first()
    if row is not None:
        key = _unwrap(story_id, row.epoch, row.wrapped)
        if key is None:
            raise ks.KeystoreUnavailable(ks.unavailable_message(settings.STORY_KEYSTORE))
        return key
    key = sealing.new_data_key()
    epoch = newest_epoch(using=using)
    wrapped = ks.keystore().wrap(epoch, key, sealing.key_aad(story_id, epoch))
    StoryKey.objects.using(using).create(story_id=story_id, epoch=epoch, wrapped=wrapped)
    return key
