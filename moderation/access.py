"""Who may enter the workspace: the login, TOTP devices, lockouts, API tokens, the login trail.

Staff requests keep their address (testimony.anonymize strips it only on survivor paths);
axes counts failed logins per address and account in the cache, never in a table. The login
asks for the password and the code together and answers every failure in the same words, so
it never confirms a password on its own; a wrong code counts toward the lockout like a wrong
password. Deactivating an account ends every session and API token it had.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from testimony.anonymize import client_address, is_staff_path
from testimony.models import AuditEvent

LOCKED_OUT = _("Too many failed attempts. Please wait an hour, or ask a lead to help you.")
WRONG_LOGIN = _("The username, password or code is not right.")


def staff_client_address(request) -> str | None:
    """The address axes counts failures by: a staff path's only (survivors' are never seen)."""
    if not is_staff_path(request.path_info if hasattr(request, "path_info") else request.path):
        return None
    return client_address(request.META) or None


def locked_out(request, original_response=None, credentials=None):
    return render(
        request, "moderate/login.html", {"problem": LOCKED_OUT, "locked": True}, status=403
    )


def audit_event(*, action: str, actor=None, subject: str = "", reason: str = "") -> AuditEvent:
    """An event that names no story: it carries its exact time."""
    return AuditEvent.objects.create(
        action=action, actor=actor, subject=subject[:150], reason=reason, at=timezone.now()
    )


# --- The login: password and code in one step -------------------------------------------------
@dataclass(frozen=True)
class LoggedIn:
    user: object
    device: TOTPDevice | None  # None: the account has no confirmed device yet, it enrols next


def staff_login_check(*, request, username: str, password: str, code: str) -> LoggedIn | None:
    """The account, if the password and the code are right; None for any failure.

    A locked-out account is refused by axes inside `authenticate`, before the password is
    even compared. A wrong code is reported as a failed login, so axes counts it.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    device = totp_device(user)
    if device is None or not device.confirmed:
        return LoggedIn(user=user, device=None)
    if totp_confirm(device=device, token=code or ""):
        return LoggedIn(user=user, device=device)
    audit_event(action="otp_failed", actor=user, subject=user.get_username())
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return None


# --- TOTP -------------------------------------------------------------------------------------
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
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


# --- API tokens -------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedToken:
    token: str
    expiry: object


def api_token_issue(*, user, via: str) -> IssuedToken:
    """A new API token for the account: only its hash is stored; it expires by itself."""
    ttl: timedelta = settings.REST_KNOX["TOKEN_TTL"]
    with transaction.atomic():
        instance, token = AuthToken.objects.create(user=user, expiry=ttl)
        audit_event(action="token_issued", actor=user, subject=user.get_username(), reason=via)
    return IssuedToken(token=token, expiry=instance.expiry)


def api_tokens_revoke(*, user, actor=None) -> int:
    with transaction.atomic():
        count, _ = AuthToken.objects.filter(user=user).delete()
        audit_event(action="tokens_revoked", actor=actor or user, subject=user.get_username())
    return count


def sessions_end(*, user) -> int:
    """Log the account out everywhere. Only staff have sessions: survivors never get one."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _deactivated(sender, instance, **kwargs):
    """However an account is deactivated (the team page, the admin, a command), its sessions
    and API tokens end with it, so reactivating it later revives neither."""
    if instance.pk is None or instance.is_active:
        return
    # In the same transaction: should the change roll back, so does the revocation.
    sessions_end(user=instance)
    AuthToken.objects.filter(user=instance).delete()


# --- The login trail: exact times, since these events name no story ---------------------------
def _logged_in(sender, request, user, **kwargs):
    audit_event(action="login", actor=user, subject=user.get_username())


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_event(action="logout", actor=user, subject=user.get_username())


def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None or not is_staff_path(request.path_info):
        return
    name = str(credentials.get("username", ""))
    known = get_user_model().objects.filter(username=name).first()
    audit_event(action="login_failed", actor=known, subject=name)


def _admin_changed(sender, instance, created, **kwargs):
    """A change made in the Django admin (installations, help resources, word lists...).

    The subject names the kind of object only, never its id: should it be a story, the
    event would otherwise tie a story to an exact time.
    """
    if not created:
        return
    content_type = instance.content_type
    kind = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    action = {1: "admin_added", 2: "admin_changed", 3: "admin_deleted"}.get(instance.action_flag)
    audit_event(action=action or "admin_action", actor=instance.user, subject=kind)


def connect() -> None:
    from django.contrib.admin.models import LogEntry
    from django.db.models.signals import post_save

    post_save.connect(_admin_changed, sender=LogEntry, dispatch_uid="moderation-admin-audit")
    post_save.connect(
        _deactivated, sender=get_user_model(), dispatch_uid="moderation-deactivation-revokes"
    )
    user_logged_in.connect(_logged_in, dispatch_uid="moderation-login-audit")
    user_logged_out.connect(_logged_out, dispatch_uid="moderation-logout-audit")
    user_login_failed.connect(_login_failed, dispatch_uid="moderation-login-failed-audit")
