"""Installations: an edit of one's settings reaches its screens on their next poll."""

from django.db import transaction

from testimony.models import Installation
from testimony.wall import feeds


@transaction.atomic
def installation_save(*, installation: Installation) -> Installation:
    """Save an installation's settings; its screens pick up the new policy on their next poll."""
    installation.full_clean()
    if installation.pk is None:
        installation.save()
    else:  # never write back a feed_version read before someone else bumped it
        editable = [
            f.name
            for f in Installation._meta.concrete_fields
            if f.name not in ("id", "feed_version")
        ]
        installation.save(update_fields=editable)
    feeds.feed_bump(installation_ids=[installation.id])
    return installation
