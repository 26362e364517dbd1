"""`make run` ends with `manage.py serve`: gunicorn, DEBUG off, stopped cleanly by Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=5)
    except urllib.error.HTTPError as error:
        return error


@pytest.fixture
def served(tmp_path):
    """`manage.py serve` as `make run` starts it, on a fresh SQLite database."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "UNTOLD_EMBEDDED": "1",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "SCREENING_SWEEP_SECONDS": "0.5",
        "METRICS_TOKEN": "serve-test",
    }
    env.pop("DEBUG", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        )
    try:

        def up():
            if process.poll() is not None:
                pytest.fail(log.read_text())
            try:
                return _get(f"http://127.0.0.1:{port}/healthz").status == 200
            except OSError:
                return False

        wait_for(up, timeout=30, message="serve to answer /healthz")
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_make_run_serves_with_gunicorn_not_the_development_server(served):
    base, _, log = served
    assert _get(f"{base}/healthz").headers["Server"] == "gunicorn"
    assert "development server" not in log.read_text()


def test_make_run_serves_with_debug_off(served):
    base, _, _ = served
    missing = _get(f"{base}/no-such-page/")
    assert missing.status == 404
    assert b"URLconf" not in missing.read()  # Django's debug 404 page lists the URL patterns


def test_make_run_runs_the_periodic_jobs_in_its_worker(served):
    base, _, _ = served
    request = urllib.request.Request(
        f"{base}/metrics", headers={"Authorization": "Bearer serve-test"}
    )

    def swept():
        text = urllib.request.urlopen(request, timeout=5).read().decode()
        return 'untold_job_last_success_timestamp_seconds{job="screening-sweep"}' in text

    wait_for(swept, timeout=30, message="the in-process sweep to run")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_ctrl_c_stops_the_server_and_its_worker_cleanly(served):
    _, process, log = served
    worker = int(re.search(r"Booting worker with pid: (\d+)", log.read_text()).group(1))
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
    assert process.wait(30) == 0
    wait_for(lambda: not _running(worker), timeout=30, message="the worker to exit")
    text = log.read_text()
    assert "Shutting down: Master" in text and "Traceback" not in text
