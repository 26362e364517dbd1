"""Schemathesis against /api/v1/schema/: every public endpoint, and with a lead's token every
moderation endpoint, called with generated requests (valid and invalid ones): no answer is a
5xx and every answer conforms to the schema (its status, its content type, its body).

Bounded: a fixed number of examples per operation (FUZZ_EXAMPLES, default 50), no deadline.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import positive_data_acceptance

from moderation.accounts import moderator_create
from tests.testimony.wall import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))


# The application itself, not config.wsgi: that module checks the keystore against the
# database as a web process starts, and a test module is imported before any database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _site(db, settings):
    settings.POW_ENABLED = False
    settings.INTAKE_RATE_LIMIT = "off"
    settings.RECEIPT_LOOKUP_RATE_LIMIT = "off"
    factories.installation(slug="hall")
    # As Django's test client does: the test's transaction outlives each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def lead_token(db):
    lead = moderator_create(username="fuzz-lead", role="lead").user
    return AuthToken.objects.create(user=lead)[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_5xx_or_an_answer_the_schema_does_not_describe(case, lead_token):
    # The lead's token where the case has a token (any, generated from the security scheme);
    # a case made to lack one (a negative case) is sent without, and must be refused.
    has_token = "Authorization" in (case.headers or {})
    headers = {"Authorization": f"Token {lead_token}"} if has_token else {}
    # Every check of the answer against the schema, and the refusal of what the schema forbids.
    # Left out: "positive data acceptance" (a schema-valid text can still be too short once
    # its markup is stripped, a well-formed receipt can name no story: a documented 400/404).
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
