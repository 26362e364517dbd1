"""The error pages (400, 403 and a refused CSRF check, 404, 405, 500), in her language.

Django's own pages are in English whatever the language, and give an API caller HTML. Here a
page says what happened in her language, with the quick exit and a way back to the start, and an
API path gets JSON of the shape DRF gives its errors ({"detail": ...}). Staff paths get the
workspace's look. Nothing here reads the database: the 500 page must show when the database is
what failed; if even the template fails, a line of plain text in her language is sent instead.
"""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import MethodNotAllowed

from frontend.context import language_links
from testimony.anonymize import is_staff_path

# status -> (heading, what to do); 403 with reason "csrf" is a form that has expired.
PAGES = {
    400: (
        _("This request could not be read"),
        _("Something in it was not as expected. Go back and try again."),
    ),
    403: (
        _("This page cannot be opened"),
        _("You may not have access to it. Go back to the start page."),
    ),
    "csrf": (
        _("This form has expired"),
        _("Go back, reload the page and send it again."),
    ),
    405: (
        _("This page does not take this kind of request"),
        _("Go back to the start page."),
    ),
    404: (
        _("This page does not exist"),
        _("The address may be mistyped, or the page has been removed."),
    ),
    500: (
        _("Something went wrong on our side"),
        _("Please try again in a few minutes."),
    ),
}


def _page(request, status: int, kind: int | str | None = None) -> HttpResponse:
    heading, advice = PAGES[kind or status]
    if request.path.startswith("/api/"):
        if status == 405:  # in DRF's words, as the API's own views say it
            heading = MethodNotAllowed(request.method).detail
        return JsonResponse({"detail": str(heading)}, status=status)
    staff = is_staff_path(request.path)
    context = {
        "heading": heading,
        "advice": advice,
        # The page may not exist in any language: each link leads to the start page in it.
        "language_links": language_links(lambda code: f"/{code}/"),
    }
    template = "moderate/error.html" if staff else "frontend/error.html"
    try:
        html = render_to_string(template, context, request=request)
    except Exception:  # noqa: BLE001 - the last answer must not fail too
        return HttpResponse(f"{heading} {advice}", status=status, content_type="text/plain")
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def csrf_failure(request, reason=""):
    return _page(request, 403, "csrf")


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    return _page(request, 500)


class ExplainRefusedMethodMiddleware:
    """Django's method decorators (require_POST, ...) answer an empty 405: the page (or, on the
    API, the JSON) says it in her language instead, keeping the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = _page(request, 405)
        page["Allow"] = response.get("Allow", "")
        return page
