import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from testimony.models import Story
from testimony.sealing import SealedTextField


class Severity(models.IntegerChoices):
    INFO = 0, _("information")
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


def random_key() -> int:
    """A random 63-bit primary key. Rows written while a story is screened, just after it
    arrived, must not be numbered in arrival order (DESIGN.md invariant 2): a counter would
    rebuild the order the stories came in. (Where the row sits in the file is another matter:
    testimony.erasure scatters it.)"""
    return secrets.randbits(63)


class Finding(models.Model):
    """What a screener found: a kind and a span of the text, never a copy of what is there."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="findings")
    screener = models.CharField(max_length=32)
    kind = models.CharField(max_length=32)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    # Offsets in Unicode code points (Python string indices) into the story's text.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # The rule or list entry that matched (e.g. "phone number", "threat: kill"), never the text.
    detail = models.CharField(max_length=200, blank=True)
    # Parts of the span that weighed most (the learned layer's words): [[start, end], ...].
    highlights = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["start", "end", "screener", "kind"]
        indexes = [models.Index(fields=["story", "screener"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="finding_span_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.screener}:{self.kind} [{self.start}:{self.end}]"


class WordList(models.TextChoices):
    SUSPECT = "suspect", _("suspect (shown to the moderator)")
    BANNED = "banned", _("banned (holds the story)")


class WordKind(models.TextChoices):
    ABUSE = "abuse", _("abuse")
    DANGER = "danger", _("danger")
    SPAM = "spam", _("spam")


class ScreeningWord(models.Model):
    """A word or phrase an admin adds to the screeners' lists, on top of the shipped files.

    Saving or deleting one bumps a version key in the cache; every worker checks that key at
    least every SCREENING_WORDS_CHECK_SECONDS and reloads, so no deploy is needed.
    """

    pattern = models.CharField(
        _("word or phrase"),
        max_length=200,
        help_text=_(
            "Words separated by spaces. End a word with * to match any ending (убь* matches "
            "убьёт, убью). Use ~ between two words to let up to three words stand between them."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=WordKind.choices)
    list = models.CharField(_("list"), max_length=16, choices=WordList.choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Leave empty for every language. Cyrillic and Latin spellings both match."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("screening word")
        verbose_name_plural = _("screening words")
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "kind", "list"], name="screening_word_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()}: {self.pattern}"

    def clean(self) -> None:
        import re

        from django.core.exceptions import ValidationError

        from moderation.screeners.text import compile_pattern

        try:
            re.compile(compile_pattern(self.pattern))
        except (re.error, ValueError) as error:
            raise ValidationError({"pattern": _("This pattern cannot be used.")}) from error


class StorySignature(models.Model):
    """A story's MinHash signature, to find near-duplicates among recent stories, and the
    cluster of near-duplicates it belongs to (a possible coordinated campaign).

    Derived from the text, so it points at the story: withdrawal erases it with the story.
    """

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="signature"
    )
    minhash = models.BinaryField()
    # The campaign cluster (a random id) shared by near-duplicates; the workspace groups by it.
    cluster = models.CharField(max_length=64, null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"signature ({self.cluster or 'no cluster'})"


class SignatureBand(models.Model):
    """One band of a signature (locality-sensitive hashing): stories that share a band are
    candidates for near-duplicates, found by an indexed look-up instead of a scan."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="signature_bands")
    key = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"band {self.key}"


# --- The moderator workspace ----------------------------------------------------------------
# Nothing below that points at a story holds a time finer than a day (DESIGN.md invariant 2),
# and every such row is deleted with the story's text by testimony.services.story_erase.


class Queue(models.TextChoices):
    """The workspace's queues of waiting stories; the last two are kept for leads."""

    PENDING = "pending", _("Waiting")
    HELD = "held", _("Held")
    SECOND = "second", _("Second review")
    ESCALATED = "escalated", _("Escalated")


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
    languages = models.JSONField(_("languages the moderator reads"), default=list, blank=True)
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
    text = SealedTextField(_("note"), story_attr="story_id")  # under the story's key
    written_on = models.DateField(_("written on"))  # a day, never a time

    def __str__(self) -> str:
        return f"note ({self.written_on})"


class UrgencyDisagreement(models.Model):
    """How often moderators disagreed with the screener's urgency, per finding kind: counts
    only. No story, no time, no text: nothing here can be traced back or used to train on a
    survivor's words."""

    class Direction(models.TextChoices):
        MISSED = "missed", _("urgent, though the screener did not say so")
        FALSE_ALARM = "false_alarm", _("not urgent, though the screener said so")

    kind = models.CharField(max_length=32)  # a danger finding's kind, or "none"
    direction = models.CharField(max_length=16, choices=Direction.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "direction"], name="one_count_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.direction}: {self.count}"


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
