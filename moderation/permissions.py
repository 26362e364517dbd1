"""Who may do what in the workspace: one place for the checks of views, API and services."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from rest_framework.permissions import BasePermission

REVIEW = "review_story"
SECOND_REVIEW = "second_review"
UNPUBLISH = "unpublish_story"
MANAGE = "manage_moderators"
METRICS = "view_metrics"


def can(user, perm: str) -> bool:
    """`perm` is one of this app's codenames above, or "app_label.codename"."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(perm if "." in perm else f"moderation.{perm}")
    )


def workspace_view(perm: str = REVIEW):
    """A workspace page: a logged-in account, a verified TOTP code this session, and `perm`.

    An account without a confirmed device is sent to enrolment; one that has a device but
    did not give its code this session is sent to verification.
    """

    def decorate(view):
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_verified():
                return redirect("moderate:verify")
            if not can(user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


class HasPerm(BasePermission):
    """DRF: a token of an active account that holds the permission `perm` (set on the view)."""

    def has_permission(self, request, view) -> bool:
        return can(request.user, getattr(view, "perm", REVIEW))
