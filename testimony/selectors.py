"""Reads of stories."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from testimony import receipts
from testimony.models import HelpResource, Status, Story

# What a survivor is told about her story, in plain words. Held and pending look the same
# to her: "held" is a moderator's word for a suspected flood.
PLAIN_STATUS = {
    Status.RECEIVED: _("Received. It is waiting to be read."),
    Status.PENDING: _("Being reviewed by a moderator."),
    Status.HELD: _("Being reviewed by a moderator."),
    Status.APPROVED: _("Approved. It will appear on the wall soon."),
    Status.PUBLISHED: _("On the wall."),
    Status.REJECTED: _("Not published."),
    Status.WITHDRAWN: _("Withdrawn. Its text has been erased."),
}


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
    return story.status, str(PLAIN_STATUS[story.status])


def stories_awaiting_screening() -> list[str]:
    return [
        str(pk) for pk in Story.objects.filter(status=Status.RECEIVED).values_list("id", flat=True)
    ]


def help_resources(
    *, language: str, region: str = "", emergency_first: bool = False
) -> list[HelpResource]:
    """Helplines in this language for the region and for the whole country: the region's own
    first, then the country's; with emergency_first, the emergency numbers before all of them."""
    places = Q(region="") | Q(region=region) if region else Q(region="")
    found = HelpResource.objects.filter(places, active=True, language=language)

    def rank(resource: HelpResource):
        first = not resource.emergency if emergency_first else False
        return (first, resource.region == "", resource.order, resource.name)

    return sorted(found, key=rank)
