"""Survivor-facing pages. They render and call testimony's services; they store nothing."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from frontend.forms import ReceiptForm, StoryForm
from frontend.guards import cross_site
from frontend.wall import intake_closed
from testimony import formtoken, idempotency, ratelimit
from testimony.feeds import intake_paused
from testimony.models import Channel
from testimony.selectors import receipt_status
from testimony.services import story_submit, story_withdraw

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


def landing(request):
    return render(request, "frontend/landing.html")


def _tell_form(request, form, *, problem=None, status=200):
    context = {"form": form, "token": formtoken.issue(), "problem": problem}
    return render(request, "frontend/tell.html", context, status=status)


@csrf_exempt  # no cookies here: a signed form token and Sec-Fetch-Site protect the form
@require_http_methods(["GET", "POST"])
def tell(request):
    if intake_paused():  # a lead's switch: the page says so and shows where to find help
        return intake_closed(request)
    if request.method == "GET":
        return _tell_form(request, StoryForm())
    form = StoryForm(request.POST)
    if cross_site(request):
        return _tell_form(request, form, problem=CROSS_SITE, status=403)
    try:
        token = formtoken.verify(request.POST.get("token", ""))
    except formtoken.TokenExpired:
        return _tell_form(request, form, problem=EXPIRED, status=400)
    except formtoken.TokenInvalid:
        return _tell_form(request, form, problem=INVALID, status=400)
    if not form.is_valid():
        return _tell_form(request, form, status=400)

    def submit() -> dict:
        done = story_submit(**form.cleaned_data, channel=Channel.WEB)
        return {"receipt": done.receipt, "status": done.status}

    submitted = idempotency.once(f"form:{token.value}", submit)
    return render(request, "frontend/told.html", {"receipt": submitted["receipt"]})


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
