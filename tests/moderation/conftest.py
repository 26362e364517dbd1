"""Fixtures of the workspace tests: accounts made by the same service the command uses, and
stories submitted and routed by the same services intake and screening use."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from knox.models import AuthToken

from moderation.accounts import moderator_create
from moderation.models import Finding, Severity, StorySignature
from testimony.models import Story
from testimony.services import story_mark_screened
from tests.factories import SubmittedStoryFactory


@pytest.fixture
def make_user(db):
    def make(role: str = "moderator", name: str = "", languages=("en", "ru", "kk")):
        made = moderator_create(
            username=name or f"{role}-{make.count}", role=role, languages=list(languages)
        )
        make.count += 1
        made.device.confirmed = True
        made.device.save()
        return made.user

    make.count = 0
    return make


@pytest.fixture
def moderator(make_user):
    return make_user("moderator", "mira")


@pytest.fixture
def other_moderator(make_user):
    return make_user("moderator", "olga")


@pytest.fixture
def lead(make_user):
    return make_user("lead", "lena")


def screened(
    text: str = "He shouted at me every night, and I was afraid to go back home.",
    *,
    findings=(),
    held: bool = False,
    urgent: bool = False,
    language: str = "en",
    cluster: str = "",
    region: str = "",
    consent: str = "wall",
) -> Story:
    """A story as screening leaves it: findings recorded (offsets only), routed, waiting."""
    story = Story.objects.get(
        id=SubmittedStoryFactory(text=text, region=region, consent=consent).story_id
    )
    for screener, kind, severity, start, end in findings:
        Finding.objects.create(
            story=story,
            screener=screener,
            kind=kind,
            severity=severity,
            start=start,
            end=end,
            detail=f"{screener} rule: {kind}",
        )
    if cluster:
        StorySignature.objects.create(story=story, minhash=b"", cluster=cluster)
    return story_mark_screened(
        story=story, language=language, held=held, urgent=urgent, incomplete=False
    )


def pii(kind: str, start: int, end: int, severity=Severity.HIGH):
    return ("pii", kind, severity, start, end)


@pytest.fixture
def verified_client(client):
    """A test client logged in with a verified TOTP device, as after the real login."""

    def login(user, the_client=None):
        the_client = the_client or client
        the_client.force_login(user)
        session = the_client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
        return the_client

    return login


@pytest.fixture
def token_for(db):
    def issue(user) -> str:
        return AuthToken.objects.create(user=user)[1]

    return issue


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Accounts are made per test: a deliberately slow hash would only slow the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
