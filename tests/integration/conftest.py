"""A real Celery worker process on the real Redis and PostgreSQL, for the integration tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require_service, service_reachable

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout: float = 60.0, interval: float = 0.1, message: str = ""):
    """Poll until condition() is truthy; return its value or fail with the message."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message or condition}")
        time.sleep(interval)


def test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A `celery worker` subprocess that uses the test database."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "screening,default",
                "-c",
                "1",
                "--pool",
                "prefork",
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole worker (main process and its pool children) at once."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def worker_env(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        vendor = connection.vendor
    require_service("PostgreSQL (DATABASE_URL)", vendor == "postgresql")
    require_service(
        "Redis (REDIS_URL)",
        bool(settings.REDIS_URL) and service_reachable(settings.REDIS_URL, 6379),
    )
    env = dict(os.environ)
    with django_db_blocker.unblock():
        env["DATABASE_URL"] = test_database_url()
    env["REDIS_URL"] = settings.REDIS_URL
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@pytest.fixture(scope="session")
def celery_worker(worker_env):
    """One worker for the session; tests that kill it start another through the same object."""
    worker = Worker(worker_env).start()
    yield worker
    worker.stop()
