"""The Django admin behind the workspace's login.

django-otp's admin login asks for the password first and answers "Please enter your OTP
token" when it was right, which confirms a password to anyone guessing. The admin logs in
through the workspace instead: password and code in one step, one answer for every failure.
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    """Only verified (TOTP) staff; the login page is the workspace's."""

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, reverse("moderate:login"))
