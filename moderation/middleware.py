"""Middleware of the staff workspace. Both act on staff paths only, never on a survivor's."""

from axes.middleware import AxesMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from moderation.permissions import refused
from testimony.anonymize import is_staff_path


class StaffPagesMiddleware:
    """Staff responses: in the moderator's chosen language, and never kept by a browser cache.

    The workspace shows survivors' stories and TOTP secrets: a shared computer's cache must
    not keep them after she logs out. The workspace's URLs carry no language, so the
    language comes from her preferences.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_staff_path(request.path_info):
            return self.get_response(request)
        if request.user.is_authenticated:
            profile = getattr(request.user, "moderator_profile", None)
            if profile is not None and profile.interface_language:
                translation.activate(profile.interface_language)
                request.LANGUAGE_CODE = profile.interface_language
        response = _nul_refused(request) or self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response


NUL = _("The request holds a character that no field may hold (a null character).")


def _nul_refused(request):
    """A null character in any field a staff page or the API reads is refused here, once:
    PostgreSQL cannot hold it, and no person types it."""
    try:
        values = [v for query in (request.GET, request.POST) for _, vs in query.lists() for v in vs]
    except RequestDataTooBig:
        return None  # the view answers that itself
    if not any("\x00" in value for value in values):
        return None
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NUL)}, status=400)
    return refused(request, NUL, status=400)


class StaffOnlyAxesMiddleware(AxesMiddleware):
    """django-axes's lockout answer, on staff paths only: survivor requests never reach axes."""

    def __call__(self, request):
        if not is_staff_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)
