"""The wall's pages: the installation screen, the web wall, the service worker, the QR code,
They render; the wall's services write."""

import io
import json
import uuid
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from frontend.context import NATIVE_NAMES
from frontend.guards import cross_site
from testimony import ratelimit
from testimony.models import Installation
from testimony.wall import feeds
from testimony.wall.reports import story_report
from testimony.wall.screens import screen_id_issue

STATIC = Path(__file__).resolve().parent / "static"


def _knob(request, name: str, default: float, low: float, high: float) -> float:
    """A timing knob from the query string (?poll=2), clamped: tests run fast, screens sane."""
    try:
        value = float(request.GET.get(name, default))
    except ValueError:
        return default
    return min(high, max(low, value))


def _strings(languages: list[str]) -> dict[str, dict[str, str]]:
    """The screen's own words, in each language it shows (it speaks to everyone passing)."""
    words = {}
    for code in languages:
        with translation.override(code):
            words[code] = {
                "invite": _("Tell your story. We do not ask who you are."),
                "invite_more": _("Scan the code with your phone, or use the kiosk."),
                "paused": _("The wall is resting for now."),
                "warning": _("The next story speaks of:"),
                "offline": _("offline"),
                "labels": {
                    "sexual-violence": _("sexual violence"),
                    "violence-against-children": _("harm to a child"),
                    "self-harm": _("self-harm"),
                    "physical-violence": _("physical violence"),
                },
            }
    return words


def _tell_url(request) -> str:
    base = settings.PUBLIC_BASE_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")
    return f"{base}/tell/"  # the phone's own language picks the /kk/, /ru/ or /en/ page


@require_GET
def screen(request, slug: str):
    """`/wall/<installation>/`: the full-screen wall of a large display."""
    installation = get_object_or_404(Installation, slug=slug)
    languages = list(installation.languages) or ["kk", "ru", "en"]
    config = {
        "slug": slug,
        "feed": reverse("api-wall-feed", args=[slug]),
        "heartbeat": reverse("api-wall-heartbeat", args=[slug]),
        # The id its heartbeats present: the page keeps the first one it got (wall.js).
        "screen": screen_id_issue(slug=slug),
        "health": reverse("healthz"),
        "poll": _knob(request, "poll", settings.WALL_POLL_SECONDS, 0.2, 3600),
        "rotate": _knob(request, "rotate", 0, 0, 600),  # 0: the installation's own speed
        "reload_hour": int(_knob(request, "reload_hour", settings.WALL_RELOAD_HOUR, 0, 23)),
        "reload_every": _knob(request, "reload_every", 0, 0, 86400),  # tests: seconds
        "languages": languages,
        "strings": _strings(languages),
        "installation": feeds.installation_json(installation),
    }
    return render(
        request,
        "wall/screen.html",
        {
            "installation": installation,
            "config": config,
            "lang": languages[0],
            "helplines": [
                (code, installation.helplines[code])
                for code in languages
                if installation.helplines.get(code)
            ],
        },
    )


@lru_cache(maxsize=64)
def qr_svg(url: str) -> bytes:
    # Dark on light with a quiet zone: inverted codes defeat some phones' scanners.
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=8, dark="#14161a", light="#f4efe6", border=4, xmldecl=False
    )
    return out.getvalue()


@require_GET
def qr(request, slug: str):
    """The tell page's address as an SVG QR code, drawn here: no third party sees the wall."""
    get_object_or_404(Installation, slug=slug)
    response = HttpResponse(qr_svg(_tell_url(request)), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def service_worker(request):
    """The screens' service worker, served at /wall/ so that it may control every wall page."""
    response = HttpResponse(
        (STATIC / "wall" / "sw.js").read_bytes(), content_type="text/javascript"
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/wall/"
    return response


# --- The web wall ----------------------------------------------------------------------------
REPORTED = "reported"
SLOW = "slow"


def _public(response):
    """The web wall is the same page for everyone: a proxy and browsers may keep it as long as
    the feed (a withdrawn story leaves it within max-age, plus the proxy's second or two)."""
    patch_cache_control(response, public=True, max_age=settings.WALL_FEED_MAX_AGE)
    return response


def _wall_language(data) -> str:
    """The language the web wall's switcher chose (in the address, never a cookie), or "" for
    the browser's (LocaleMiddleware's choice)."""
    lang = data.get("lang", "")
    return lang if lang in dict(settings.LANGUAGES) else ""


def _wall_query(**params) -> str:
    return "?" + urlencode({key: value for key, value in params.items() if value})


@require_GET
def web_wall(request):
    """`/wall/`: the same wall for a phone or laptop, readable without JavaScript."""
    chosen_lang = _wall_language(request.GET)
    if chosen_lang:
        translation.activate(chosen_lang)
        request.LANGUAGE_CODE = chosen_lang
    lang = translation.get_language() or "en"
    public = list(Installation.objects.filter(on_web=True).order_by("name"))
    if not public:
        return _public(render(request, "wall/web.html", {"installation": None, "public": []}))
    chosen = next((i for i in public if i.slug == request.GET.get("i")), public[0])
    state = feeds.feed_state(chosen.slug)
    if state is None:
        raise Http404
    try:
        page = feeds.feed_page(state, request.GET.get("after", ""))
    except ValueError as exc:
        raise Http404 from exc
    feed = json.loads(page.body)
    warn = set(feed["warn_labels"])
    names = _strings([lang]).popitem()[1]["labels"]
    stories = [
        {**story, "warn": [names.get(label, label) for label in story["labels"] if label in warn]}
        for story in feed["stories"]
    ]
    more = None
    if feed["next"]:
        more = _wall_query(i=chosen.slug, after=feed["next"], lang=chosen_lang)
    return _public(
        render(
            request,
            "wall/web.html",
            {
                "installation": chosen,
                "public": [
                    {"place": place, "url": _wall_query(i=place.slug, lang=chosen_lang)}
                    for place in public
                ],
                "languages": [
                    {
                        "code": code,
                        "name": NATIVE_NAMES[code],
                        "url": _wall_query(i=chosen.slug, lang=code),
                        "current": code == lang,
                    }
                    for code, _name in settings.LANGUAGES
                ],
                "chosen_lang": chosen_lang,
                "tell": f"/{lang}/tell/",
                "feed": feed,
                "stories": stories,
                "more": more,
                "notice": request.GET.get("notice", ""),
                "helpline": chosen.helplines.get(lang, ""),
            },
        )
    )


@csrf_exempt  # no cookies on public pages: Sec-Fetch-Site and the rate limit guard it
@require_POST
def report(request):
    """ "Report this story": sends a published story back to a lead. Rate limited."""
    back = reverse("web-wall")
    slug = request.POST.get("i", "")
    if cross_site(request):
        return HttpResponse(status=403)
    if not ratelimit.hit("wall-report", request.rate_key, settings.WALL_REPORT_RATE_LIMIT):
        notice = SLOW
    else:
        try:
            story_report(story_id=uuid.UUID(request.POST.get("story", "")))
        except ValueError:  # a malformed id is no different from an unknown one
            pass
        notice = REPORTED
    return redirect(back + _wall_query(i=slug, notice=notice, lang=_wall_language(request.POST)))
