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
