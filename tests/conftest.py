import logging
import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from knox.models import AuthToken

from config.celery import app as celery_app
from moderation.accounts import moderator_create
from testimony import anonymize, switches


def service_reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_service(name: str, available: bool) -> None:
    """Skip on a laptop without the service; in CI a missing service is a failure, never a skip."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI and is not available")
    pytest.skip(f"{name} is not available")


TEST_REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10")


@pytest.fixture
def redis_cache(request):
    """config.cache's RedisCache (the backend settings use) on the real Redis, under a key
    prefix of the test's own, emptied before and after."""
    from config.cache import RedisCache

    require_service("Redis", service_reachable(TEST_REDIS, 6379))
    made = RedisCache(TEST_REDIS, {"KEY_PREFIX": f"test-{request.node.name}-{os.getpid()}"})
    made.clear()
    yield made
    made.clear()


@pytest.fixture(autouse=True)
def _isolated(request):
    """Every test starts with an empty cache and, unless it drives a real worker, eager tasks."""
    cache.clear()
    anonymize._known = None  # the process's copy of today's key, read from that cache
    switches.forget()  # and of the pause switches
    eager = request.node.get_closest_marker("integration") is None
    previous = celery_app.conf.task_always_eager
    _set_eager(eager)
    yield
    _set_eager(previous)


def _set_eager(eager: bool) -> None:
    # Settings come from Django's with the CELERY_ prefix: celery 5.6 reads the prefixed key
    # first, 5.7 the plain one. Set both, and check, so no test sends to the real broker.
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = eager
    celery_app.conf.task_always_eager = eager
    assert celery_app.conf.task_always_eager is eager


@pytest.fixture
def all_rows(db):
    """Every value of every row of every table, as one string (raw SQL, not the ORM)."""

    def dump() -> str:
        out = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                out.extend(repr(row) for row in cursor.fetchall())
        return "\n".join(out)

    return dump


@pytest.fixture
def captured_logs(caplog):
    caplog.set_level(logging.DEBUG)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def text() -> str:
        return "\n".join(
            formatter.format(record) + repr(record.__dict__) for record in caplog.records
        )

    return text


@pytest.fixture
def api(client):
    """POST JSON to the public API the way a phone would."""

    def post(path: str, body=None, **extra):
        import json

        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return client.post(
            path, data=data, content_type=extra.pop("content_type", "application/json"), **extra
        )

    return post


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    return f"database: {engine}; broker: {settings.CELERY_BROKER_URL.split('@')[-1]}"


# --- Browser tests: one Chromium for the whole run, a fresh context per test -------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    require_service("Debian's Chromium (apt-get install chromium)", os.path.exists(CHROMIUM))
    # Playwright's sync API runs an event loop in this thread; the ORM calls tests make
    # around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(javascript=True, **context_options) -> a Page in its own fresh context."""
    contexts = []

    def make(javascript: bool = True, **options):
        context = browser.new_context(
            java_script_enabled=javascript, base_url=live_server.url, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, logged in the way the admin requires: with a TOTP device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- Staff accounts, made by the same service the command uses ------------------------------
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


# --- The wall's feeds ---------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_feed_memo():
    """Each process keeps rendered feed pages; a test database starts over, so must they."""
    from testimony.wall import feeds

    feeds.memo.clear()
    yield
    feeds.memo.clear()


@pytest.fixture
def get_feed(client):
    def get(slug: str, **headers):
        return client.get(f"/api/v1/wall/{slug}/stories/", **headers)

    return get
