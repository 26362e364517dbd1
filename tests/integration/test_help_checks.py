import datetime

import pytest
from django.utils import timezone

from testimony.models import HelpResource
from testimony.tasks import expire_help_checks
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_lets_a_lapsed_help_check_drop(celery_worker):
    lapsed = timezone.localdate() - datetime.timedelta(days=365)
    resource = HelpResource.objects.create(
        name="Old crisis centre",
        kind="crisis-centre",
        phone="+7 700 000 0000",
        language="en",
        verified=True,
        verified_on=lapsed,
    )
    expire_help_checks.delay()
    wait_for(
        lambda: not HelpResource.objects.get(pk=resource.pk).verified,
        timeout=90,
        message="the worker to drop the lapsed check",
    )
