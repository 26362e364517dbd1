"""Middleware of the staff workspace. Both act on staff paths only, never on a survivor's."""

from axes.middleware import AxesMiddleware
from django.utils import translation

from testimony.anonymize import is_staff_path


class StaffLanguageMiddleware:
    """The workspace speaks the language a moderator chose (its URLs carry no language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_path(request.path_info) and request.user.is_authenticated:
            profile = getattr(request.user, "moderator_profile", None)
            if profile is not None and profile.interface_language:
                translation.activate(profile.interface_language)
                request.LANGUAGE_CODE = profile.interface_language
        return self.get_response(request)


class StaffOnlyAxesMiddleware(AxesMiddleware):
    """django-axes's lockout answer, on staff paths only: survivor requests never reach axes."""

    def __call__(self, request):
        if not is_staff_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)
