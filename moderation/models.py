from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from testimony.models import Story


class Severity(models.IntegerChoices):
    INFO = 0, _("information")
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


class Finding(models.Model):
    """What a screener found: a kind and a span of the text, never a copy of what is there."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="findings")
    screener = models.CharField(max_length=32)
    kind = models.CharField(max_length=32)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    # Offsets in Unicode code points (Python string indices) into the story's text.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # The rule or list entry that matched (e.g. "phone number", "threat: kill"), never the text.
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["story", "screener"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="finding_span_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.screener}:{self.kind} [{self.start}:{self.end}]"


# --- The moderator workspace ----------------------------------------------------------------
# Nothing below that points at a story holds a time finer than a day (DESIGN.md invariant 2),
# and every such row is deleted with the story's text by testimony.services.story_erase.


class Placeholder(models.TextChoices):
    """What a redacted span becomes on the wall."""

    NAME = "[name]", _("[name]")
    PHONE = "[phone]", _("[phone]")
    PLACE = "[place]", _("[place]")
    ADDRESS = "[address]", _("[address]")
    EMAIL = "[email]", _("[email]")
    NUMBER = "[number]", _("[number]")
    DATE = "[date]", _("[date]")
    WORK = "[workplace]", _("[workplace]")
    LINK = "[link]", _("[link]")
    REMOVED = "[…]", _("[…]")


class Label(models.TextChoices):
    """Content warnings an approved story carries on the wall."""

    PHYSICAL = "physical-violence", _("Physical violence")
    SEXUAL = "sexual-violence", _("Sexual violence")
    CHILDREN = "violence-against-children", _("Violence against children")
    SELF_HARM = "self-harm", _("Self-harm")


class RejectReason(models.TextChoices):
    IDENTIFYING = "identifying", _("Identifying details left")
    NOT_TESTIMONY = "not-testimony", _("Not a testimony")
    ABUSE = "abuse", _("Abuse")
    SPAM = "spam", _("Spam")
    CAMPAIGN = "campaign", _("Campaign")
    OTHER = "other", _("Other")


class ModeratorProfile(models.Model):
    """What the workspace knows of a moderator beyond her account: languages and wellbeing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_profile"
    )
    # The languages she reads (kk, ru, en): her queue shows these by default.
    languages = models.JSONField(_("languages she reads"), default=list, blank=True)
    blur_text = models.BooleanField(_("blur story text until I reveal it"), default=True)
    interface_language = models.CharField(
        _("workspace language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Set by a lead; empty means no cap.
    daily_cap = models.PositiveIntegerField(_("decisions per day at most"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderator profile")
        verbose_name_plural = _("moderator profiles")
        # The roles (groups) are made of these; see moderation.roles.
        permissions = [
            ("review_story", _("Can review, redact and decide stories")),
            ("second_review", _("Can give the second approval and decide escalated stories")),
            ("unpublish_story", _("Can take a published story off the wall")),
            ("manage_moderators", _("Can manage moderators")),
            ("view_metrics", _("Can see the workspace metrics")),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Redaction(models.Model):
    """A span of the story's text that the wall shows as a placeholder. Code-point offsets."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="redactions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    placeholder = models.CharField(max_length=16, choices=Placeholder.choices)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="redaction_span_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placeholder} [{self.start}:{self.end}]"


class ReviewNote(models.Model):
    """A moderator's free-text note on a story. Erased with the story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    written_on = models.DateField(_("written on"))  # a day, never a time

    def __str__(self) -> str:
        return f"note ({self.written_on})"


class FirstApproval(models.Model):
    """The first of two approvals a risky story needs; the second comes from a lead."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="first_approval")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    labels = models.JSONField(default=list, blank=True)
    installation_ids = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"first approval by {self.approver_id}"


class ClusterMembership(models.Model):
    """A story's place in a cluster of near-duplicates (a possible coordinated campaign).

    Screening writes these; the workspace filters by cluster and rejects a held cluster at once.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="cluster")
    cluster = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return self.cluster
