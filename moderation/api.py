"""The moderation API under /api/v1/moderation/: the workspace's actions for a token holder.

`Authorization: Token <token>`; tokens come from a TOTP login in the workspace or from
`manage.py moderator token`. Views are thin: they validate and call services and selectors.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation import claims, decisions, redaction, selectors
from moderation.errors import ReviewError
from moderation.models import Placeholder, Queue, RejectReason, Severity
from moderation.permissions import Allowed
from moderation.policy import Action, require
from testimony.api import StrictSerializer
from testimony.models import Label, Region


class ReviewApiError(exceptions.APIException):
    def __init__(self, error: ReviewError):
        self.status_code = error.status
        super().__init__(detail={"detail": error.message, "code": error.code})


class ModerationApi(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [Allowed]
    policy_action = Action.SEE_QUEUE  # what the account must be allowed to reach the view

    def handle_exception(self, exc):
        if isinstance(exc, ReviewError):
            exc = ReviewApiError(exc)
        return super().handle_exception(exc)


# --- Serialisers ------------------------------------------------------------------------------
class FindingOut(serializers.Serializer):
    screener = serializers.CharField()
    kind = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    start = serializers.IntegerField(help_text="Offset in Unicode code points.")
    end = serializers.IntegerField()
    detail = serializers.CharField()
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="The words that weighed most (the learned layer's), as [start, end] offsets.",
    )


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0, help_text="Offset in Unicode code points.")
    end = serializers.IntegerField(min_value=1)
    placeholder = serializers.ChoiceField(choices=Placeholder.choices)


class StoryStateOut(serializers.Serializer):
    """What the queue and the story both say of a story's state (selectors' queue columns)."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    language = serializers.CharField()
    region = serializers.CharField()
    consent = serializers.CharField()
    received_on = serializers.DateField()
    urgent = serializers.BooleanField()
    escalated = serializers.BooleanField()
    second_review_needed = serializers.BooleanField()
    screening_incomplete = serializers.BooleanField()
    claimed_by_me = serializers.BooleanField()


class QueueItemOut(StoryStateOut):
    claimed = serializers.BooleanField()


class QueueOut(serializers.Serializer):
    results = QueueItemOut(many=True)
    next = serializers.CharField(allow_null=True, help_text="Cursor of the next page.")


class CountsOut(serializers.Serializer):
    """A moderator's answer leaves out the queues kept for leads (second, escalated)."""

    pending = serializers.IntegerField()
    held = serializers.IntegerField()
    second = serializers.IntegerField(required=False)
    escalated = serializers.IntegerField(required=False)
    urgent = serializers.IntegerField(help_text="Urgent stories among the queues counted.")


class StoryOut(StoryStateOut):
    text = serializers.CharField()
    text_damaged = serializers.BooleanField(
        help_text="The text does not decrypt under its own key (changed on disk, or moved "
        "from another story): `text` is empty. Reject it and tell the operator."
    )
    findings = FindingOut(many=True)
    redactions = SpanSerializer(many=True)
    redacted_text = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    installations = serializers.ListField(child=serializers.CharField())
    cluster = serializers.CharField(allow_null=True)


def _queue_item(story, claimed: dict, user) -> dict:
    holder = claimed.get(str(story.id))
    return {
        **{name: getattr(story, name) for name in selectors.STATE_COLUMNS},
        "claimed": holder is not None,
        "claimed_by_me": holder == user.pk,
    }


def story_out(story, user) -> dict:
    spans = [redaction.Span(r.start, r.end, r.placeholder) for r in story.redactions.all()]
    holder = claims.claim_of(story.id)
    signature = getattr(story, "signature", None)
    return {
        **{name: getattr(story, name) for name in (*selectors.STATE_COLUMNS, "text", "labels")},
        "text_damaged": story.text_damaged,
        "findings": [
            {
                k: getattr(f, k)
                for k in ("screener", "kind", "severity", "start", "end", "detail", "highlights")
            }
            for f in story.findings.all()
        ],
        "redactions": [s.__dict__ for s in spans],
        "redacted_text": redaction.redacted_text(story.text, spans, story.language),
        "installations": [i.slug for i in story.installations.all()],
        "cluster": signature.cluster if signature else None,
        "claimed_by_me": holder is not None and holder.user_id == user.pk,
    }


class ClaimOut(serializers.Serializer):
    story = serializers.UUIDField()
    version = serializers.IntegerField()
    expires_in = serializers.IntegerField(help_text="Seconds; renew by claiming again.")


class DecidedOut(serializers.Serializer):
    story = serializers.UUIDField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    second_review_pending = serializers.BooleanField()
    publish_at = serializers.DateTimeField(allow_null=True)


def decided_out(done: decisions.Decided) -> dict:
    return {
        "story": done.story_id,
        "status": done.status,
        "version": done.version,
        "second_review_pending": done.second_review_pending,
        "publish_at": done.publish_at,
    }


ERRORS = {
    403: inline_serializer("ModerationError", {"detail": serializers.CharField()}),
    409: inline_serializer(
        "ModerationConflict", {"detail": serializers.CharField(), "code": serializers.CharField()}
    ),
}


# --- Views ------------------------------------------------------------------------------------
class QueueApi(ModerationApi):
    class QueueFilterInput(StrictSerializer):  # a parameter it does not take is refused
        queue = serializers.ChoiceField(choices=Queue.choices, default=Queue.PENDING)
        language = serializers.CharField(required=False, help_text="kk,ru,en (default: yours)")
        region = serializers.ChoiceField(choices=Region.choices, required=False)
        kind = serializers.CharField(required=False, max_length=32)
        cluster = serializers.CharField(required=False, max_length=64)
        cursor = serializers.CharField(required=False, max_length=200)
        size = serializers.IntegerField(required=False, min_value=1, max_value=200)

    @extend_schema(
        parameters=[QueueFilterInput],
        responses={200: QueueOut},
        description="Waiting stories: urgent first, oldest day first, random within a day. "
        "The escalated and second-review queues are a lead's (403 for a moderator).",
    )
    def get(self, request):
        query = self.QueueFilterInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = filters_for(request.user, data)
        require(request.user, Action.SEE_QUEUE, queue=filters.queue)
        cursor = selectors.QueueCursor.decode(data["cursor"]) if data.get("cursor") else None
        if data.get("cursor") and cursor is None:
            raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]})
        page = selectors.queue_page(
            filters=filters, after=cursor, size=data.get("size", settings.QUEUE_PAGE_SIZE)
        )
        return Response(
            {
                "results": [_queue_item(s, page.claimed, request.user) for s in page.stories],
                "next": page.next_cursor.encode() if page.next_cursor else None,
            }
        )


class QueueCountsApi(ModerationApi):
    class CountsFilterInput(StrictSerializer):
        language = serializers.CharField(required=False, help_text="kk,ru,en (default: yours)")

    @extend_schema(
        parameters=[CountsFilterInput],
        responses={200: CountsOut},
        description="How many stories wait in each queue the account may see, counted now "
        "(never a stored counter); a moderator's answer has no lead-only queue.",
    )
    def get(self, request):
        query = self.CountsFilterInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = filters_for(request.user, query.validated_data)
        return Response(selectors.queue_counts(languages=filters.languages, user=request.user))


def filters_for(user, data: dict) -> selectors.QueueFilters:
    """The query's filters; without a language, the languages the moderator reads."""
    if data.get("language"):
        languages = tuple(part for part in data["language"].split(",") if part)
    else:
        profile = getattr(user, "moderator_profile", None)
        languages = tuple(profile.languages) if profile else ()
    return selectors.QueueFilters(
        queue=data.get("queue") or Queue.PENDING,
        languages=languages,
        region=data.get("region", ""),
        kind=data.get("kind", ""),
        cluster=data.get("cluster", ""),
    )


def _story_or_404(story_id, user):
    """The story, if it exists and the account may open it (403 for one kept for leads)."""
    story = selectors.story_for_review(story_id=story_id)
    if story is None:
        raise exceptions.NotFound(_("No such story."))
    require(user, Action.OPEN, story)
    return story


class StoryApi(ModerationApi):
    @extend_schema(responses={200: StoryOut, **ERRORS})
    def get(self, request, story_id):
        return Response(story_out(_story_or_404(story_id, request.user), request.user))


class ClaimApi(ModerationApi):
    @extend_schema(
        request=None,
        responses={200: ClaimOut, **ERRORS},
        description="Claim the story (or renew one's own claim). 409 if another holds it.",
    )
    def post(self, request, story_id):
        claim = claims.claim_take(story_id=story_id, user=request.user)
        story = _story_or_404(story_id, request.user)
        return Response({"story": story.id, "version": story.version, "expires_in": claim.seconds})

    @extend_schema(request=None, responses={204: None}, description="Skip: release the claim.")
    def delete(self, request, story_id):
        claims.claim_release(story_id=story_id, user=request.user)
        return Response(status=204)


class RemovedSpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)


REDACTIONS_HELP = "Spans to add; the saved redactions stay."
UNREDACT_HELP = "Saved redactions to remove, each named by its start and end."


class RedactApi(ModerationApi):
    class RedactInput(StrictSerializer):
        version = serializers.IntegerField()
        redactions = SpanSerializer(many=True, required=False, help_text=REDACTIONS_HELP)
        unredact = RemovedSpanSerializer(many=True, required=False, help_text=UNREDACT_HELP)

    @extend_schema(request=RedactInput, responses={200: StoryOut, **ERRORS})
    def post(self, request, story_id):
        data = self.RedactInput(data=request.data)
        data.is_valid(raise_exception=True)
        decisions.story_redact(story_id=story_id, user=request.user, **data.validated_data)
        return Response(story_out(_story_or_404(story_id, request.user), request.user))


def _decided(service, request, story_id, body) -> Response:
    """Validate the body, let the decision service act on the story, answer what it decided."""
    data = body(data=request.data)
    data.is_valid(raise_exception=True)
    done = service(story_id=story_id, user=request.user, **data.validated_data)
    return Response(decided_out(done))


class DecisionApi(ModerationApi):
    class DecisionInput(StrictSerializer):
        action = serializers.ChoiceField(choices=list(decisions.DECIDE))
        version = serializers.IntegerField()
        redactions = SpanSerializer(many=True, required=False, help_text=REDACTIONS_HELP)
        unredact = RemovedSpanSerializer(many=True, required=False, help_text=UNREDACT_HELP)
        labels = serializers.ListField(
            child=serializers.ChoiceField(choices=Label.choices), required=False
        )
        installations = serializers.ListField(
            child=serializers.CharField(max_length=50),
            required=False,
            help_text="Installation slugs.",
        )
        reason = serializers.ChoiceField(
            choices=RejectReason.choices, required=False, allow_blank=True
        )
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

        def validate(self, attrs):
            attrs = super().validate(attrs)
            if attrs["action"] == "reject" and not attrs.get("reason"):
                raise serializers.ValidationError({"reason": [_("Choose a reason from the list.")]})
            return attrs

    @extend_schema(request=DecisionInput, responses={200: DecidedOut, **ERRORS})
    def post(self, request, story_id):
        return _decided(decisions.story_decide, request, story_id, self.DecisionInput)


class UnpublishApi(ModerationApi):
    policy_action = Action.UNPUBLISH

    class UnpublishInput(StrictSerializer):
        version = serializers.IntegerField()
        reason = serializers.ChoiceField(choices=RejectReason.choices)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(request=UnpublishInput, responses={200: DecidedOut, **ERRORS})
    def post(self, request, story_id):
        return _decided(decisions.story_unpublish, request, story_id, self.UnpublishInput)


class UrgencyApi(ModerationApi):
    class UrgencyInput(StrictSerializer):
        version = serializers.IntegerField()
        urgent = serializers.BooleanField()

    @extend_schema(
        request=UrgencyInput,
        responses={200: DecidedOut, **ERRORS},
        description="The moderator's reading: urgent or not. Where it differs from the "
        "screener's, a disagreement is counted per finding kind (counts only, no text).",
    )
    def post(self, request, story_id):
        return _decided(decisions.story_mark_urgency, request, story_id, self.UrgencyInput)


class ClusterRejectApi(ModerationApi):
    class ClusterRejectInput(StrictSerializer):
        reason = serializers.ChoiceField(choices=RejectReason.choices)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    @extend_schema(
        request=ClusterRejectInput,
        responses={
            200: inline_serializer("ClusterRejected", {"rejected": serializers.IntegerField()})
        },
        parameters=[OpenApiParameter("cluster", str, OpenApiParameter.PATH)],
    )
    def post(self, request, cluster):
        data = self.ClusterRejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = decisions.cluster_reject(cluster=cluster, user=request.user, **data.validated_data)
        return Response({"rejected": count})


class TokenRevokeApi(ModerationApi):
    permission_classes = []

    @extend_schema(request=None, responses={204: None}, description="Revoke the token in use.")
    def post(self, request):
        if request.auth is None:
            raise exceptions.NotAuthenticated()
        request.auth.delete()
        return Response(status=204)
