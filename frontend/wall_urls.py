"""The wall's and the kiosk's pages. Not language-prefixed: a screen shows several languages,
the kiosk switches on screen, and the web wall follows the browser's language."""

from django.urls import path

from frontend import kiosk, wall

urlpatterns = [
    path("wall/", wall.web_wall, name="web-wall"),
    path("wall/sw.js", wall.service_worker, name="wall-sw"),
    path("wall/report/", wall.report, name="wall-report"),
    path("wall/<slug:slug>/", wall.screen, name="wall-screen"),
    path("wall/<slug:slug>/qr.svg", wall.qr, name="wall-qr"),
    path("kiosk/", kiosk.kiosk, name="kiosk"),
]
