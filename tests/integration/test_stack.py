"""The real stack, run whole: Debian's nginx with the shipped configuration in front of gunicorn,
a Celery worker and Celery beat, on the machine's PostgreSQL and Redis. A story is told over
HTTPS, screened, approved through the moderation API, published by beat and seen in the feed
through the micro-cache; another is withdrawn and leaves the feed within the bound. Then every
log the run wrote is read for what the clients sent about themselves.

And `make up`: the Procfile under honcho, configured by an env file, on the same services.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from knox.models import AuthToken

from moderation.accounts import moderator_create
from tests.conftest import require_service
from tests.integration import stack
from tests.integration.conftest import ROOT
from tests.testimony.wall import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FEED = "/api/v1/wall/hall/stories/"
METRICS_TOKEN = "stack-test-metrics-token"
# What a client says about itself, each of which must appear in no log. The address is the
# client's own (a 127.0.0.x the test sends from).
ADDRESS = "127.0.0.77"
MARKERS = {
    "X-Forwarded-For": "198.51.100.77",
    "User-Agent": "marker-agent-e2e/1.0",
    "Referer": "https://marker-referer-e2e.example/page",
    "Cookie": "marker_cookie_e2e=marker-cookie-value-e2e",
}
LOOKED_FOR = [ADDRESS, "198.51.100.77", "marker-agent-e2e", "marker-referer-e2e",
              "marker_cookie_e2e", "marker-cookie-value-e2e"]  # fmt: skip
STORIES = [
    "For years he checked my phone and took my salary. I left last spring and I am safe now.",
    "My mother-in-law said a good wife stays silent. I did not stay silent, and I am writing it.",
]


def stack_env(worker_env: dict[str, str], **extra: str) -> dict[str, str]:
    return {
        **worker_env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CACHE_KEY_PREFIX": f"stack-e2e-{os.getpid()}",
        "ALLOWED_HOSTS": f"{stack.PUBLIC_HOST},127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "600",
        "METRICS_TOKEN": METRICS_TOKEN,
        "POW_ENABLED": "false",
        "SECOND_REVIEW_REQUIRED": "false",
        # The publication window, shortened: published within a second or two of approval.
        "WALL_DELAY_MIN_SECONDS": "0",
        "WALL_DELAY_MAX_SECONDS": "1",
        "WALL_MIN_BATCH": "1",
        "WALL_PUBLISH_SECONDS": "0.5",
        "WALL_FEED_MAX_AGE": "30",
        "LOG_LEVEL": "INFO",
        **extra,
    }


@pytest.fixture
def real_stack(worker_env, tmp_path):
    """nginx, gunicorn (2 workers), a Celery worker and beat; all stopped whatever happens."""
    require_service("Debian's nginx (apt-get install nginx-light)", stack.nginx_available())
    env = stack_env(worker_env)
    logs = tmp_path / "logs"
    logs.mkdir()
    services, nginx = [], None
    postgres_logs = {path: path.stat().st_size for path in POSTGRES_LOGS.glob("*.log")}
    try:
        services.append(
            stack.celery(
                "worker",
                [
                    "worker",
                    "-Q",
                    "screening,default",
                    "-c",
                    "1",
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env,
                logs,
            )  # fmt: skip
        )
        services.append(
            stack.celery(
                "beat", ["beat", "-l", "info", "--schedule", str(tmp_path / "beat")], env, logs
            )
        )
        port = stack.free_port()
        services.append(stack.gunicorn(env, logs, port=port, workers=2))
        nginx = stack.Nginx(gunicorn_port=port)
        nginx.start()
        yield {
            "nginx": nginx,
            "services": services,
            "gunicorn_port": port,
            "logs": logs,
            "postgres_logs": postgres_logs,
        }
    finally:
        if nginx is not None:
            nginx.stop()
            nginx.remove()
        for service in services:
            service.stop()


# Debian's PostgreSQL clusters log here (pg_ctlcluster), as on this machine and in CI.
POSTGRES_LOGS = Path("/var/log/postgresql")


def _json(answer) -> dict:
    status, _, body = answer
    assert status < 400, (status, body[:500])
    return json.loads(body) if body else {}


def test_a_story_goes_through_the_whole_stack_and_nothing_of_its_teller_is_logged(real_stack):
    nginx, services = real_stack["nginx"], real_stack["services"]
    place = factories.installation("hall")
    lead = moderator_create(username="lena", role="lead", languages=["en", "ru", "kk"]).user
    token = AuthToken.objects.create(user=lead)[1]
    survivor = nginx.client(source=ADDRESS)
    staff = nginx.client(source="127.0.0.78")
    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def alive():
        for service in services:
            service.require_alive()

    # 1. She tells two stories over HTTPS, with everything a browser would say about her.
    receipts = []
    for text in STORIES:
        body = json.dumps({"text": text, "consent": "wall"}).encode()
        headers = {**MARKERS, "Content-Type": "application/json"}
        answer = _json(survivor.request("POST", "/api/v1/stories/", body=body, headers=headers))
        receipts.append(answer["receipt"])

    # 2. The worker screens them into the queue, which a lead reads through the API.
    def queued():
        alive()
        results = _json(staff.get("/api/v1/moderation/queue/", headers=auth))["results"]
        return results if len(results) == len(STORIES) else None

    waiting = stack.wait_until(queued, timeout=60, message="screening of both stories")

    # 3. She approves both for the hall's wall.
    for item in waiting:
        path = f"/api/v1/moderation/stories/{item['id']}/"
        claim = _json(staff.request("POST", f"{path}claim/", headers=auth))
        decision = {"action": "approve", "version": claim["version"], "installations": ["hall"]}
        staff_answer = staff.request(
            "POST", f"{path}decision/", body=json.dumps(decision).encode(), headers=auth
        )
        _json(staff_answer)

    # 4. Beat publishes them; the feed, through nginx's micro-cache, shows both.
    def feed_texts() -> list[str]:
        alive()
        return [s["text"] for s in _json(survivor.get(FEED, headers=MARKERS))["stories"]]

    stack.wait_until(lambda: len(feed_texts()) == 2, timeout=60, message="beat to publish")
    shown = feed_texts()
    assert all(any(text in published for published in shown) for text in STORIES)
    _, headers, _ = survivor.get(FEED, headers=MARKERS)
    assert stack.header(headers, "X-Cache-Status") in ("HIT", "UPDATING", "REVALIDATED")

    # 5. She withdraws the second: it leaves the feed within the micro-cache's second.
    withdraw = json.dumps({"receipt": receipts[1]}).encode()
    headers = {**MARKERS, "Content-Type": "application/json"}
    _json(survivor.request("POST", "/api/v1/receipts/withdraw/", body=withdraw, headers=headers))
    withdrawn = time.monotonic()
    stack.wait_until(
        lambda: not any(STORIES[1][:40] in text for text in feed_texts()),
        timeout=10,
        message="the withdrawn story to leave the feed",
    )
    assert time.monotonic() - withdrawn < 1 + 1.5  # the micro-cache's second, and slack
    assert any(STORIES[0][:40] in text for text in feed_texts())

    # 6. Health and operations, asked of gunicorn directly as the orchestrator and Prometheus do.
    base = f"http://127.0.0.1:{real_stack['gunicorn_port']}"
    ready = json.loads(urllib.request.urlopen(f"{base}/readyz", timeout=10).read())
    assert ready == {"database": "ok", "cache": "ok", "broker": "ok", "keystore": "ok"}
    scrape = urllib.request.Request(
        f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    metrics = urllib.request.urlopen(scrape, timeout=10).read().decode()
    assert "untold_worker_alive 1.0" in metrics
    assert 'untold_job_last_success_timestamp_seconds{job="wall-publish"}' in metrics
    assert place.slug in metrics

    # 7. Every log the run wrote, read once every process has stopped.
    nginx.stop()
    for service in services:
        service.stop()
    logs = {path.name: path.read_text(errors="replace") for path in real_stack["logs"].glob("*")}
    logs.update(
        {f"nginx/{path.name}": path.read_text() for path in (nginx.root / "logs").glob("*.log")}
    )
    assert '"POST /api/v1/stories/" 201' in logs["nginx/untold-access.log"]
    assert '"POST /api/v1/stories/" 201' in logs["gunicorn.log"]
    assert "moderation.screen_story" in logs["worker.log"]
    assert "testimony.publish_due" in logs["beat.log"]
    assert logs["nginx/default-access.log"] == ""  # Debian's own access log, overridden
    # PostgreSQL's own log (Debian's cluster log): what it wrote during the run.
    require_service("PostgreSQL's log (/var/log/postgresql)", bool(real_stack["postgres_logs"]))
    for path, size in real_stack["postgres_logs"].items():
        with path.open("rb") as log:
            log.seek(size)
            logs[f"postgresql/{path.name}"] = log.read().decode(errors="replace")
    for name, text in logs.items():
        for marker in LOOKED_FOR:
            assert marker not in text, f"{marker} in {name}"


def test_make_up_runs_the_procfile_under_honcho(worker_env, tmp_path):
    """One machine: `make up` migrates, then honcho starts gunicorn, a worker and beat; Ctrl-C
    stops them all."""
    port = stack.free_port()
    values = stack_env(
        worker_env, PORT=str(port), BIND_HOST="127.0.0.1", SCREENING_SWEEP_SECONDS="1"
    )
    keep = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "RECEIPT_KEYS", "STORY_KEYSTORE")
    env_file = tmp_path / "untold.env"
    env_file.write_text(
        "".join(
            f"{name}={value}\n"
            for name, value in values.items()
            if name in keep or name not in worker_env
        )
    )
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        up = subprocess.Popen(
            ["make", "--no-print-directory", "up", f"ENV_FILE={env_file}", f"PORT={port}"],
            cwd=ROOT,
            env=clean,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        scrape = urllib.request.Request(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        )

        def swept_by_the_worker() -> bool:
            if up.poll() is not None:
                pytest.fail(log.read_text())
            try:
                text = urllib.request.urlopen(scrape, timeout=5).read().decode()
            except OSError:
                return False
            return (
                "untold_workers_answering" in text
                and 'untold_job_last_success_timestamp_seconds{job="screening-sweep"}' in text
            )

        stack.wait_until(swept_by_the_worker, timeout=90, message="web, worker and beat")
        os.killpg(up.pid, signal.SIGINT)  # Ctrl-C in the terminal
        up.wait(60)
        stack.wait_until(lambda: not _answers(port), timeout=30, message="gunicorn to stop")
    finally:
        if up.poll() is None:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait(10)
    text = log.read_text()
    assert "Booting worker" in text and "Shutting down: Master" in text  # gunicorn
    assert "beat: Starting" in text


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False
