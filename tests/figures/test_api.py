"""GET /api/v1/statistics/ answers the latest release in the Contract's shape, suppressed
cells absent; `manage.py statistics_release` makes one now."""

from io import StringIO

import pytest
from django.core.management import call_command

from figures.models import Release
from tests.figures import factories

pytestmark = pytest.mark.django_db


def test_before_any_release_the_api_answers_an_empty_document(client):
    body = client.get("/api/v1/statistics/").json()
    assert body == {"released_on": None, "k": None, "rounding": None, "cells": []}


def test_the_api_answers_the_latest_release_in_the_contract_shape(client):
    Release.objects.create(number=1, released_on="2026-11-30", k=10, rounding=5, cells=[])
    cell = {
        "question": "relation",
        "value": "husband",
        "region": "all",
        "period": "2026",
        "count": 15,
    }
    Release.objects.create(number=2, released_on="2026-12-01", k=10, rounding=5, cells=[cell])
    response = client.get("/api/v1/statistics/")
    assert response.status_code == 200
    assert response.json() == {"released_on": "2026-12-01", "k": 10, "rounding": 5, "cells": [cell]}
    assert "Set-Cookie" not in response.headers


def test_the_command_makes_a_release_now(settings):
    settings.STATS_K, settings.STATS_ROUNDING = 20, 10
    out = StringIO()
    call_command("statistics_release", stdout=out)
    release = Release.objects.get()
    assert (release.k, release.rounding) == (20, 10)
    assert "release 1" in out.getvalue()
    factories.release()
    assert Release.objects.first().number == 2
