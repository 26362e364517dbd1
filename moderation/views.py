"""The workspace pages under /moderate/: they read through selectors, write through services."""

import json
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from knox.models import AuthToken

from moderation import accounts, operations, selectors, services
from moderation.access import (
    api_token_issue,
    api_tokens_revoke,
    audit_event,
    totp_confirm,
    totp_device,
)
from moderation.models import Placeholder, RejectReason
from moderation.permissions import (
    MANAGE,
    METRICS,
    REVIEW,
    SECOND_REVIEW,
    UNPUBLISH,
    can,
    workspace_view,
)
from moderation.presentation import (
    finding_detail,
    highlighted_segments,
    placeholder_for,
    suggestions,
)
from moderation.roles import ROLES, role_of
from moderation.wellbeing import Wellbeing
from testimony.models import Installation, Label, Region, Status
from testimony.walls import reported_count

OPERATE_WALL = "testimony.operate_wall"

WRONG_LOGIN = _("The username or password is not right.")
WRONG_CODE = _("This code is not right. Check the time on your phone and try again.")


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/moderate/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Access: password, then the TOTP code (enrolment with a QR code the first time) ---------
@require_http_methods(["GET", "POST"])
def login_view(request):
    context = {"next": _next_url(request, "")}
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None:
            auth_login(request, user)
            target = reverse("moderate:verify")
            if context["next"]:
                target += "?" + urlencode({"next": context["next"]})
            return redirect(target)
        context["problem"] = WRONG_LOGIN
        return render(request, "moderate/login.html", context, status=400)
    return render(request, "moderate/login.html", context)


def _otp_success(request, device):
    otp_login(request, device)
    audit_event(action="otp_verified", actor=request.user, subject=request.user.get_username())
    Wellbeing(request.session).start()
    return redirect(_next_url(request, reverse("moderate:queue")))


@require_http_methods(["GET", "POST"])
def verify_view(request):
    if not request.user.is_authenticated:
        return redirect("moderate:login")
    device = totp_device(request.user)
    if device is None or not device.confirmed:
        return redirect("moderate:enrol")
    context = {"next": _next_url(request, "")}
    if request.method == "POST":
        if totp_confirm(device=device, token=request.POST.get("code", "")):
            return _otp_success(request, device)
        audit_event(action="otp_failed", actor=request.user, subject=request.user.get_username())
        context["problem"] = WRONG_CODE
        return render(request, "moderate/verify.html", context, status=400)
    return render(request, "moderate/verify.html", context)


@require_http_methods(["GET", "POST"])
def enrol_view(request):
    """First login: scan the QR code (or type the key) into an authenticator, enter a code."""
    if not request.user.is_authenticated:
        return redirect("moderate:login")
    device = totp_device(request.user, create=True)
    if device.confirmed:
        return redirect("moderate:verify")
    context = {
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": _spaced(device.config_url.split("secret=")[1].split("&")[0]),
        "next": _next_url(request, ""),
    }
    if request.method == "POST":
        if totp_confirm(device=device, token=request.POST.get("code", "")):
            audit_event(
                action="totp_enrolled", actor=request.user, subject=request.user.get_username()
            )
            return _otp_success(request, device)
        context["problem"] = WRONG_CODE
        return render(request, "moderate/enrol.html", context, status=400)
    return render(request, "moderate/enrol.html", context)


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("moderate:login")


# --- The queue --------------------------------------------------------------------------------
def _filters(request, query=None) -> selectors.QueueFilters:
    """The queue filters of a request; without a language, the languages she reads."""
    query = request.GET if query is None else query
    if "language" in query:
        languages = tuple(code for code in query.getlist("language") if code)
    else:
        profile = getattr(request.user, "moderator_profile", None)
        languages = tuple(profile.languages) if profile else ()
    queue = query.get("queue", selectors.PENDING)
    if queue in (selectors.ESCALATED, selectors.SECOND) and not can(request.user, SECOND_REVIEW):
        queue = selectors.PENDING
    return selectors.QueueFilters(
        queue=queue,
        languages=languages,
        region=query.get("region", ""),
        kind=query.get("kind", "")[:32],
        cluster=query.get("cluster", "")[:64],
    )


def _filter_query(filters: selectors.QueueFilters) -> str:
    pairs = [("queue", filters.queue)] + [("language", code) for code in filters.languages]
    pairs += [("language", "")] if not filters.languages else []
    pairs += [
        (k, getattr(filters, k)) for k in ("region", "kind", "cluster") if getattr(filters, k)
    ]
    return urlencode(pairs)


def _base_context(request) -> dict:
    user = request.user
    profile = accounts.profile_of(user)
    wellbeing = Wellbeing(request.session)
    return {
        "role": role_of(user),
        "is_lead": can(user, SECOND_REVIEW),
        "can_metrics": can(user, METRICS),
        "can_manage": can(user, MANAGE),
        "can_unpublish": can(user, UNPUBLISH),
        # Stories the public reported on the web wall wait on the walls page for a lead.
        "reported": reported_count() if can(user, OPERATE_WALL) else None,
        "profile": profile,
        "decided_today": services.decisions_today(user=user),
        "suggest_break": wellbeing.suggest_break(),
        "cap_reached": services.cap_reached(user=user),
    }


@workspace_view(REVIEW)
def queue_view(request):
    filters = _filters(request)
    cursor = (
        selectors.QueueCursor.decode(request.GET.get("after", ""))
        if request.GET.get("after")
        else None
    )
    page = selectors.queue_page(filters=filters, after=cursor, size=settings.QUEUE_PAGE_SIZE)
    query = _filter_query(filters)
    # Labels and links made once per page, not once per row: the page stays cheap at 50 rows.
    region_names = {value: str(label) for value, label in Region.choices}
    story_base = reverse("moderate:queue") + "stories/"
    rows = [
        {
            "story": story,
            "region": region_names.get(story.region, ""),
            "href": f"{story_base}{story.id}/?{query}",
            "claimed": str(story.id) in page.claimed,
            "mine": page.claimed.get(str(story.id)) == request.user.pk,
        }
        for story in page.stories
    ]
    tabs = [
        {"name": name, "label": label, "url": "?" + _filter_query(_with(filters, queue=name))}
        for name, label in selectors.QUEUES.items()
        if name in (selectors.PENDING, selectors.HELD) or can(request.user, SECOND_REVIEW)
    ]
    return render(
        request,
        "moderate/queue.html",
        {
            **_base_context(request),
            "filters": filters,
            "rows": rows,
            "tabs": tabs,
            "counts_url": reverse("moderate:counts") + "?" + _filter_query(filters),
            "next_url": f"?{query}&after={page.next_cursor.encode()}" if page.next_cursor else "",
            "query": query,
            "regions": Region.choices,
            "languages": settings.LANGUAGES,
        },
    )


@workspace_view(REVIEW)
def counts_view(request):
    """The queue's counts, computed now; the page fetches them after it has shown the rows."""
    filters = _filters(request)
    return JsonResponse(selectors.queue_counts(languages=filters.languages))


def _with(filters, **changes):
    from dataclasses import replace

    return replace(filters, **changes)


@require_POST
@workspace_view(REVIEW)
def next_view(request):
    """Claim the first story of the queue that no one else holds, and open it."""
    filters = _filters_from_post(request)
    if services.cap_reached(user=request.user):
        messages.info(request, services.CAP_REACHED)
        return redirect("moderate:queue")
    for _attempt in range(5):
        story = selectors.queue_first_free(filters=filters, user=request.user)
        if story is None:
            messages.info(request, _t("No story is waiting here. Thank you."))
            return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
        try:
            services.claim_take(story_id=story.id, user=request.user)
        except services.Conflict:
            continue  # someone took it a moment ago: the next one
        return redirect(_story_url(story.id, filters))
    return redirect("moderate:queue")


def _filters_from_post(request) -> selectors.QueueFilters:
    """Forms carry the queue's filters along, so the next story comes from the same queue."""
    return _filters(request, QueryDict(request.POST.get("filters", "")))


def _story_url(story_id, filters) -> str:
    return reverse("moderate:story", args=[story_id]) + "?" + _filter_query(filters)


def _review_context(request, story, filters, *, problem=None) -> dict:
    profile = accounts.profile_of(request.user)
    findings = selectors.findings_of(story)
    first = getattr(story, "first_approval", None)
    sensitive = (
        story.urgent
        or any(f.kind in SEXUAL_KINDS or f.screener in SEXUAL_KINDS for f in findings)
        or Label.SEXUAL in (story.labels or [])
    )
    spans = [services.Span(r.start, r.end, r.placeholder) for r in story.redactions.all()]
    chosen_labels = first.labels if first else story.labels or []
    places = list(Installation.objects.order_by("name"))
    # Every wall by default: a moderator narrows it down, rather than having to remember it.
    chosen_places = (
        set(first.installation_ids)
        if first
        else {i.pk for i in story.installations.all()} or {i.pk for i in places}
    )
    return {
        **_base_context(request),
        "story": story,
        "filters_query": _filter_query(filters),
        "segments": highlighted_segments(story.text, findings),
        "findings": [
            {
                "finding": f,
                "detail": finding_detail(f, story.text),
                "placeholder": placeholder_for(f),
                "excerpt_len": f.end - f.start,
            }
            for f in findings
        ],
        "suggestions": suggestions(findings),
        "redactions": [s.__dict__ for s in spans],
        "preview": services.redacted_text(story.text, spans, story.language),
        "placeholder_words": {
            code: services.placeholder_in(code, story.language) for code in Placeholder.values
        },
        "blurred": profile.blur_text or sensitive,
        "always_blurred": sensitive,
        "labels": [(value, label, value in chosen_labels) for value, label in Label.choices],
        "installations": [(i, i.pk in chosen_places) for i in places],
        "reasons": RejectReason.choices,
        "placeholders": Placeholder.choices,
        "first_approval": first,
        "notes": list(story.review_notes.all()),
        "cluster": getattr(getattr(story, "signature", None), "cluster", None),
        "problem": problem,
        "claim_seconds": settings.CLAIM_SECONDS,
        "is_held": story.status == Status.HELD,
        "can_decide_escalated": can(request.user, SECOND_REVIEW),
    }


# Finding kinds that mean sexual violence: such stories always open blurred.
SEXUAL_KINDS = {"sexual-violence", "sexual_violence", "rape", "sexual"}


@workspace_view(REVIEW)
def story_view(request, story_id):
    """Opening a story claims it; another's claim shows who cannot open it, not the story."""
    filters = _filters(request)
    try:
        services.claim_take(story_id=story_id, user=request.user)
    except services.ReviewError as error:
        return render(
            request,
            "moderate/unavailable.html",
            {
                **_base_context(request),
                "problem": error.message,
                "filters_query": _filter_query(filters),
            },
            status=error.status,
        )
    story = selectors.story_for_review(story_id=story_id)
    return render(request, "moderate/story.html", _review_context(request, story, filters))


def _redactions_posted(request) -> list:
    try:
        value = json.loads(request.POST.get("redactions") or "[]")
    except ValueError:
        raise services.Invalid(_("The redactions could not be read.")) from None
    if not isinstance(value, list):
        raise services.Invalid(_("The redactions could not be read."))
    return value


DONE_MESSAGES = {
    "approve": _("Approved. It will appear on the wall after a random delay."),
    "reject": _("Rejected."),
    "escalate": _("Escalated to a lead."),
    "release": _("Released to the queue."),
}


@require_POST
@workspace_view(REVIEW)
def decide_view(request, story_id):
    filters = _filters_from_post(request)
    action = request.POST.get("action", "")
    try:
        done = services.story_decide(
            action=action,
            story_id=story_id,
            user=request.user,
            version=request.POST.get("version"),
            redactions=_redactions_posted(request),
            labels=request.POST.getlist("labels"),
            installations=request.POST.getlist("installations"),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except services.ReviewError as error:
        story = selectors.story_for_review(story_id=story_id)
        if story is None or story.status not in services.REVIEWABLE or error.status == 409:
            return render(
                request,
                "moderate/unavailable.html",
                {
                    **_base_context(request),
                    "problem": error.message,
                    "filters_query": _filter_query(filters),
                },
                status=error.status,
            )
        return render(
            request,
            "moderate/story.html",
            _review_context(request, story, filters, problem=error.message),
            status=error.status,
        )
    Wellbeing(request.session).decided()
    if done.second_review_pending:
        messages.success(request, _t("Approved once. A lead gives the second approval."))
    else:
        messages.success(request, DONE_MESSAGES[action])
    return _after_decision(request, filters)


def _after_decision(request, filters):
    """Straight to the next story, unless it is time for a break or the day's cap is reached."""
    if Wellbeing(request.session).suggest_break() or services.cap_reached(user=request.user):
        return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
    return next_view_for(request, filters)


def next_view_for(request, filters):
    story = selectors.queue_first_free(filters=filters, user=request.user)
    if story is None:
        return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
    return redirect(_story_url(story.id, filters))


@require_POST
@workspace_view(REVIEW)
def skip_view(request, story_id):
    """Leave a story undecided: it goes back to the queue. Then the next one (or another)."""
    filters = _filters_from_post(request)
    services.claim_release(story_id=story_id, user=request.user)
    direction = request.POST.get("go", "next")
    if direction == "queue":
        return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
    story = selectors.story_for_review(story_id=story_id)
    neighbour = (
        selectors.queue_neighbour(
            filters=filters, story=story, user=request.user, previous=direction == "previous"
        )
        if story is not None
        else None
    )
    if neighbour is None:
        return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
    return redirect(_story_url(neighbour.id, filters))


@require_POST
@workspace_view(REVIEW)
def renew_view(request, story_id):
    """The page renews its claim while the moderator is active (JSON, called by the page)."""
    try:
        claim = services.claim_renew(story_id=story_id, user=request.user)
    except services.ReviewError as error:
        return JsonResponse({"detail": str(error.message), "code": error.code}, status=error.status)
    return JsonResponse({"expires_in": claim.seconds})


@require_POST
@workspace_view(REVIEW)
def break_view(request):
    Wellbeing(request.session).took_break()
    messages.success(request, _t("Welcome back."))
    return redirect("moderate:queue")


# --- Clusters, unpublishing ------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_view(REVIEW)
def clusters_view(request):
    if request.method == "POST":
        try:
            count = services.cluster_reject(
                cluster=request.POST.get("cluster", ""),
                user=request.user,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _t("%(count)d held stories rejected.") % {"count": count})
        return redirect("moderate:clusters")
    return render(
        request,
        "moderate/clusters.html",
        {
            **_base_context(request),
            "clusters": selectors.held_clusters(),
            "reasons": RejectReason.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view(UNPUBLISH)
def published_view(request):
    if request.method == "POST":
        try:
            services.story_unpublish(
                story_id=request.POST.get("story", ""),
                user=request.user,
                version=request.POST.get("version"),
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _t("The story has left the wall."))
        return redirect("moderate:published")
    stories = selectors.published_stories(after=request.GET.get("after", ""))
    return render(
        request,
        "moderate/published.html",
        {
            **_base_context(request),
            "stories": stories,
            "reasons": RejectReason.choices,
            "next_after": stories[-1].id if len(stories) == 50 else "",
        },
    )


@workspace_view(METRICS)
def metrics_view(request):
    return render(
        request, "moderate/metrics.html", {**_base_context(request), "m": selectors.metrics()}
    )


@workspace_view(METRICS)
def operations_view(request):
    """What the platform's machines and jobs are doing, for leads and operators."""
    return render(
        request,
        "moderate/operations.html",
        {**_base_context(request), "ops": operations.operations_now()},
    )


# --- Accounts ---------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_view(MANAGE)
def team_view(request):
    users = get_user_model()
    created = None
    if request.method == "POST":
        try:
            if request.POST.get("do") == "create":
                made = accounts.moderator_create(
                    username=request.POST.get("username", ""),
                    role=request.POST.get("role", ""),
                    languages=request.POST.getlist("languages"),
                    actor=request.user,
                )
                created = {"username": made.user.username, "password": made.password}
            else:
                member = get_object_or_404(users, pk=request.POST.get("user"))
                if request.POST.get("do") == "reset_totp":
                    accounts.moderator_reset_totp(user=member, actor=request.user)
                    api_tokens_revoke(user=member, actor=request.user)
                    messages.success(request, _t("The account enrols again at its next login."))
                else:
                    cap = request.POST.get("daily_cap", "").strip()
                    accounts.moderator_update(
                        user=member,
                        actor=request.user,
                        role=request.POST.get("role") or None,
                        languages=request.POST.getlist("languages"),
                        daily_cap=int(cap) if cap.isdigit() else None,
                        active=request.POST.get("active") == "on",
                    )
                    messages.success(request, _t("Saved."))
        except services.ReviewError as error:
            messages.error(request, error.message)
        if created is None:
            return redirect("moderate:team")
    members = [
        {"user": u, "profile": accounts.profile_of(u), "role": role_of(u) or "-"}
        for u in users.objects.order_by("username").prefetch_related("groups")
    ]
    return render(
        request,
        "moderate/team.html",
        {
            **_base_context(request),
            "members": members,
            "roles": ROLES,
            "languages": settings.LANGUAGES,
            "created": created,
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view(REVIEW)
def preferences_view(request):
    if request.method == "POST":
        try:
            accounts.preferences_update(
                user=request.user,
                blur_text=request.POST.get("blur_text") == "on",
                interface_language=request.POST.get("interface_language", "en"),
                languages=request.POST.getlist("languages"),
            )
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _t("Saved."))
        return redirect("moderate:preferences")
    return render(
        request,
        "moderate/preferences.html",
        {**_base_context(request), "languages": settings.LANGUAGES},
    )


@require_http_methods(["GET", "POST"])
@workspace_view(REVIEW)
def tokens_view(request):
    """API tokens, issued only here (after the TOTP login) or by the command line."""
    issued = None
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            api_tokens_revoke(user=request.user)
            messages.success(request, _t("Every API token of yours is revoked."))
            return redirect("moderate:tokens")
        issued = api_token_issue(user=request.user, via="workspace")
    tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
    return render(
        request,
        "moderate/tokens.html",
        {**_base_context(request), "issued": issued, "tokens": tokens},
    )
