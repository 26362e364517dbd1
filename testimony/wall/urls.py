from django.urls import path

from testimony.wall import api as wall_api

urlpatterns = [
    path("wall/", wall_api.installations, name="api-wall-installations"),
    # wall/<slug>/stories/ (the feed) is routed first of all, in config/urls.py.
    path("wall/<slug:slug>/heartbeat/", wall_api.heartbeat, name="api-wall-heartbeat"),
    path("kiosk/setup/", wall_api.KioskSetupApi.as_view(), name="api-kiosk-setup"),
    path("kiosk/device/", wall_api.KioskDeviceApi.as_view(), name="api-kiosk-device"),
    path("kiosk/stories/", wall_api.KioskStoryApi.as_view(), name="api-kiosk-stories"),
]
