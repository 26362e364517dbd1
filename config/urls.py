from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config import health
from moderation import prometheus
from moderation.urls import api_urlpatterns as moderation_api
from testimony.wall import api as wall_api

urlpatterns = [
    # The hottest path of all (every screen polls it): matched first, not behind includes.
    path("api/v1/wall/<slug:slug>/stories/", wall_api.feed, name="api-wall-feed"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", prometheus.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("moderate/", include("moderation.urls")),
    path("api/v1/moderation/", include((moderation_api, "moderation-api"))),
    path("api/v1/", include("testimony.urls")),
    path("api/v1/", include("figures.urls")),
    path("api/v1/", include("testimony.wall.urls")),
    path("", include("frontend.wall_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
urlpatterns += i18n_patterns(path("", include("frontend.urls")), prefix_default_language=True)

# Error pages in the language of the request, JSON on the API (frontend/errors.py).
handler400 = "frontend.errors.bad_request"
handler403 = "frontend.errors.permission_denied"
handler404 = "frontend.errors.page_not_found"
handler500 = "frontend.errors.server_error"
