"""Reads of stories."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from testimony import receipts
from testimony.help import help_check_expires
from testimony.models import Consent, HelpResource, Status, Story

# What a survivor is told about her story, in plain words, true for its consent and state.
# Held and pending look the same to her: "held" is a moderator's word for a suspected flood.
# A private story is never shown, whatever its state: its words never mention the wall as
# something that will happen.
_WITHDRAWN = _("Withdrawn. Its text has been erased.")
_READING = _("A moderator is reading it.")
PLAIN_STATUS = {
    Consent.WALL: {
        Status.RECEIVED: _("Received. It is waiting for a moderator to read it."),
        Status.PENDING: _READING,
        Status.HELD: _READING,
        Status.APPROVED: _(
            "Approved. It will appear on the wall after a random delay, mixed with other stories."
        ),
        Status.PUBLISHED: _("It is on the wall."),
        Status.REJECTED: _(
            "It will not be shown on the wall. This decision is about what can be shown in "
            "public; it is no judgement of you or of what happened to you."
        ),
        Status.WITHDRAWN: _WITHDRAWN,
    },
    Consent.PRIVATE: {
        Status.RECEIVED: _(
            "Received. A moderator will read it. It stays private and will never be shown."
        ),
        Status.PENDING: _("A moderator is reading it. It stays private and will never be shown."),
        Status.HELD: _("A moderator is reading it. It stays private and will never be shown."),
        Status.APPROVED: _("Read by a moderator. It stays private and will never be shown."),
        Status.PUBLISHED: _("Read by a moderator. It stays private and will never be shown."),
        Status.REJECTED: _("Read by a moderator. It stays private and will never be shown."),
        Status.WITHDRAWN: _WITHDRAWN,
    },
}


def status_words(*, consent: str, status: str) -> str:
    """The sentence a survivor reads about a story with this consent in this state."""
    return str(PLAIN_STATUS[Consent(consent)][Status(status)])


def story_by_receipt(*, receipt: str, lock: bool = False) -> Story | None:
    for digest in receipts.candidates(receipt):
        query = Story.objects.filter(receipt_key_id=digest.key_id, receipt_hash=digest.value)
        if lock:
            query = query.select_for_update()
        story = query.first()
        if story is not None:
            return story
    return None


def receipt_status(*, receipt: str) -> tuple[str, str] | None:
    """(status code, plain words) for the story with this receipt, or None."""
    story = story_by_receipt(receipt=receipt)
    if story is None:
        return None
    return story.status, status_words(consent=story.consent, status=story.status)


def stories_awaiting_screening() -> list[str]:
    return [
        str(pk) for pk in Story.objects.filter(status=Status.RECEIVED).values_list("id", flat=True)
    ]


def help_resources(
    *, language: str, region: str = "", emergency_first: bool = False
) -> list[HelpResource]:
    """Verified helplines in this language for the region and for the whole country: the
    region's own first, then the country's; with emergency_first, the emergency numbers before
    all of them. An unverified entry is never shown to a survivor."""
    places = Q(region="") | Q(region=region) if region else Q(region="")
    found = HelpResource.objects.filter(places, active=True, verified=True, language=language)

    def rank(resource: HelpResource):
        first = not resource.emergency if emergency_first else False
        return (first, resource.region == "", resource.order, resource.name)

    return sorted(found, key=rank)


def help_region_has_own(*, language: str, region: str) -> bool:
    """Is there verified help of the region's own (not only the country's) in this language?"""
    return (
        bool(region)
        and HelpResource.objects.filter(
            active=True, verified=True, language=language, region=region
        ).exists()
    )


@dataclass(frozen=True)
class HelpToCheck:
    resource: HelpResource
    lapses_on: datetime.date | None  # None: not verified (never, or its check has lapsed)


def help_resources_to_check(*, soon_days: int = 30) -> list[HelpToCheck]:
    """What someone must call and check: every shown entry that is not verified, then those
    whose check lapses within `soon_days`, soonest first."""
    expires = help_check_expires()
    shown = HelpResource.objects.filter(active=True).order_by("language", "region", "order")
    unverified = [HelpToCheck(r, None) for r in shown.filter(verified=False)]
    soon = shown.filter(
        verified=True, verified_on__lt=expires + datetime.timedelta(days=soon_days)
    ).order_by("verified_on", "language", "region", "order")
    lapsing = [
        HelpToCheck(r, r.verified_on + datetime.timedelta(days=settings.HELP_VERIFY_DAYS))
        for r in soon
    ]
    return unverified + lapsing
