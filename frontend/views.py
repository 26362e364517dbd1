"""Survivor-facing pages. They render and call testimony's services; they store nothing."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.utils.translation import get_language, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from figures.questions import QUESTIONS, answers_parse
from frontend import oversize, wording
from frontend.forms import ReceiptCheckForm, ReceiptForm, RegionForm, StoryForm
from frontend.guards import cross_site
from moderation import screeners
from testimony import abuse, formtoken, intake, receipts, switches
from testimony.models import Channel, Consent, Region
from testimony.selectors import help_region_has_own, help_resources, receipt_status
from testimony.services import story_withdraw

log = logging.getLogger(__name__)

EXPIRED = _(
    "This page was open for a long time, so it needs one more tap on “Send”. "
    "Your story is still here."
)
INVALID = _(
    "Something went wrong with this form. Your story is still here: please press “Send” again."
)
CROSS_SITE = _(
    "This form can only be sent from this site. "
    "Your story is still here: please press “Send” again."
)
# The receipt page has no "Send" button and no story on it.
RECEIPT_CROSS_SITE = _(
    "This form can only be sent from this site. Please enter your receipt code on this page "
    "and try again."
)
# A form over MAX_REQUEST_BYTES (counted on `limit`, STORY_MAX_CHARS).
CUT_OFF = ngettext_lazy(
    "Your story is longer than one story can be (%(limit)d character), so nothing was sent. "
    "Below is its beginning, as much as fits; the rest was cut off after the last word you "
    "see and is not kept here. Please read the end, shorten it if you want to, and press "
    "“Send” again.",
    "Your story is longer than one story can be (%(limit)d characters), so nothing was sent. "
    "Below is its beginning, as much as fits; the rest was cut off after the last word you "
    "see and is not kept here. Please read the end, shorten it if you want to, and press "
    "“Send” again.",
    "limit",
)
TOO_LARGE = ngettext_lazy(
    "What you sent was too large for this form, so nothing was sent and your story could not "
    "be kept here. A story can be at most %(limit)d character long: please shorten it and "
    "send it again.",
    "What you sent was too large for this form, so nothing was sent and your story could not "
    "be kept here. A story can be at most %(limit)d characters long: please shorten it and "
    "send it again.",
    "limit",
)

# The proof-of-work widget's words, in the page's language (frontend/tell.js hands them over).
POW_STRINGS = {
    "label": _("Automatic check"),
    "loading": _("Loading…"),
    "verify": _("Check"),
    "verifying": _("Checking…"),
    "verified": _("Checked"),
    "verificationRequired": _("Please wait for the automatic check."),
    "waitAlert": _("Checking… One moment, please."),
    "error": _("The automatic check did not work. Please press “Send” again."),
    "expired": _("The automatic check ran out. Please press “Send” again."),
    "reload": _("Try again"),
    "cancel": _("Cancel"),
    "enterCode": _("Enter the code"),
    "enterCodeAria": _("Enter the code"),
    "enterCodeFromImage": _("Enter the code"),
    "getAudioChallenge": _("Listen to the code"),
    "ariaLinkLabel": "ALTCHA",
    "footer": "",
}


def _resources(request, *, region: str = "", emergency_first: bool = False):
    return help_resources(language=get_language(), region=region, emergency_first=emergency_first)


def _region_unknown(region: str) -> bool:
    """She chose a region for which no verified help of its own is known: say so, rather than
    let the country's numbers pass for help near her."""
    return bool(region) and not help_region_has_own(language=get_language(), region=region)


def landing(request):
    return render(request, "frontend/landing.html")


def anonymity(request):
    context = {"onion_address": settings.ONION_ADDRESS, "wall_delay": wording.wall_delay()}
    return render(request, "frontend/anonymity.html", context)


@require_GET
def resources(request):
    form = RegionForm(request.GET or None)
    region = form.cleaned_data["region"] if form.is_valid() else ""
    context = {
        "form": form,
        "resources": _resources(request, region=region),
        "region": region,
        "region_unknown": _region_unknown(region),
    }
    return render(request, "frontend/resources.html", context)


def _tell_form(request, form, *, token: str | None = None, problem=None, status=200):
    context = {
        "form": form,
        "token": token or formtoken.issue(),
        "problem": problem,
        "pow_enabled": settings.POW_ENABLED,
        "wall_delay": wording.wall_delay(),
        "pow_strings": {key: str(value) for key, value in POW_STRINGS.items()},
        "questions": [form[question.key] for question in QUESTIONS],
        "questions_open": form.is_bound and any(form[q.key].value() for q in QUESTIONS),
    }
    return render(request, "frontend/tell.html", context, status=status)


def _closed(request, form, status=200):
    context = {"form": form, "resources": _resources(request), "problem": form and intake.CLOSED}
    return render(request, "frontend/closed.html", context, status=status)


def in_danger(text: str, language: str) -> bool:
    """Does the text she just sent speak of immediate danger? Shapes the page, never stored.

    If the screener is missing or fails, the emergency numbers come first anyway: showing
    them to someone who does not need them costs nothing.
    """
    try:
        return screeners.danger_found(text, language)
    except Exception as exc:
        # The type only: a message or traceback could quote her text.
        log.error("the danger check failed (%s); emergency numbers first", type(exc).__name__)
        return True


def _door_problem(request, form, token):
    """What the tell form itself finds wrong, in the order she should hear it; intake decides
    when it matters (a paused intake says so first). (message, status) or None."""
    if cross_site(request):
        return CROSS_SITE, 403
    if isinstance(token, formtoken.TokenExpired):
        return EXPIRED, 400
    if isinstance(token, formtoken.TokenInvalid):
        return INVALID, 400
    if not form.is_valid():
        return None, 400  # the form shows its own field errors
    return None


def _form_token(request):
    try:
        return formtoken.verify(request.POST.get("token", ""))
    except (formtoken.TokenExpired, formtoken.TokenInvalid) as refused:
        return refused


@csrf_exempt  # no cookies here: a signed form token and Sec-Fetch-Site protect the form
@require_http_methods(["GET", "POST"])
def tell(request):
    if request.method == "GET":
        if switches.intake_paused():
            return _closed(request, None)
        return _tell_form(request, StoryForm())
    try:
        form = StoryForm(request.POST)
    except RequestDataTooBig:
        return _too_large(request)
    token = _form_token(request)
    valid = isinstance(token, formtoken.FormToken)
    problem = _door_problem(request, form, token)
    fields = form.cleaned_data if problem is None else {}
    payload = request.POST.get("altcha", "").strip()
    answer = intake.story_intake(
        draft=intake.Draft(
            text=request.POST.get("text", ""),
            consent=fields.get("consent", ""),
            region=fields.get("region", ""),
            problem=problem,
            answers=answers_parse(form.answers()) if problem is None else None,
        ),
        door=intake.Door(
            channel=Channel.WEB,
            caller=abuse.Caller.of(request),
            proof=payload,
            time_lock_wait=token.seconds_until_unlocked() if valid else 0,
            once_key=token.value if valid else "",
        ),
    )
    kept = token.value if valid else None  # her form stays valid: "Send" again just works
    if answer.outcome == intake.Outcome.CLOSED:
        return _closed(request, form, status=503)
    if answer.outcome == intake.Outcome.REFUSED_AT_DOOR:
        message, status = answer.problem
        return _tell_form(request, form, token=kept, problem=message, status=status)
    if answer.outcome == intake.Outcome.INVALID:
        form.add_error("text", answer.errors["text"])
        return _tell_form(request, form, token=kept, status=400)
    if answer.outcome == intake.Outcome.WAIT:
        problem = _wait_message(answer.wait_seconds)
        return _tell_form(request, form, token=kept, problem=problem, status=400)
    if not answer.accepted:  # the proof refused, or a rate limit
        status = 400 if answer.outcome == intake.Outcome.PROOF_REFUSED else 429
        return _tell_form(request, form, token=kept, problem=answer.message, status=status)
    region = fields["region"]
    danger = in_danger(answer.text, get_language())
    return _told(request, receipt=answer.receipt, danger=danger, region=region)


def _told(request, *, receipt: str | None, danger: bool, region: str, check=None, status=200):
    """The confirmation page; `receipt` is None once she has typed it back correctly."""
    context = {
        "receipt": receipt,
        "receipt_words": receipts.words_of(receipt, get_language()) if receipt else None,
        "danger": danger,
        "region": region,
        "check": check,
        "resources": _resources(request, region=region, emergency_first=danger),
        "region_unknown": _region_unknown(region),
    }
    return render(request, "frontend/told.html", context, status=status)


def _too_large(request):
    """Her form is over MAX_REQUEST_BYTES, so Django will not read it: give back the start of
    her story, as much as one story may hold, and say the rest was cut. Nothing is stored."""
    start = oversize.form_start(request)
    text = start.fields.get("text", "")
    limit = settings.STORY_MAX_CHARS
    cut = start.cut == "text" or len(text) > limit
    if cut:
        text = _cut(text, limit)
    region = start.fields.get("region", "")
    consent = start.fields.get("consent", "")
    form = StoryForm(
        initial={
            "text": text,
            "region": region if region in dict(Region.choices) else "",
            # Past the cut (they follow the text), her answers are unknown: she chooses again,
            # so a story she meant to keep private is never sent to the wall by default.
            "consent": consent if consent in dict(Consent.choices) else "",
        }
    )
    if switches.intake_paused():
        return _closed(request, form, status=503)
    try:
        token = formtoken.verify(start.fields.get("token", "")).value
    except (formtoken.TokenExpired, formtoken.TokenInvalid):
        token = None
    if cut:
        problem = CUT_OFF % {"limit": limit}
    elif text:
        problem = INVALID
    else:
        problem = TOO_LARGE % {"limit": limit}
    return _tell_form(request, form, token=token, problem=problem, status=413)


def _cut(text: str, limit: int) -> str:
    """The first `limit` characters, ending at a space rather than inside a word if one is near."""
    kept = text[:limit]
    space = max(kept.rfind(" "), kept.rfind("\n"))
    return kept[:space].rstrip() if space > limit - 200 else kept


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Thank you. To protect this site from automated floods, please wait %(seconds)d more "
        "second, then press “Send” again. Your story is still here.",
        "Thank you. To protect this site from automated floods, please wait %(seconds)d more "
        "seconds, then press “Send” again. Your story is still here.",
        seconds,
    ) % {"seconds": seconds}


@csrf_exempt
@require_http_methods(["POST"])
def receipt_saved(request):
    """She types back the receipt she saved, from where she saved it (optional, no JavaScript
    needed). Compared with the one the page showed, sent back with the form: nothing is looked
    up or stored. A mismatch shows the receipt again, since a lost one cannot be recovered."""
    form = ReceiptCheckForm(request.POST)
    if cross_site(request) or not form.is_valid():
        return render(request, "frontend/receipt.html", {"form": ReceiptForm()}, status=400)
    shown, typed = form.cleaned_data["shown"], form.cleaned_data["typed"]
    danger, region = form.cleaned_data["danger"], form.cleaned_data["region"]
    if receipts.same(typed, shown):
        return _told(request, receipt=None, danger=danger, region=region, check="match")
    return _told(request, receipt=shown, danger=danger, region=region, check="mismatch")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipt(request):
    if request.method == "GET":
        return render(request, "frontend/receipt.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.POST)
    context = {"form": form}
    if cross_site(request):
        context["problem"] = RECEIPT_CROSS_SITE
        return render(request, "frontend/receipt.html", context, status=403)
    if not form.is_valid():
        return render(request, "frontend/receipt.html", context, status=400)
    if not abuse.receipt_lookup_allowed(abuse.Caller.of(request)):
        context["problem"] = abuse.TOO_MANY_TRIES
        return render(request, "frontend/receipt.html", context, status=429)
    code = form.cleaned_data["receipt"]
    action = request.POST.get("action", "status")
    if action == "withdraw" and request.POST.get("confirm") == "yes":
        if story_withdraw(receipt=code):
            context = {"leaves_screens": wording.withdrawn_leaves_screens()}
            return render(request, "frontend/withdrawn.html", context)
        context["problem"] = receipts.NOT_FOUND
        return render(request, "frontend/receipt.html", context, status=404)
    found = receipt_status(receipt=code)
    if found is None:
        context["problem"] = receipts.NOT_FOUND
        return render(request, "frontend/receipt.html", context, status=404)
    context.update(
        status=found[0],
        message=found[1],
        code=receipts.normalize(code),  # one line for the hidden field, whichever she typed
        confirm_withdraw=action == "withdraw",
    )
    return render(request, "frontend/receipt.html", context)
