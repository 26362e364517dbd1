"""Help resources: marking one verified, and letting a check lapse after HELP_VERIFY_DAYS.

Only a verified resource is shown to survivors (testimony.selectors.help_resources): a number
that has changed hands, or a shelter that has closed, is worse than no number at all.
"""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from testimony.models import HelpResource


def help_check_expires(*, today: datetime.date | None = None) -> datetime.date:
    """Checks made before this day have lapsed."""
    return (today or timezone.localdate()) - datetime.timedelta(days=settings.HELP_VERIFY_DAYS)


def help_resources_verify(*, resources: QuerySet, today: datetime.date | None = None) -> int:
    """Someone called these and checked every detail today."""
    return resources.update(verified=True, verified_on=today or timezone.localdate())


def help_checks_expire(*, today: datetime.date | None = None) -> int:
    """Drop every verified resource whose check is older than HELP_VERIFY_DAYS back to
    unverified. Idempotent: a second run finds nothing left to drop."""
    lapsed = Q(verified_on__isnull=True) | Q(verified_on__lt=help_check_expires(today=today))
    return HelpResource.objects.filter(lapsed, verified=True).update(verified=False)
