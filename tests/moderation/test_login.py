"""The one-step staff login (moderation.login), beyond the pages in test_views.py: what the
check answers a caller, and the address the lockout counts by."""

import pytest
from django_otp.oath import TOTP

from moderation import accounts
from moderation.devices import totp_device, totp_reset
from moderation.login import LoggedIn, staff_client_address, staff_login_check
from testimony.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-1"


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def known(moderator):
    moderator.set_password(PASSWORD)
    moderator.save()
    return moderator


@pytest.fixture
def check(rf):
    def run(user, *, password=PASSWORD, code=None, username=None):
        return staff_login_check(
            request=rf.post("/moderate/login/", REMOTE_ADDR="192.0.2.10"),
            username=user.username if username is None else username,
            password=password,
            code=code_for(totp_device(user)) if code is None else code,
        )

    return run


def test_the_right_password_and_code_give_the_account_and_its_device(check, known):
    done = check(known)
    assert done == LoggedIn(user=known, device=totp_device(known))


def test_the_code_may_be_typed_with_a_space(check, known):
    code = code_for(totp_device(known))
    assert check(known, code=f"{code[:3]} {code[3:]}").user == known


def test_a_wrong_password_is_refused_without_a_wrong_code_event(check, known):
    """A wrong password is axes's to count; the check never says whether the code was right."""
    assert check(known, password="wrong") is None
    assert not AuditEvent.objects.filter(action="otp_failed").exists()


def test_a_wrong_code_is_refused(check, known):
    code = code_for(totp_device(known))
    assert check(known, code=f"{(int(code) + 1) % 1_000_000:06d}") is None


def test_no_code_is_refused(check, known):
    assert check(known, code="") is None


def test_an_unknown_account_is_refused(check, known):
    assert check(known, username="nobody-here") is None


def test_an_account_waiting_for_enrolment_gets_in_to_enrol_only(check, known):
    totp_reset(user=known)  # a lost phone: a new device, not yet confirmed
    done = check(known, code="")
    assert done == LoggedIn(user=known, device=None)


def test_a_deactivated_account_is_refused_even_with_password_and_code(check, known, lead):
    accounts.moderator_update(user=known, actor=lead, active=False)
    known.refresh_from_db()
    assert check(known) is None


def test_a_code_used_for_one_login_does_not_open_another(check, known):
    code = code_for(totp_device(known))
    assert check(known, code=code) is not None
    assert check(known, code=code) is None


# --- The address failures are counted by -------------------------------------------------------


@pytest.mark.parametrize("path", ["/moderate/login/", "/admin/login/", "/api/v1/moderation/queue/"])
def test_a_staff_path_is_counted_by_its_address(rf, path):
    assert staff_client_address(rf.post(path, REMOTE_ADDR="192.0.2.10")) == "192.0.2.10"


def test_behind_trusted_proxies_the_client_address_is_counted(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.post(
        "/moderate/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10"
    )
    assert staff_client_address(request) == "192.0.2.10"


@pytest.mark.parametrize("path", ["/en/tell/", "/api/v1/stories/", "/kk/receipt/", "/"])
def test_a_survivor_path_is_never_counted(rf, path):
    assert staff_client_address(rf.post(path, REMOTE_ADDR="203.0.113.9")) is None


def test_a_staff_request_without_an_address_counts_by_none(rf):
    request = rf.post("/moderate/login/")
    request.META.pop("REMOTE_ADDR", None)
    assert staff_client_address(request) is None
