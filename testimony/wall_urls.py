from django.urls import path

from testimony import wall_api

urlpatterns = [
    path("wall/", wall_api.installations, name="api-wall-installations"),
    path("wall/<slug:slug>/stories/", wall_api.feed, name="api-wall-feed"),
    path("wall/<slug:slug>/heartbeat/", wall_api.heartbeat, name="api-wall-heartbeat"),
    path("kiosk/setup/", wall_api.KioskSetupApi.as_view(), name="api-kiosk-setup"),
    path("kiosk/device/", wall_api.KioskDeviceApi.as_view(), name="api-kiosk-device"),
    path("kiosk/stories/", wall_api.KioskStoryApi.as_view(), name="api-kiosk-stories"),
]
