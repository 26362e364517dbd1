"""The installations' screens: each loads the wall page, which issues it a signed id, and says
it is alive with that id; a lead sees when each was last seen. A screen's id names a machine,
never a person."""

import datetime
import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from testimony.models import Installation, Screen

_SCREEN_SALT = "untold.wall.screen:"
_SCREEN_ID = re.compile(r"[0-9a-f]{16}")


def _screen_signer(slug: str) -> signing.Signer:
    # Salted per installation: an id issued for one installation is refused by every other.
    return signing.Signer(salt=_SCREEN_SALT + slug)


def screen_id_issue(*, slug: str) -> str:
    """A screen id for a screen that loads this installation's wall page: 64 random bits,
    signed for this installation. It names a machine: no time, nothing about a person."""
    return _screen_signer(slug).sign(secrets.token_hex(8))


def screen_id_verify(*, slug: str, signed: str) -> str | None:
    """The random id inside a screen id this installation issued; None for any other."""
    if not isinstance(signed, str) or len(signed) > 200:
        return None
    try:
        screen_id = _screen_signer(slug).unsign(signed)
    except signing.BadSignature:
        return None
    return screen_id if _SCREEN_ID.fullmatch(screen_id) else None


def screen_seen(*, installation_id: int, screen_id: str) -> bool:
    """A screen says it is alive. Its id is random and its own; it names a machine.

    The id is the random part of one the wall page issued (screen_id_issue), checked by the
    heartbeat (screen_id_verify): made-up ids never reach this table.

    At most WALL_MAX_SCREENS screens per installation are tracked, so a flood of made-up ids
    cannot grow the table; screens unseen for a week are forgotten.
    """
    if not screen_id.isalnum() or not 8 <= len(screen_id) <= 32:
        return False
    now = timezone.now()
    # One write per screen per minute at most, however often it polls.
    if not cache.add(f"wall:seen:{installation_id}:{screen_id}", 1, timeout=60):
        return True
    if Screen.objects.filter(installation_id=installation_id, screen_id=screen_id).update(
        last_seen=now
    ):
        return True
    Screen.objects.filter(last_seen__lt=now - datetime.timedelta(days=7)).delete()
    if Screen.objects.filter(installation_id=installation_id).count() >= settings.WALL_MAX_SCREENS:
        return False
    try:
        with transaction.atomic():
            Screen.objects.create(
                installation_id=installation_id, screen_id=screen_id, last_seen=now
            )
    except IntegrityError:
        pass
    return True


def screens_by_installation() -> list[tuple[Installation, list[Screen]]]:
    """For the lead's overview: each installation and when each of its screens was last seen."""
    screens: dict[int, list[Screen]] = {}
    for screen in Screen.objects.order_by("-last_seen"):
        screens.setdefault(screen.installation_id, []).append(screen)
    return [(i, screens.get(i.id, [])) for i in Installation.objects.order_by("name")]
