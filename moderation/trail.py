"""The staff trail in the audit log: logins, logouts, failed logins, changes in the Django
admin, and deactivations that end sessions and tokens. Connected once, in the app's ready().

These events name no story, so they carry their exact time (testimony.audit).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from moderation import tokens
from testimony.anonymize import is_staff_path
from testimony.audit import audit_record
from testimony.models import AuditAction

_ADMIN_ACTIONS = {
    1: AuditAction.ADMIN_ADDED,
    2: AuditAction.ADMIN_CHANGED,
    3: AuditAction.ADMIN_DELETED,
}


def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, subject=user.get_username())


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, subject=user.get_username())


def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None or not is_staff_path(request.path_info):
        return
    name = str(credentials.get("username", ""))
    known = get_user_model().objects.filter(username=name).first()
    audit_record(action=AuditAction.LOGIN_FAILED, actor=known, subject=name)


def _admin_changed(sender, instance, created, **kwargs):
    """A change made in the Django admin (installations, help resources, word lists...).

    The subject names the kind of object only, never its id: should it be a story, the
    event would otherwise tie a story to an exact time.
    """
    if not created or instance.action_flag not in _ADMIN_ACTIONS:
        return
    content_type = instance.content_type
    kind = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    audit_record(action=_ADMIN_ACTIONS[instance.action_flag], actor=instance.user, subject=kind)


def connect() -> None:
    from django.contrib.admin.models import LogEntry
    from django.db.models.signals import post_save

    post_save.connect(_admin_changed, sender=LogEntry, dispatch_uid="moderation-admin-audit")
    post_save.connect(
        tokens.deactivated, sender=get_user_model(), dispatch_uid="moderation-deactivation"
    )
    user_logged_in.connect(_logged_in, dispatch_uid="moderation-login-audit")
    user_logged_out.connect(_logged_out, dispatch_uid="moderation-logout-audit")
    user_login_failed.connect(_login_failed, dispatch_uid="moderation-login-failed-audit")
