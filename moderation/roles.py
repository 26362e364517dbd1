"""The three roles of the workspace, as groups of permissions.

moderator: review, redact, decide. lead: also second reviews, escalated stories, unpublish,
managing moderators, metrics. admin: everything, and the Django admin (installations, help
resources, word lists), so an admin account is a superuser.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

MODERATOR, LEAD, ADMIN = "moderator", "lead", "admin"
ROLES = (MODERATOR, LEAD, ADMIN)

# The permissions, as "app_label.codename" (declared in the models' Meta); moderation.policy
# turns them into decisions about stories, queues and accounts.
REVIEW = "moderation.review_story"
SECOND_REVIEW = "moderation.second_review"
UNPUBLISH = "moderation.unpublish_story"
MANAGE = "moderation.manage_moderators"
METRICS = "moderation.view_metrics"
OPERATE_WALL = "testimony.operate_wall"  # pause switches, screens, reported stories

_MODERATOR_PERMS = [REVIEW]
_LEAD_PERMS = _MODERATOR_PERMS + [SECOND_REVIEW, UNPUBLISH, MANAGE, METRICS, OPERATE_WALL]
ROLE_PERMISSIONS = {MODERATOR: _MODERATOR_PERMS, LEAD: _LEAD_PERMS, ADMIN: _LEAD_PERMS}


def ensure_groups() -> None:
    """Create or refresh the three groups. Idempotent: runs after every migrate."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(codenames))


def _permissions(names: list[str]):
    query = Q(pk__in=[])
    for name in names:
        app, _, codename = name.partition(".")
        query |= Q(content_type__app_label=app, codename=codename)
    return Permission.objects.filter(query)


def role_held(user) -> str:
    """The highest role the account was given, active or not, or "" for none."""
    if not user or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in (ADMIN, LEAD, MODERATOR) if role in names), "")


def role_of(user) -> str:
    """The role an account acts in now: none while it is deactivated."""
    return role_held(user) if user and user.is_authenticated and user.is_active else ""
