"""The pause switches a lead turns: intake (no story is taken) and the walls (every screen
shows an invitation and the helplines). One row, read through a short-lived cache.

They sit below both intake and the wall package, which each read the switch they obey.
"""

import time

from django.core.cache import cache
from django.db import transaction

from testimony.audit import audit_record
from testimony.models import AuditAction, Switches
from testimony.signals import walls_changed

SWITCHES_KEY = "wall:switches"

_SWITCHED = {
    ("walls_paused", True): AuditAction.WALLS_PAUSED,
    ("walls_paused", False): AuditAction.WALLS_RESUMED,
    ("intake_paused", True): AuditAction.INTAKE_PAUSED,
    ("intake_paused", False): AuditAction.INTAKE_RESUMED,
}


# What this process last read, and when: every story told read the cache for it (a seventh of
# intake's time), so a process keeps it a second; a switch turned elsewhere takes a second more.
_HELD_SECONDS = 1.0
_held: tuple[tuple[bool, bool], float] | None = None


def switches() -> Switches:
    """The one row of pause switches (cached briefly; a change refreshes the cache on commit)."""
    global _held
    now = time.monotonic()
    if _held is not None and now - _held[1] < _HELD_SECONDS:
        values = _held[0]
        return Switches(id=1, walls_paused=values[0], intake_paused=values[1])
    cached = cache.get(SWITCHES_KEY)
    if cached is not None:
        _held = (tuple(cached), now)
        return Switches(id=1, walls_paused=cached[0], intake_paused=cached[1])
    row = Switches.objects.filter(id=1).first() or Switches(id=1)
    cache.add(SWITCHES_KEY, (row.walls_paused, row.intake_paused), timeout=60)
    _held = ((row.walls_paused, row.intake_paused), now)
    return row


def forget() -> None:
    """Read the switches again at the next question (a switch turned here, a new test)."""
    global _held
    _held = None


def intake_paused() -> bool:
    return switches().intake_paused


def walls_paused() -> bool:
    return switches().walls_paused


@transaction.atomic
def switches_set(*, actor, walls_paused: bool | None = None, intake_paused: bool | None = None):
    """A lead pauses or resumes all walls, or intake. Takes effect on the next poll."""
    row, _ = Switches.objects.select_for_update().get_or_create(id=1)
    changes = {}
    if walls_paused is not None and walls_paused != row.walls_paused:
        changes["walls_paused"] = walls_paused
    if intake_paused is not None and intake_paused != row.intake_paused:
        changes["intake_paused"] = intake_paused
    if not changes:
        return row
    for name, value in changes.items():
        setattr(row, name, value)
        audit_record(action=_SWITCHED[name, value], actor=actor)
    row.save()
    values = (row.walls_paused, row.intake_paused)
    cache.delete(SWITCHES_KEY)
    forget()

    def publish() -> None:
        cache.set(SWITCHES_KEY, values, timeout=60)
        forget()

    transaction.on_commit(publish)
    if "walls_paused" in changes:
        walls_changed.send(sender=Switches, installation_ids=None)
    return row
