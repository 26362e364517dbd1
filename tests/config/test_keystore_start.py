"""A web process or a worker without the keystore, over a database with encrypted stories,
refuses to start with a message naming STORY_KEYSTORE, and writes nothing (issue 12)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from testimony.models import Story, StoryKey
from tests.testimony.factories import received

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

WEB = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
WORKER = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "-l", "warning"]


def _env(keystore: Path) -> dict[str, str]:
    env = dict(os.environ, STORY_KEYSTORE=str(keystore), BIND_HOST="127.0.0.1", PORT="0")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{auth}@{host}/{db['NAME']}"
    else:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["SQLITE_PATH"] = db["NAME"]
    env.pop("UNTOLD_EMBEDDED", None)
    return env


def _start(command: list[str], keystore: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=_env(keystore), capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", [WEB, WORKER], ids=["web", "worker"])
def test_a_missing_keystore_stops_the_process_with_its_name(command, tmp_path):
    received(text="An encrypted story waits: he threatened my mother.")
    rows = (Story.objects.count(), StoryKey.objects.count())
    started = _start(command, tmp_path / "missing")
    assert started.returncode != 0
    assert "STORY_KEYSTORE" in started.stdout + started.stderr
    assert not (tmp_path / "missing").exists()
    assert (Story.objects.count(), StoryKey.objects.count()) == rows


@pytest.mark.parametrize("command", [WEB, WORKER], ids=["web", "worker"])
def test_an_empty_keystore_gets_no_fresh_key_over_encrypted_stories(command, tmp_path):
    received(text="An encrypted story waits: he took the car keys.")
    (tmp_path / "empty").mkdir()
    started = _start(command, tmp_path / "empty")
    assert started.returncode != 0
    assert "STORY_KEYSTORE" in started.stdout + started.stderr
    assert list((tmp_path / "empty").iterdir()) == []
