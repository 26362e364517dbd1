"""Who may do what, to which story, queue or account: the one answer every surface asks.

The workspace's views, the API and the services all call `require` (or `may`), so an entry
point that forgets to ask is still refused by the service beneath it. A role is a group of
permissions (moderation.roles); this module turns those permissions into decisions about
objects: a story escalated or waiting for its second approval is kept for leads, a lead
manages moderators and only an admin manages leads and admins.
"""

from enum import StrEnum
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from moderation.errors import Forbidden
from moderation.models import Queue
from moderation.roles import (
    ADMIN,
    LEAD,
    MANAGE,
    METRICS,
    OPERATE_WALL,
    REVIEW,
    SECOND_REVIEW,
    UNPUBLISH,
    role_held,
)


class Action(StrEnum):
    SEE_QUEUE = "see_queue"
    # A story under review. Opening it claims it.
    OPEN = "open"
    REDACT = "redact"
    APPROVE = "approve"
    REJECT = "reject"
    ESCALATE = "escalate"
    RELEASE = "release"
    MARK_URGENCY = "mark_urgency"
    REJECT_CLUSTER = "reject_cluster"
    # Stories on the wall and the walls themselves.
    UNPUBLISH = "unpublish"
    OPERATE_WALL = "operate_wall"
    SEE_METRICS = "see_metrics"
    # Accounts: one's own settings and API tokens; the team page; another's account.
    USE_WORKSPACE = "use_workspace"
    SEE_TEAM = "see_team"
    CREATE_ACCOUNT = "create_account"
    CHANGE_ACCOUNT = "change_account"


REVIEW_ACTIONS = frozenset(
    {
        Action.OPEN,
        Action.REDACT,
        Action.APPROVE,
        Action.REJECT,
        Action.ESCALATE,
        Action.RELEASE,
        Action.MARK_URGENCY,
    }
)
LEAD_QUEUES = frozenset({Queue.SECOND, Queue.ESCALATED})
LEAD_ROLES = frozenset({LEAD, ADMIN})

# The permission each action needs; the object rules below come on top.
_NEEDS = {
    Action.SEE_QUEUE: REVIEW,
    **dict.fromkeys(REVIEW_ACTIONS, REVIEW),
    Action.REJECT_CLUSTER: REVIEW,
    Action.USE_WORKSPACE: REVIEW,
    Action.UNPUBLISH: UNPUBLISH,
    Action.OPERATE_WALL: OPERATE_WALL,
    Action.SEE_METRICS: METRICS,
    Action.SEE_TEAM: MANAGE,
    Action.CREATE_ACCOUNT: MANAGE,
    Action.CHANGE_ACCOUNT: MANAGE,
}


class Refusal(NamedTuple):
    message: object  # lazily translated: read in the language of whoever is refused
    code: str


NOT_ALLOWED = Refusal(_("Your account may not do this."), "forbidden")
INACTIVE = Refusal(_("This account is deactivated."), "inactive")
LEADS_QUEUE = Refusal(_("Only a lead can see this queue."), "lead_queue")
KEPT_FOR_LEADS = Refusal(_("This story waits for a lead."), "kept_for_leads")
SAME_REVIEWER = Refusal(_("The second approval must come from someone else."), "same_reviewer")
ADMIN_ROLE = Refusal(_("Only an admin can make a lead or an admin."), "admin_only")
ADMIN_ACCOUNT = Refusal(_("Only an admin can change a lead's or an admin's account."), "admin_only")
OWN_ACCOUNT = Refusal(
    _("You cannot change your own account here. Ask another lead or an admin."), "own_account"
)


def holds(user, permission: str) -> bool:
    """Does the active account hold the permission (Django caches them on the user)?"""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(permission)
    )


def kept_for_leads(story) -> bool:
    """Escalated stories and stories waiting for their second approval."""
    return bool(story.escalated or story.second_review_needed)


def denial(
    user, action: Action, story=None, *, queue=None, target=None, role=None
) -> Refusal | None:
    """Why the user may not do this, or None when she may.

    `story` for the review actions and unpublishing, `queue` for SEE_QUEUE, `target` (the
    account) and `role` (the role it is given) for the account actions.
    """
    if user is None or not user.is_authenticated:
        return NOT_ALLOWED
    if not user.is_active:
        return INACTIVE
    if not user.has_perm(_NEEDS[action]):
        return NOT_ALLOWED
    if action == Action.SEE_QUEUE and queue in LEAD_QUEUES and not holds(user, SECOND_REVIEW):
        return LEADS_QUEUE
    if action in REVIEW_ACTIONS and story is not None:
        if kept_for_leads(story) and not holds(user, SECOND_REVIEW):
            return KEPT_FOR_LEADS
        if action == Action.APPROVE and _first_approver_id(story) == user.pk:
            return SAME_REVIEWER
    if action in (Action.CREATE_ACCOUNT, Action.CHANGE_ACCOUNT):
        return _account_denial(user, target, role)
    return None


def _first_approver_id(story):
    from moderation.models import FirstApproval

    return FirstApproval.objects.filter(story=story).values_list("approver_id", flat=True).first()


def _account_denial(user, target, role):
    if target is not None and target.pk == user.pk:
        return OWN_ACCOUNT
    if user.is_superuser:
        return None
    if target is not None and role_held(target) in LEAD_ROLES:
        return ADMIN_ACCOUNT
    if role in LEAD_ROLES:
        return ADMIN_ROLE
    return None


def may(user, action: Action, story=None, **about) -> bool:
    return denial(user, action, story, **about) is None


def require(user, action: Action, story=None, **about) -> None:
    """Raise Forbidden with the reason unless the user may do this."""
    refusal = denial(user, action, story, **about)
    if refusal is not None:
        raise Forbidden(refusal.message, refusal.code)
