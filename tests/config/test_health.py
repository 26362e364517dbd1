"""/healthz and /readyz: fast, and saying nothing about stories."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readyz_names_each_service_and_nothing_about_stories(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    answers = response.json()
    assert set(answers) == {"database", "cache", "broker", "keystore"}
    assert answers["database"] == answers["cache"] == answers["keystore"] == "ok"
    assert answers["broker"] in ("ok", "in-process")  # the suite runs tasks eagerly
    assert response["Cache-Control"] == "no-store"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again once the socket is: nothing listens there


READYZ = """
import django, json
django.setup()
from django.test import Client
print("healthz", Client().get("/healthz").status_code)
response = Client().get("/readyz")
print(response.status_code, json.dumps(response.json(), sort_keys=True))
"""


def readyz_with(tmp_path, **variables) -> tuple[int, dict]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        **variables,
    }
    done = subprocess.run(
        [sys.executable, "-c", READYZ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "healthz 200" in done.stdout  # the process is up, whatever it cannot reach
    status, body = done.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


def test_readyz_fails_when_postgresql_is_unreachable(tmp_path):
    status, answers = readyz_with(
        tmp_path, DATABASE_URL=f"postgres://untold@127.0.0.1:{_closed_port()}/untold"
    )
    assert status == 503
    assert answers == {
        "database": "unreachable",
        "cache": "ok",
        "broker": "in-process",
        "keystore": "ok",
    }


def test_readyz_fails_when_redis_is_unreachable(tmp_path):
    status, answers = readyz_with(tmp_path, REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    assert status == 503
    assert answers == {
        "database": "ok",
        "cache": "unreachable",
        "broker": "unreachable",
        "keystore": "ok",
    }


def test_readyz_fails_when_the_keystore_is_not_mounted(tmp_path):
    status, answers = readyz_with(tmp_path, STORY_KEYSTORE=str(tmp_path / "not-mounted"))
    assert status == 503
    assert answers["keystore"] == "unreachable" and answers["database"] == "ok"
    assert not (tmp_path / "not-mounted").exists()
