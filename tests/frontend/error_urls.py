"""The project's URLs and error handlers, with views that fail on purpose (test_error_pages)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def database_down(request):
    raise OperationalError("the database went away")


def suspicious(request):
    raise SuspiciousOperation("a request not as expected")


def denied(request):
    raise PermissionDenied


urlpatterns = [
    path("failing/500/", database_down),
    path("failing/400/", suspicious),
    path("failing/403/", denied),
    path("moderate/failing/500/", database_down),
    path("api/v1/failing/500/", database_down),
    *urlpatterns,
]
