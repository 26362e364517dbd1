"""TOTP code devices of staff accounts (django-otp): enrolment, reset, verification."""

from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, create: bool = False) -> TOTPDevice | None:
    """The account's TOTP device: the confirmed one, else the one waiting for enrolment."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name="workspace", confirmed=False)
    return device


def totp_reset(*, user) -> TOTPDevice:
    """A new secret waiting for enrolment (a lost phone); the old device stops working."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="workspace", confirmed=False)


def totp_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Is the code right? The first right code confirms a device waiting for enrolment."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True
