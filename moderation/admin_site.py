"""The Django admin behind the workspace's login.

django-otp's admin login asks for the password first and answers "Please enter your OTP
token" when it was right, which confirms a password to anyone guessing. The admin logs in
through the workspace instead: password and code in one step, one answer for every failure.
"""

from django.contrib import admin
from django.contrib.admin import actions
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    """Only verified (TOTP) staff; the login page is the workspace's."""

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, reverse("moderate:login"))


@admin.action(permissions=["delete"], description=actions.delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's "Delete selected", with each deletion logged as an entry of its own.

    Django logs several deletions with one bulk insert, which sends no post_save: the audit
    trail (moderation.trail) heard none of them.
    """
    return actions.delete_selected(_LogsEachDeletion(modeladmin), request, queryset)


class _LogsEachDeletion:
    def __init__(self, modeladmin):
        self._modeladmin = modeladmin

    def __getattr__(self, name):
        return getattr(self._modeladmin, name)

    def log_deletions(self, request, queryset):
        return [self._modeladmin.log_deletions(request, [obj])[0] for obj in queryset]
