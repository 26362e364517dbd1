"""The wall's public API: the feed, the list of public installations, heartbeats, the kiosk.

The feed is a plain Django view, not a DRF one: it is the hottest path of the platform and
does nothing but read the feed's version and return bytes rendered once per version.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from testimony import abuse, intake, jsonbody, ratelimit, receipts, switches
from testimony.api import (
    UNKNOWN_FIELD,
    AnswersField,
    ConsentChoice,
    RegionChoice,
    StoryText,
    StrictSerializer,
    story_intake_answer,
)
from testimony.models import Channel, Consent, Region
from testimony.wall import feeds, kiosk
from testimony.wall.screens import screen_id_verify, screen_seen


def _cache_headers(response, etag: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.WALL_FEED_MAX_AGE}"


def _matches(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header or header == etag:  # the screens send back exactly what they got
        return bool(header)
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


NO_SUCH_INSTALLATION = _("No such installation.")
NOT_A_CURSOR = _("Not a cursor from this feed.")


@csrf_exempt  # no cookie, no session: nothing to forge (and another method gets a 405)
@require_GET
def feed(request, slug: str):
    """`GET /api/v1/wall/<installation>/stories/[?after=<cursor>]`"""
    state = feeds.feed_state(slug)
    if state is None:
        return JsonResponse({"detail": str(NO_SUCH_INSTALLATION)}, status=404)
    unknown = sorted(set(request.GET) - {"after"})  # anything but the cursor: a probe
    if unknown:
        return JsonResponse({name: [str(UNKNOWN_FIELD)] for name in unknown}, status=400)
    cursor = request.GET.get("after", "")
    try:
        page = feeds.feed_page(state, cursor)
    except ValueError:
        return JsonResponse({"after": [str(NOT_A_CURSOR)]}, status=400)
    if _matches(request, page.etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, content_type="application/json")
    _cache_headers(response, page.etag)
    return response


@csrf_exempt  # no cookie, no session: nothing to forge (and another method gets a 405)
@require_GET
def installations(request):
    """`GET /api/v1/wall/`: the installations the web wall shows."""
    response = JsonResponse({"installations": feeds.public_installations()})
    response["Cache-Control"] = f"public, max-age={settings.WALL_FEED_MAX_AGE}"
    return response


TOO_LARGE = _("The request is too large.")
NO_SUCH_INSTALLATION = _("No such installation.")
NOT_A_CURSOR = _("Not a cursor from this feed.")
SCREEN_REFUSED = _("This screen is not accepted.")


@csrf_exempt  # no cookie, no session: nothing to forge
@require_POST
def heartbeat(request, slug: str):
    """`POST /api/v1/wall/<installation>/heartbeat/` with `{"screen": "<the id its page got>"}`.

    Rate limited per rate key (WALL_HEARTBEAT_RATE_LIMIT)."""
    state = feeds.feed_state(slug)
    if state is None:
        return JsonResponse({"detail": str(NO_SUCH_INSTALLATION)}, status=404)
    if not ratelimit.hit("wall-heartbeat", request.rate_key, settings.WALL_HEARTBEAT_RATE_LIMIT):
        return JsonResponse({"detail": str(abuse.TOO_MANY_TRIES)}, status=429)
    try:
        body = jsonbody.loads(request.body) if request.body else {}
    except RequestDataTooBig:
        return JsonResponse({"detail": str(TOO_LARGE)}, status=413)
    except jsonbody.BodyRefused as refused:
        return JsonResponse({"detail": str(refused.message)}, status=400)
    signed = body.get("screen") if isinstance(body, dict) else None
    # Only an id the wall page issued for this installation: a made-up one stores nothing.
    screen = screen_id_verify(slug=slug, signed=signed)
    if screen is None or not screen_seen(installation_id=state.installation_id, screen_id=screen):
        return JsonResponse({"screen": [str(SCREEN_REFUSED)]}, status=400)
    return HttpResponse(status=204)


# --- Kiosk -----------------------------------------------------------------------------------
class KioskThrottled(exceptions.Throttled):
    default_detail = abuse.TOO_MANY_TRIES


class KioskUnknown(exceptions.PermissionDenied):
    default_detail = _("This kiosk is not registered, or its registration was revoked.")


def _device(request):
    device = kiosk.kiosk_device(token=request.headers.get(kiosk.HEADER, ""))
    if device is None:
        raise KioskUnknown()
    return device


def _kiosk_json(device) -> dict:
    return {
        "installation": feeds.installation_json(device.installation),
        "device": device.name,
        "intake_open": not switches.intake_paused(),
        "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        "countdown_seconds": settings.KIOSK_COUNTDOWN_SECONDS,
    }


DEVICE_HEADER = OpenApiParameter(
    name=kiosk.HEADER, location=OpenApiParameter.HEADER, required=True, type=str
)


def _kiosk_schema(name: str, **extra):
    return inline_serializer(
        name,
        {
            "installation": serializers.DictField(),
            "device": serializers.CharField(),
            "intake_open": serializers.BooleanField(),
            "idle_seconds": serializers.IntegerField(),
            "countdown_seconds": serializers.IntegerField(),
            **extra,
        },
    )


class KioskSetupApi(APIView):
    """`POST /api/v1/kiosk/setup/` with `{"code": "<one-time setup code>"}`."""

    class KioskSetupInput(StrictSerializer):
        code = serializers.CharField(max_length=40)

    @extend_schema(
        request=KioskSetupInput,
        responses={201: _kiosk_schema("KioskRegistered", token=serializers.CharField())},
    )
    def post(self, request):
        data = self.KioskSetupInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not ratelimit.hit("kiosk-setup", request.rate_key, settings.KIOSK_SETUP_RATE_LIMIT):
            raise KioskThrottled()
        registered = kiosk.kiosk_register(code=data.validated_data["code"])
        if registered is None:
            raise exceptions.ValidationError(
                {"code": [_("This setup code is not valid. Ask for a new one.")]}
            )
        return Response(
            {"token": registered.token, **_kiosk_json(registered.device)},
            status=status.HTTP_201_CREATED,
        )


class KioskDeviceApi(APIView):
    """`GET /api/v1/kiosk/device/`: who this kiosk is, for the page to set itself up."""

    @extend_schema(parameters=[DEVICE_HEADER], responses={200: _kiosk_schema("KioskDevice")})
    def get(self, request):
        return Response(_kiosk_json(_device(request)))


def _kiosk_receipt(answer) -> dict:
    # The kiosk's language is the request's (kiosk.js sends it as Accept-Language).
    words = receipts.words_of(answer.receipt, translation.get_language() or "kk")
    return {"receipt": answer.receipt, "words": words}


class KioskStoryApi(APIView):
    """`POST /api/v1/kiosk/stories/`: the kiosk's form. Trusted device: no proof of work, a
    per-device rate limit instead."""

    class KioskStoryInput(StrictSerializer):
        text = StoryText(trim_whitespace=False, max_length=settings.STORY_MAX_CHARS * 4)
        region = RegionChoice(choices=Region.choices, required=False, allow_blank=True)
        consent = ConsentChoice(choices=Consent.choices)
        answers = AnswersField(required=False, allow_null=True)

    @extend_schema(
        request=KioskStoryInput,
        parameters=[DEVICE_HEADER],
        responses={
            201: inline_serializer(
                "KioskReceipt",
                {
                    "receipt": serializers.CharField(),
                    "words": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="The same receipt as eight words in the kiosk's language.",
                    ),
                },
            )
        },
    )
    def post(self, request):
        device = _device(request)
        door = intake.Door(
            channel=Channel.KIOSK, kiosk_device=str(device.id), told_at=device.installation
        )
        response = story_intake_answer(
            self.KioskStoryInput(data=request.data), door, _kiosk_receipt
        )
        patch_vary_headers(response, [kiosk.HEADER])
        return response
