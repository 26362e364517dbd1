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
    cluster = models.UUIDField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"signature ({self.cluster or 'no cluster'})"


class SignatureBand(models.Model):
    """One band of a signature (locality-sensitive hashing): stories that share a band are
    candidates for near-duplicates, found by an indexed look-up instead of a scan."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="signature_bands")
    key = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"band {self.key}"
