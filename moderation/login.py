"""The workspace's login: password and TOTP code in one step, and the lockout.

The login answers every failure in the same words, so it never confirms a password on its
own; a wrong code is reported as a failed login, so django-axes counts it toward the lockout
like a wrong password (per address and account, in the cache, never in a table). Staff
requests keep their address (testimony.anonymize strips it only on survivor paths).
"""

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from moderation.devices import totp_confirm, totp_device
from testimony.anonymize import client_address, is_staff_path
from testimony.audit import audit_record
from testimony.models import AuditAction

LOCKED_OUT = _("Too many failed attempts. Please wait an hour, or ask a lead to help you.")
WRONG_LOGIN = _("The username, password or code is not right.")


@dataclass(frozen=True)
class LoggedIn:
    user: object
    device: TOTPDevice | None  # None: the account has no confirmed device yet, it enrols next


def staff_login_check(*, request, username: str, password: str, code: str) -> LoggedIn | None:
    """The account, if the password and the code are right; None for any failure.

    A locked-out account is refused by axes inside `authenticate`, before the password is
    even compared.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    device = totp_device(user)
    if device is None or not device.confirmed:
        return LoggedIn(user=user, device=None)
    if totp_confirm(device=device, token=code or ""):
        return LoggedIn(user=user, device=device)
    audit_record(action=AuditAction.OTP_FAILED, actor=user, subject=user.get_username())
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return None


def staff_client_address(request) -> str | None:
    """The address axes counts failures by: a staff path's only (survivors' are never seen)."""
    if not is_staff_path(request.path_info if hasattr(request, "path_info") else request.path):
        return None
    return client_address(request.META) or None


def locked_out(request, original_response=None, credentials=None):
    return render(
        request, "moderate/login.html", {"problem": LOCKED_OUT, "locked": True}, status=403
    )
