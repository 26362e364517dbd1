"""Kiosk devices: registered once with a one-time setup code, then known by a device token.

The token names a machine at an installation, never a person. It travels in the
`X-Kiosk-Device` header (never a URL), and only SHA-256 digests of the code and the token
are stored: a copy of the database cannot impersonate a kiosk.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from testimony.models import KioskDevice

HEADER = "X-Kiosk-Device"
# Crockford's base32 without look-alikes: typed by an operator on a touch screen.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12  # 60 bits, valid for an hour, one use, tries rate limited


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_code(code: str) -> str:
    table = str.maketrans({"O": "0", "I": "1", "L": "1"})
    return "".join(ch for ch in code.upper().translate(table) if ch in _CODE_ALPHABET)


def kiosk_setup_code_issue(*, device: KioskDevice) -> str:
    """A new one-time setup code for this device, shown to the admin once."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    device.setup_code_hash = _digest(raw)
    device.setup_code_expires = timezone.now() + datetime.timedelta(
        seconds=settings.KIOSK_SETUP_CODE_SECONDS
    )
    device.save(update_fields=["setup_code_hash", "setup_code_expires"])
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


@dataclass(frozen=True)
class Registered:
    device: KioskDevice
    token: str


@transaction.atomic
def kiosk_register(*, code: str) -> Registered | None:
    """Trade a valid setup code for a device token. The code works once; a previous token
    of the same device stops working."""
    digest = _digest(normalize_code(code))
    device = (
        KioskDevice.objects.select_for_update()
        .filter(setup_code_hash=digest, revoked=False, setup_code_expires__gt=timezone.now())
        .select_related("installation")
        .first()
    )
    if device is None:
        return None
    token = secrets.token_urlsafe(32)
    device.token_hash = _digest(token)
    device.setup_code_hash = ""
    device.setup_code_expires = None
    device.registered_on = timezone.localdate()
    device.save()
    return Registered(device=device, token=token)


def kiosk_device(*, token: str) -> KioskDevice | None:
    """The registered, unrevoked device this token belongs to."""
    if not token or len(token) > 200:
        return None
    return (
        KioskDevice.objects.filter(token_hash=_digest(token), revoked=False)
        .select_related("installation")
        .first()
    )


def kiosk_revoke(*, device: KioskDevice) -> None:
    device.revoked = True
    device.token_hash = ""
    device.setup_code_hash = ""
    device.setup_code_expires = None
    device.save()
