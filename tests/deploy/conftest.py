"""The shipped nginx in front of a production-mode gunicorn (SQLite, tasks in-process): what the
proxy does needs no PostgreSQL or Redis. Debian's nginx is required in CI (.ci/run installs it).
"""

import json
import os

import pytest

from tests.conftest import require_service
from tests.integration import stack

ONION = "untoldexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"

SEED = """
import json
from knox.models import AuthToken
from moderation.accounts import moderator_create
from tests.testimony.wall import factories
place = factories.installation("hall")
stories = [
    factories.published(at=[place], text=f"Published story number {n}, told here.")
    for n in range(5)
]
lead = moderator_create(username="lena", role="lead", languages=["en"]).user
print(json.dumps({
    "receipts": [story.receipt for story in stories],
    "texts": [story.published_text for story in stories],
    "token": AuthToken.objects.create(user=lead)[1],
}))
"""


class ProxiedStack:
    def __init__(self, nginx: stack.Nginx, web: stack.Service, seeded: dict):
        self.nginx = nginx
        self.web = web
        self.seeded = seeded

    def client(self, **options) -> stack.Client:
        return self.nginx.client(**options)

    def upstream_requests(self, path: str) -> int:
        """How many requests for `path` (without query) reached gunicorn so far."""
        return self.web.log.read_text().count(f'"GET {path}"')


@pytest.fixture(scope="session")
def proxied(tmp_path_factory):
    require_service("Debian's nginx (apt-get install nginx-light)", stack.nginx_available())
    work = tmp_path_factory.mktemp("proxied")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(work / "db.sqlite3"),
        "ALLOWED_HOSTS": stack.PUBLIC_HOST,
        "ONION_ADDRESS": ONION,
        "TRUSTED_PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "600",
        "POW_ENABLED": "false",
        "WALL_FEED_PAGE_SIZE": "2",
        "WALL_FEED_MAX_AGE": "30",
        "LOG_LEVEL": "INFO",
    }
    stack.manage(env, "migrate", "-v0")
    seeded = json.loads(stack.manage(env, code=SEED).strip().splitlines()[-1])
    port = stack.free_port()
    nginx, web = stack.Nginx(gunicorn_port=port), None
    try:
        web = stack.gunicorn(env, work, port=port)
        nginx.start()
        yield ProxiedStack(nginx, web, seeded)
    finally:
        nginx.stop()
        if web is not None:
            web.stop()
        nginx.remove()
