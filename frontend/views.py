"""Survivor-facing pages. They render and call testimony's services; they store nothing."""

import logging

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from frontend.forms import ReceiptForm, RegionForm, StoryForm
from frontend.guards import cross_site
from moderation import screeners
from testimony import abuse, formtoken, idempotency, proofofwork, ratelimit
from testimony.models import Channel
from testimony.selectors import help_resources, receipt_status
from testimony.services import story_submit, story_withdraw

log = logging.getLogger(__name__)

# The danger screener, looked up through the screeners' registry (issue 3 owns it).
DANGER_SCREENER = "moderation.screeners.danger"

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
SLOW_DOWN = _("Too many tries for now. Please wait a while and try again.")
NOT_FOUND = _("No story was found for this receipt code. Please check it and try again.")
CLOSED = _(
    "We are not taking new stories right now. Your story is still here and was not sent. "
    "Please come back later."
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


def intake_is_paused() -> bool:
    """Hook for the intake pause switch (issue 5 owns the switch and wires it in here).

    While it answers True, the tell page says it is closed, shows the help resources, and a
    story sent anyway is kept on the page, never stored.
    """
    from testimony import feeds

    return feeds.intake_paused()


def _resources(request, *, region: str = "", emergency_first: bool = False):
    return help_resources(language=get_language(), region=region, emergency_first=emergency_first)


def landing(request):
    return render(request, "frontend/landing.html")


def anonymity(request):
    return render(request, "frontend/anonymity.html", {"onion_address": settings.ONION_ADDRESS})


@require_GET
def resources(request):
    form = RegionForm(request.GET or None)
    region = form.cleaned_data["region"] if form.is_valid() else ""
    context = {"form": form, "resources": _resources(request, region=region), "region": region}
    return render(request, "frontend/resources.html", context)


def _tell_form(request, form, *, token: str | None = None, problem=None, status=200):
    context = {
        "form": form,
        "token": token or formtoken.issue(),
        "problem": problem,
        "pow_enabled": settings.POW_ENABLED,
        "pow_strings": {key: str(value) for key, value in POW_STRINGS.items()},
    }
    return render(request, "frontend/tell.html", context, status=status)


def _closed(request, form, status=200):
    context = {"form": form, "resources": _resources(request), "problem": form and CLOSED}
    return render(request, "frontend/closed.html", context, status=status)


def in_danger(text: str, language: str) -> bool:
    """Does the text she just sent speak of immediate danger? Shapes the page, never stored.

    If the screener is missing or fails, the emergency numbers come first anyway: showing
    them to someone who does not need them costs nothing.
    """
    try:
        screen = screeners.load(DANGER_SCREENER)
        return bool(screen(text, language))
    except Exception as exc:
        # The type only: a message or traceback could quote her text.
        log.error("the danger check failed (%s); emergency numbers first", type(exc).__name__)
        return True


@csrf_exempt  # no cookies here: a signed form token and Sec-Fetch-Site protect the form
@require_http_methods(["GET", "POST"])
def tell(request):
    if request.method == "GET":
        if intake_is_paused():
            return _closed(request, None)
        return _tell_form(request, StoryForm())
    form = StoryForm(request.POST)
    if intake_is_paused():
        return _closed(request, form, status=503)
    if cross_site(request):
        return _tell_form(request, form, problem=CROSS_SITE, status=403)
    try:
        token = formtoken.verify(request.POST.get("token", ""))
    except formtoken.TokenExpired:
        return _tell_form(request, form, problem=EXPIRED, status=400)
    except formtoken.TokenInvalid:
        return _tell_form(request, form, problem=INVALID, status=400)
    if not form.is_valid():
        return _tell_form(request, form, token=token.value, status=400)

    payload = request.POST.get("altcha", "").strip()
    without_proof = settings.POW_ENABLED and not payload
    if without_proof and (wait := token.seconds_until_unlocked()):
        # No proof of work (no JavaScript): the form's time lock asks her to wait a moment.
        return _tell_form(request, form, token=token.value, problem=_wait_message(wait), status=400)

    def submit() -> dict:
        proof = None if without_proof else abuse.proof_check(payload)
        abuse.intake_admit(request=request, proof=proof)
        done = story_submit(
            **form.cleaned_data, channel=Channel.WEB, no_proof_of_work=without_proof
        )
        return {"receipt": done.receipt, "status": done.status}

    try:
        submitted = idempotency.once(f"form:{token.value}", submit)
    except proofofwork.ProofRefused as refused:
        return _tell_form(request, form, token=token.value, problem=refused.message, status=400)
    except abuse.IntakeRefused as refused:
        return _tell_form(request, form, token=token.value, problem=refused.message, status=429)

    region = form.cleaned_data["region"]
    danger = in_danger(form.cleaned_data["text"], get_language())
    context = {
        "receipt": submitted["receipt"],
        "danger": danger,
        "resources": _resources(request, region=region, emergency_first=danger),
    }
    return render(request, "frontend/told.html", context)


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Thank you. To protect this site from automated floods, please wait %(seconds)d more "
        "second, then press “Send” again. Your story is still here.",
        "Thank you. To protect this site from automated floods, please wait %(seconds)d more "
        "seconds, then press “Send” again. Your story is still here.",
        seconds,
    ) % {"seconds": seconds}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipt(request):
    if request.method == "GET":
        return render(request, "frontend/receipt.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.POST)
    context = {"form": form}
    if cross_site(request):
        context["problem"] = CROSS_SITE
        return render(request, "frontend/receipt.html", context, status=403)
    if not form.is_valid():
        return render(request, "frontend/receipt.html", context, status=400)
    if not ratelimit.hit("receipt", request.rate_key, settings.RECEIPT_LOOKUP_RATE_LIMIT):
        context["problem"] = SLOW_DOWN
        return render(request, "frontend/receipt.html", context, status=429)
    code = form.cleaned_data["receipt"]
    action = request.POST.get("action", "status")
    if action == "withdraw" and request.POST.get("confirm") == "yes":
        if story_withdraw(receipt=code):
            return render(request, "frontend/withdrawn.html")
        context["problem"] = NOT_FOUND
        return render(request, "frontend/receipt.html", context, status=404)
    found = receipt_status(receipt=code)
    if found is None:
        context["problem"] = NOT_FOUND
        return render(request, "frontend/receipt.html", context, status=404)
    context.update(
        status=found[0], message=found[1], code=code, confirm_withdraw=action == "withdraw"
    )
    return render(request, "frontend/receipt.html", context)
