"""The access policy at the door of each surface: a workspace page, an API view.

Both only ask moderation.policy; neither decides anything itself.
"""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from rest_framework.permissions import BasePermission

from moderation.devices import totp_device
from moderation.policy import Action, denial


def refused(request, message, status: int = 403):
    """The workspace's answer to a refusal: the reason, in her language."""
    return render(request, "moderate/refused.html", {"problem": message}, status=status)


def workspace_view(action: Action = Action.SEE_QUEUE):
    """A workspace page: a logged-in account, its TOTP code given at login, and `action`.

    An account without a confirmed device is sent to enrolment. A session that logged in
    before its device was confirmed elsewhere logs in again, code and all.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_verified():
                device = totp_device(user)
                if device is None or not device.confirmed:
                    return redirect("moderate:enrol")
                logout(request)
                return redirect_to_login(request.get_full_path())
            refusal = denial(user, action)
            if refusal is not None:
                return refused(request, refusal.message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class Allowed(BasePermission):
    """DRF: a token of an active account that the policy lets do the view's `action`."""

    def has_permission(self, request, view) -> bool:
        refusal = denial(request.user, getattr(view, "action", Action.SEE_QUEUE))
        if refusal is not None:
            self.message = refusal.message
            return False
        return True
