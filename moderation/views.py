"""The workspace pages under /moderate/: they read through selectors, write through the
services (claims, decisions, accounts), and ask the access policy what to show."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from knox.models import AuthToken

from moderation import accounts, claims, decisions, operations, redaction, selectors
from moderation.devices import totp_confirm, totp_device
from moderation.errors import Conflict, Invalid, ReviewError
from moderation.login import WRONG_LOGIN, staff_login_check
from moderation.models import Placeholder, Queue, RejectReason
from moderation.permissions import refused, workspace_view
from moderation.policy import Action, denial, may
from moderation.presentation import (
    finding_detail,
    highlighted_segments,
    opens_blurred,
    placeholder_for,
    suggestions,
)
from moderation.roles import ROLES, role_of
from moderation.tokens import api_token_issue, api_tokens_revoke
from moderation.wellbeing import Wellbeing
from testimony import jsonbody, switches
from testimony.audit import audit_record
from testimony.models import AuditAction, Installation, Label, Region, Status
from testimony.selectors import help_resources_to_check
from testimony.wall import reports, screens

WRONG_CODE = _("This code is not right. Check the time on your phone and try again.")


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(("/moderate/", "/admin/")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Access: password and TOTP code in one step (enrolment with a QR code the first time) ------
@require_http_methods(["GET", "POST"])
def login_view(request):
    context = {"next": _next_url(request, "")}
    if request.method == "POST":
        done = staff_login_check(
            request=request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
            code=request.POST.get("code", ""),
        )
        if done is None:
            context["problem"] = WRONG_LOGIN
            return render(request, "moderate/login.html", context, status=400)
        auth_login(request, done.user)
        if done.device is None:
            target = reverse("moderate:enrol")
            if context["next"]:
                target += "?" + urlencode({"next": context["next"]})
            return redirect(target)
        return _otp_success(request, done.device)
    return render(request, "moderate/login.html", context)


def _otp_success(request, device):
    otp_login(request, device)
    audit_record(
        action=AuditAction.OTP_VERIFIED, actor=request.user, subject=request.user.get_username()
    )
    Wellbeing(request.session).start()
    return redirect(_next_url(request, reverse("moderate:queue")))


@require_http_methods(["GET", "POST"])
def enrol_view(request):
    """First login: scan the QR code (or type the key) into an authenticator, enter a code."""
    if not request.user.is_authenticated:
        return redirect("moderate:login")
    device = totp_device(request.user, create=True)
    if device.confirmed:
        return redirect("moderate:queue")
    context = {
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": _spaced(device.config_url.split("secret=")[1].split("&")[0]),
        "next": _next_url(request, ""),
    }
    if request.method == "POST":
        if totp_confirm(device=device, token=request.POST.get("code", "")):
            audit_record(
                action=AuditAction.TOTP_ENROLLED,
                actor=request.user,
                subject=request.user.get_username(),
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
    return selectors.QueueFilters(
        queue=query.get("queue", Queue.PENDING),
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
        "can_metrics": may(user, Action.SEE_METRICS),
        "can_manage": may(user, Action.SEE_TEAM),
        "can_unpublish": may(user, Action.UNPUBLISH),
        # Stories the public reported on the web wall wait on the walls page for a lead.
        "reported": reports.reported_count() if may(user, Action.OPERATE_WALL) else None,
        "profile": profile,
        "decided_today": claims.decisions_today(user=user),
        "suggest_break": wellbeing.suggest_break(),
        "cap_reached": claims.cap_reached(user=user),
    }


def _queue_refusal(request, filters):
    """A queue kept for leads answers 403 with the reason, never another queue instead."""
    refusal = denial(request.user, Action.SEE_QUEUE, queue=filters.queue)
    return None if refusal is None else refused(request, refusal.message)


@workspace_view()
def queue_view(request):
    filters = _filters(request)
    if problem := _queue_refusal(request, filters):
        return problem
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
        for name, label in Queue.choices
        if may(request.user, Action.SEE_QUEUE, queue=name)
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


@workspace_view()
def counts_view(request):
    """The counts of the queues she may see, computed now; the page fetches them after it
    has shown the rows."""
    filters = _filters(request)
    return JsonResponse(selectors.queue_counts(languages=filters.languages, user=request.user))


def _with(filters, **changes):
    from dataclasses import replace

    return replace(filters, **changes)


@require_POST
@workspace_view()
def next_view(request):
    """Claim the first story of the queue that no one else holds, and open it."""
    filters = _filters_from_post(request)
    if problem := _queue_refusal(request, filters):
        return problem
    if claims.cap_reached(user=request.user):
        messages.info(request, claims.CAP_REACHED)
        return redirect("moderate:queue")
    for _attempt in range(5):
        story = selectors.queue_first_free(filters=filters, user=request.user)
        if story is None:
            messages.info(request, gettext("No story is waiting here. Thank you."))
            return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
        try:
            claims.claim_take(story_id=story.id, user=request.user)
        except Conflict:
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
    sensitive = opens_blurred(story, findings)
    spans = [redaction.Span(r.start, r.end, r.placeholder) for r in story.redactions.all()]
    chosen_labels = first.labels if first else story.labels or []
    places = list(Installation.objects.order_by("name"))
    chosen_places = decisions.default_installations(story)
    return {
        **_base_context(request),
        "story": story,
        "damaged": story.text_damaged,
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
        "preview": redaction.redacted_text(story.text, spans, story.language),
        "placeholder_words": {
            code: redaction.placeholder_in(code, story.language) for code in Placeholder.values
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
        "can_decide_escalated": may(request.user, Action.RELEASE, story),
    }


def _unavailable(request, filters, error: ReviewError):
    """A story she may not (or no longer) open: the reason, and the way back to her queue."""
    context = {
        **_base_context(request),
        "problem": error.message,
        "filters_query": _filter_query(filters),
    }
    return render(request, "moderate/unavailable.html", context, status=error.status)


@workspace_view()
def story_view(request, story_id):
    """Opening a story claims it; another's claim shows who cannot open it, not the story."""
    filters = _filters(request)
    try:
        claims.claim_take(story_id=story_id, user=request.user)
    except ReviewError as error:
        return _unavailable(request, filters, error)
    story = selectors.story_for_review(story_id=story_id)
    return render(request, "moderate/story.html", _review_context(request, story, filters))


def _spans_posted(request, name: str) -> list:
    """Spans the page's script put in a hidden field. Empty (no script ran): none, and the
    story keeps every redaction it has."""
    raw = request.POST.get(name, "")
    if not raw.strip():
        return []
    try:
        value = jsonbody.loads(raw)
    except ValueError:
        raise Invalid(_("The redactions could not be read.")) from None
    if not isinstance(value, list):
        raise Invalid(_("The redactions could not be read."))
    return value


DONE_MESSAGES = {
    "approve": _("Approved. It will appear on the wall after a random delay."),
    "reject": _("Rejected."),
    "escalate": _("Escalated to a lead."),
    "release": _("Released to the queue."),
}


@require_POST
@workspace_view()
def decide_view(request, story_id):
    filters = _filters_from_post(request)
    action = request.POST.get("action", "")
    try:
        done = decisions.story_decide(
            action=action,
            story_id=story_id,
            user=request.user,
            version=request.POST.get("version"),
            redactions=_spans_posted(request, "redactions"),
            unredact=_spans_posted(request, "unredact"),
            labels=request.POST.getlist("labels"),
            installations=request.POST.getlist("installations"),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except ReviewError as error:
        story = selectors.story_for_review(story_id=story_id)
        if story is None or story.status not in claims.REVIEWABLE or error.status in (403, 409):
            return _unavailable(request, filters, error)
        return render(
            request,
            "moderate/story.html",
            _review_context(request, story, filters, problem=error.message),
            status=error.status,
        )
    Wellbeing(request.session).decided()
    if done.second_review_pending:
        messages.success(request, gettext("Approved once. A lead gives the second approval."))
    elif action == "approve" and done.publish_at is None:  # a private story: never shown
        messages.success(request, gettext("Approved. It is private: it is counted, never shown."))
    else:
        messages.success(request, DONE_MESSAGES[action])
    return _after_decision(request, filters)


def _after_decision(request, filters):
    """Straight to the next story, unless it is time for a break or the day's cap is reached."""
    if Wellbeing(request.session).suggest_break() or claims.cap_reached(user=request.user):
        return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
    return next_view_for(request, filters)


def next_view_for(request, filters):
    story = selectors.queue_first_free(filters=filters, user=request.user)
    if story is None:
        return redirect(reverse("moderate:queue") + "?" + _filter_query(filters))
    return redirect(_story_url(story.id, filters))


@require_POST
@workspace_view()
def skip_view(request, story_id):
    """Leave a story undecided: it goes back to the queue. Then the next one (or another)."""
    filters = _filters_from_post(request)
    claims.claim_release(story_id=story_id, user=request.user)
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
@workspace_view()
def urgency_view(request, story_id):
    """She says the story she holds is urgent, or is not: back to the story, still hers."""
    filters = _filters_from_post(request)
    try:
        decisions.story_mark_urgency(
            story_id=story_id,
            user=request.user,
            version=request.POST.get("version"),
            urgent=request.POST.get("urgent") == "yes",
        )
    except ReviewError as error:
        return _unavailable(request, filters, error)
    messages.success(request, gettext("Thank you: the queue follows your reading."))
    return redirect(_story_url(story_id, filters))


@require_POST
@workspace_view()
def renew_view(request, story_id):
    """The page renews its claim while the moderator is active (JSON, called by the page)."""
    try:
        claim = claims.claim_renew(story_id=story_id, user=request.user)
    except ReviewError as error:
        return JsonResponse({"detail": str(error.message), "code": error.code}, status=error.status)
    return JsonResponse({"expires_in": claim.seconds})


@require_POST
@workspace_view()
def break_view(request):
    Wellbeing(request.session).took_break()
    messages.success(request, gettext("Welcome back."))
    return redirect("moderate:queue")


# --- Clusters, unpublishing ------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_view(Action.REJECT_CLUSTER)
def clusters_view(request):
    if request.method == "POST":
        try:
            count = decisions.cluster_reject(
                cluster=request.POST.get("cluster", ""),
                user=request.user,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
        except ReviewError as error:
            messages.error(request, error.message)
        else:
            message = ngettext(
                "%(count)d held story rejected.", "%(count)d held stories rejected.", count
            )
            messages.success(request, message % {"count": count})
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
@workspace_view(Action.UNPUBLISH)
def published_view(request):
    if request.method == "POST":
        try:
            decisions.story_unpublish(
                story_id=request.POST.get("story", ""),
                user=request.user,
                version=request.POST.get("version"),
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
        except ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The story has left the wall."))
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


# --- The walls: pause switches, screens, reported stories ------------------------------------
@require_http_methods(["GET", "POST"])
@workspace_view(Action.OPERATE_WALL)
def walls_view(request):
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("pause_walls", "resume_walls"):
            switches.switches_set(actor=request.user, walls_paused=action == "pause_walls")
        elif action in ("pause_intake", "resume_intake"):
            switches.switches_set(actor=request.user, intake_paused=action == "pause_intake")
        elif action == "unpublish":
            try:
                decisions.story_unpublish(
                    story_id=request.POST.get("story", ""),
                    user=request.user,
                    version=request.POST.get("version"),  # as the lead saw it on this page
                    reason=RejectReason.OTHER,
                    note=gettext("Reported on the web wall."),
                )
            except ReviewError as error:
                messages.error(request, error.message)
        elif action == "keep":
            reports.report_dismiss(story_id=request.POST.get("story", ""), actor=request.user)
        return redirect("moderate:walls")
    return render(
        request,
        "moderate/walls.html",
        {
            "switches": switches.switches(),
            "installations": screens.screens_by_installation(),
            "reports": reports.reported_stories(),
            "help_to_check": help_resources_to_check(),
            "help_verify_days": settings.HELP_VERIFY_DAYS,
        },
    )


@workspace_view(Action.SEE_METRICS)
def metrics_view(request):
    return render(
        request, "moderate/metrics.html", {**_base_context(request), "m": selectors.metrics()}
    )


@workspace_view(Action.SEE_METRICS)
def operations_view(request):
    """What the platform's machines and jobs are doing, for leads and operators."""
    return render(
        request,
        "moderate/operations.html",
        {**_base_context(request), "ops": operations.operations_now()},
    )


# --- Accounts ---------------------------------------------------------------------------------
def _team_change(request) -> dict | None:
    """One change of the team page, through the accounts services (which ask the policy).
    Returns the new account's one-time password to show, if one was made."""
    do = request.POST.get("do")
    if do == "create":
        made = accounts.moderator_create(
            username=request.POST.get("username", ""),
            role=request.POST.get("role", ""),
            languages=request.POST.getlist("languages"),
            actor=request.user,
        )
        return {"username": made.user.username, "password": made.password}
    member = accounts.account_by_id(request.POST.get("user"))
    if do == "reset_totp":
        accounts.moderator_reset_totp(user=member, actor=request.user)
        messages.success(request, gettext("The account enrols again at its next login."))
    else:
        accounts.moderator_update(
            user=member,
            actor=request.user,
            role=request.POST.get("role") or None,
            languages=request.POST.getlist("languages"),
            daily_cap=request.POST.get("daily_cap", ""),
            active=request.POST.get("active") == "on",
        )
        messages.success(request, gettext("Saved."))
    return None


@require_http_methods(["GET", "POST"])
@workspace_view(Action.SEE_TEAM)
def team_view(request):
    created = None
    if request.method == "POST":
        try:
            created = _team_change(request)
        except ReviewError as error:
            messages.error(request, error.message)
        if created is None:
            return redirect("moderate:team")
    members = [
        {
            "user": u,
            "profile": accounts.profile_of(u),
            "role": role_of(u) or "-",
            "changeable": may(request.user, Action.CHANGE_ACCOUNT, target=u),
        }
        for u in get_user_model().objects.order_by("username").prefetch_related("groups")
    ]
    return render(
        request,
        "moderate/team.html",
        {
            **_base_context(request),
            "members": members,
            "roles": [r for r in ROLES if may(request.user, Action.CREATE_ACCOUNT, role=r)],
            "languages": settings.LANGUAGES,
            "created": created,
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Action.USE_WORKSPACE)
def preferences_view(request):
    if request.method == "POST":
        try:
            accounts.preferences_update(
                user=request.user,
                blur_text=request.POST.get("blur_text") == "on",
                interface_language=request.POST.get("interface_language", "en"),
                languages=request.POST.getlist("languages"),
            )
        except ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Saved."))
        return redirect("moderate:preferences")
    return render(
        request,
        "moderate/preferences.html",
        {**_base_context(request), "languages": settings.LANGUAGES},
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Action.USE_WORKSPACE)
def tokens_view(request):
    """API tokens, issued only here (after the TOTP login) or by the command line."""
    issued = None
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            api_tokens_revoke(user=request.user)
            messages.success(request, gettext("Every API token of yours is revoked."))
            return redirect("moderate:tokens")
        issued = api_token_issue(user=request.user, via="workspace")
    tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
    return render(
        request,
        "moderate/tokens.html",
        {**_base_context(request), "issued": issued, "tokens": tokens},
    )
