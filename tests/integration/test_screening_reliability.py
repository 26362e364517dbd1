"""300 stories through a real worker, on real PostgreSQL and a Redis of the test's own, while
the worker is SIGKILLed and Redis (which keeps nothing on disk) restarts: every story ends
screened exactly once in effect, none is left in `received`.

The test shortens the visibility timeout, the lease and the sweep interval through the same
environment variables production uses (README lists the production values).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter

import pytest
from django.db.models import Count

from moderation.models import Finding, StorySignature
from testimony.models import AuditEvent, Status, Story
from tests.conftest import require_service
from tests.integration.conftest import ROOT, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STORIES = 300
SHORT = {
    "CELERY_VISIBILITY_TIMEOUT": "12",
    "SCREENING_LEASE_SECONDS": "6",
    "SCREENING_SWEEP_SECONDS": "1",
    "SCREENING_SOFT_TIME_LIMIT": "8",
    "SCREENING_TIME_LIMIT": "10",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own: the shared one is never restarted."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self._answers, timeout=20, message="the private redis-server to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Process:
    """A celery worker or beat subprocess, killed as a whole process group."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def wait_for(self, condition, *, timeout: float, message: str) -> None:
        """wait_for that fails at once, with that reason, if this process has exited."""
        wait_for(lambda: condition() or self.process.poll() is not None, timeout, message=message)
        assert self.process.poll() is None, f"the process exited while waiting for {message}"

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)


def worker(env, *extra: str) -> Process:
    return Process(
        ["worker", "-Q", "screening,default", "-c", "2", "--pool", "prefork", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat", *extra],
        env,
    )  # fmt: skip


SUBMIT = """
import json, sys
import django
django.setup()
from testimony.services import story_submit
for text in json.load(open(sys.argv[1])):
    story_submit(text=text, consent="wall", channel="web")
"""


def submit(env, texts: list[str], path) -> None:
    """Submit through story_submit in a process of its own, so that intake's on-commit hook
    enqueues on the private Redis, as the web process would."""
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-c", SUBMIT, str(path)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        timeout=120,
    )


def texts() -> list[str]:
    from moderation.evaluation import load_cases

    cases = [case.text for case in load_cases()]
    # Each story joins three labelled stories and a number: varied, with every kind of finding.
    return [
        f"{cases[i % len(cases)]} {cases[(i * 7 + 3) % len(cases)]} "
        f"{cases[(i * 13 + 5) % len(cases)]} ({i})"
        for i in range(STORIES)
    ]


def screened() -> int:
    return Story.objects.exclude(status=Status.RECEIVED).count()


def test_every_story_is_screened_exactly_once_through_kills_and_a_redis_restart(
    worker_env, tmp_path
):
    require_service(
        "redis-server (apt-get install redis-server)", bool(shutil.which("redis-server"))
    )
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {**worker_env, **SHORT, "REDIS_URL": redis.url}
    stories = texts()
    processes = [worker(env), Process(["beat", "-l", "warning", "-s", str(tmp_path / "beat")], env)]
    try:
        submit(env, stories[: STORIES // 2], tmp_path / "first.json")
        wait_for(lambda: screened() >= 30, timeout=300, message="the first screenings")
        processes[0].kill(signal.SIGKILL)  # midway, tasks in flight
        assert screened() < STORIES
        processes[0] = worker(env)
        submit(env, stories[STORIES // 2 :], tmp_path / "second.json")
        wait_for(lambda: screened() >= STORIES // 2 + 20, timeout=300, message="more screenings")
        assert screened() < STORIES
        redis.kill()  # the queue and every lease are gone
        redis.start()
        processes[0].wait_for(
            lambda: screened() == STORIES, timeout=420, message="every story screened"
        )
    finally:
        for process in processes:
            process.kill()
        redis.kill()

    assert Story.objects.count() == STORIES
    assert not Story.objects.filter(status=Status.RECEIVED).exists()
    # Exactly once in effect: one routing and one set of findings per story.
    routings = Counter(
        AuditEvent.objects.filter(action="screened").values_list("story_id", flat=True)
    )
    assert len(routings) == STORIES and set(routings.values()) == {1}
    languages = Finding.objects.filter(screener="language").values("story").annotate(n=Count("id"))
    assert len(languages) == STORIES and {row["n"] for row in languages} == {1}
    assert StorySignature.objects.count() == STORIES
    assert not Story.objects.filter(screening_incomplete=True).exists()
    # And the screeners ran: the danger in the labelled stories made stories urgent.
    assert Story.objects.filter(urgent=True).exists()


def test_the_worker_outlives_a_redis_restart_with_a_task_in_flight(worker_env, tmp_path):
    """Celery 5.7.0's worker exits on this ("Unrecoverable error: AttributeError ... hostname"):
    after a lost connection it closes the channel a second time, when unacknowledged messages
    make the close reach for a client the first close took away. One task held in flight, the
    worker waiting on the queue for the next, then Redis restarts: the worker must stay up and
    go on screening."""
    require_service(
        "redis-server (apt-get install redis-server)", bool(shutil.which("redis-server"))
    )
    from tests.integration.worker_tasks import hold

    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {**worker_env, **SHORT, "REDIS_URL": redis.url}
    process = worker(env, "--include", "tests.integration.worker_tasks")
    started = tmp_path / "started"
    try:
        with hold.app.connection_for_write(redis.url) as connection:
            hold.apply_async((str(started), 10), connection=connection)
        wait_for(started.exists, timeout=120, message="the held task to start")
        redis.kill()
        redis.start()
        submit(env, texts()[:3], tmp_path / "after.json")
        process.wait_for(
            lambda: screened() == 3,
            timeout=120,
            message="the stories told after the restart to be screened",
        )
    finally:
        process.kill()
        redis.kill()
