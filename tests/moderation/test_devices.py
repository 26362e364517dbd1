"""TOTP code devices of staff accounts (moderation.devices): enrolment, reset, verification.

The enrolment and login pages are in test_views.py; here, what the device functions promise.
"""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.accounts import moderator_create
from moderation.devices import totp_confirm, totp_device, totp_reset

pytestmark = pytest.mark.django_db


def code_for(device, steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps * device.step
    return f"{totp.token():06d}"


def wrong_code(device) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


@pytest.fixture
def waiting(db):
    """A new account, its device waiting for enrolment (as moderator_create leaves it)."""
    return moderator_create(username="dana", role="moderator").user


def test_a_new_account_has_a_device_waiting_for_enrolment(waiting):
    device = totp_device(waiting)
    assert device is not None and not device.confirmed


def test_an_account_without_a_device_has_none_until_one_is_asked_for(waiting):
    TOTPDevice.objects.filter(user=waiting).delete()
    assert totp_device(waiting) is None
    made = totp_device(waiting, create=True)
    assert made is not None and not made.confirmed
    assert totp_device(waiting) == made


def test_asking_twice_makes_one_device(waiting):
    first = totp_device(waiting, create=True)
    assert totp_device(waiting, create=True) == first
    assert TOTPDevice.objects.filter(user=waiting).count() == 1


def test_the_confirmed_device_is_the_one_used_whichever_came_first(waiting):
    """An admin may have added a second device in the Django admin: the one in use wins."""
    confirmed = TOTPDevice.objects.create(user=waiting, name="added in the admin", confirmed=True)
    assert totp_device(waiting) == confirmed


# --- Confirmation -----------------------------------------------------------------------------


def test_the_first_right_code_enrols_the_device(waiting):
    device = totp_device(waiting)
    assert totp_confirm(device=device, token=code_for(device)) is True
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_does_not_enrol_the_device(waiting):
    device = totp_device(waiting)
    assert totp_confirm(device=device, token=wrong_code(device)) is False
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.parametrize("spacing", ["{a} {b}", " {a}{b} ", "{a}  {b}", "{a}{b}\n"])
def test_a_code_typed_with_spaces_is_accepted(waiting, spacing):
    device = totp_device(waiting)
    code = code_for(device)
    assert totp_confirm(device=device, token=spacing.format(a=code[:3], b=code[3:])) is True


@pytest.mark.parametrize("token", ["", "   ", "abcdef", "12345", "1234567"])
def test_garbage_is_not_a_code(waiting, token):
    device = totp_device(waiting)
    assert totp_confirm(device=device, token=token) is False


def test_a_code_works_once(moderator):
    """A code seen over her shoulder is no use once she has logged in with it."""
    device = totp_device(moderator)
    code = code_for(device)
    assert totp_confirm(device=device, token=code) is True
    assert totp_confirm(device=device, token=code) is False


def test_a_code_from_long_ago_does_not_work(moderator):
    device = totp_device(moderator)
    assert totp_confirm(device=device, token=code_for(device, steps=-10)) is False


def test_a_wrong_code_keeps_a_confirmed_device_confirmed(moderator):
    device = totp_device(moderator)
    totp_confirm(device=device, token=wrong_code(device))
    device.refresh_from_db()
    assert device.confirmed


def test_wrong_codes_never_lock_the_device_itself(moderator):
    """The lockout counts per address and account (test_views.py); the device has no throttle
    that someone with her password could use to lock her out."""
    device = totp_device(moderator)
    for _ in range(20):
        totp_confirm(device=device, token=wrong_code(device))
    assert totp_confirm(device=device, token=code_for(device)) is True


# --- Reset (a lost phone) ---------------------------------------------------------------------


def test_a_reset_makes_a_new_device_waiting_for_enrolment(moderator):
    old = totp_device(moderator)
    new = totp_reset(user=moderator)
    assert new.pk != old.pk and not new.confirmed
    assert totp_device(moderator) == new


def test_after_a_reset_the_old_device_is_gone(moderator):
    old = totp_device(moderator)
    totp_reset(user=moderator)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=moderator).count() == 1


def test_after_a_reset_the_lost_phones_codes_stop_working(moderator):
    lost_phone = totp_device(moderator)
    new = totp_reset(user=moderator)
    assert new.key != lost_phone.key
    assert totp_confirm(device=new, token=code_for(lost_phone)) is False
    new.refresh_from_db()
    assert not new.confirmed


def test_after_a_reset_the_new_phones_code_enrols_it(moderator):
    new = totp_reset(user=moderator)
    assert totp_confirm(device=new, token=code_for(new)) is True
    new.refresh_from_db()
    assert new.confirmed


def test_a_reset_leaves_other_accounts_devices_alone(moderator, lead):
    theirs = totp_device(lead)
    totp_reset(user=moderator)
    assert totp_device(lead) == theirs and theirs.confirmed
