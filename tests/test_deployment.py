"""The real stack's files: checked here, since no Docker engine runs in CI."""

import ast
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_the_whole_real_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
    assert "config/gunicorn.py" in services["web"]["command"]
    assert "-Q screening" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "--save" in services["redis"]["command"]
    assert "log_min_error_statement=panic" in services["db"]["command"]
    assert (ROOT / "Dockerfile").exists()


def test_procfile_runs_web_worker_and_beat():
    entries = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert "gunicorn config.wsgi --config config/gunicorn.py" in entries["web"]
    assert "-Q screening" in entries["worker"]
    assert "celery -A config beat" in entries["beat"]


def test_testimony_never_imports_moderation():
    for path in (ROOT / "testimony").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] in ("moderation", "frontend") for n in names), path


def test_runserver_logs_no_requests():
    assert settings.LOGGING["loggers"]["django.server"]["level"] == "ERROR"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(tmp_path, **variables):
    """gunicorn with config/gunicorn.py on a fresh SQLite database; yields (port, log path)."""
    port = _free_port()
    env = dict(
        os.environ,
        PORT=str(port),
        BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        **variables,
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    log = tmp_path / "gunicorn.log"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), 1):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        pytest.fail(log.read_text())
                    time.sleep(0.1)
            yield port, log
        finally:
            server.terminate()
            server.wait(20)


def _get(port: int, path: str, headers: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
            + headers
            + b"Connection: close\r\n\r\n"
        )
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


def test_gunicorn_logs_no_address_agent_referer_or_time(tmp_path):
    with gunicorn(tmp_path) as (port, log):
        answer = _get(
            port,
            "/en/tell/?q=marker-query",
            b"User-Agent: marker-agent\r\nReferer: http://marker-referer/\r\n"
            b"X-Forwarded-For: 198.51.100.7\r\n",
        )
        assert b"200 OK" in answer[:100]
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(b"\x16\x03\x01garbage that is not http\r\n\r\n")
            conn.recv(100)
        deadline = time.monotonic() + 10
        while b"/en/tell/" not in log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.05)
    text = log.read_text()
    assert '"GET /en/tell/" 200' in text
    for marker in ("127.0.0.1", "198.51.100.7", "marker-agent", "marker-referer", "marker-query"):
        assert marker not in text, marker
    assert "Invalid request from ip=[addr]" in text  # gunicorn's own line, redacted
    access = [line for line in text.splitlines() if "/en/tell/" in line]
    assert not re.search(r"\d\d:\d\d:\d\d", access[0])


HTTPS_ON = {"SECURE_SSL_REDIRECT": "true", "SECURE_HSTS_SECONDS": "600"}


def test_gunicorn_leaves_the_scheme_to_django_without_a_trusted_proxy(tmp_path):
    """Anyone can send X-Forwarded-Proto: only a trusted proxy's is believed, also by gunicorn."""
    with gunicorn(tmp_path, TRUSTED_PROXY_COUNT="0", **HTTPS_ON) as (port, _):
        answer = _get(port, "/healthz", b"X-Forwarded-Proto: https\r\n")
    assert answer.startswith(b"HTTP/1.1 301")
    assert b"Location: https://127.0.0.1/healthz" in answer


def test_gunicorn_behind_a_trusted_proxy_serves_https_requests(tmp_path):
    with gunicorn(tmp_path, TRUSTED_PROXY_COUNT="1", **HTTPS_ON) as (port, _):
        secure = _get(port, "/healthz", b"X-Forwarded-Proto: https\r\n")
        plain = _get(port, "/healthz")
    assert (
        secure.startswith(b"HTTP/1.1 200") and b"Strict-Transport-Security: max-age=600" in secure
    )
    assert plain.startswith(b"HTTP/1.1 301")


def test_readme_documents_every_environment_variable():
    """The issue asks for a table of every variable: one read anywhere and missing here fails."""
    read = set()
    for path in [*ROOT.glob("config/*.py"), ROOT / "Procfile"]:
        text = path.read_text()
        read |= set(re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', text))
        read |= set(re.findall(r'os\.environ(?:\.get)?[\[(]"([A-Z_]+)"', text))
        read |= set(re.findall(r"\$\{([A-Z_]+)", text))
    readme = (ROOT / "README.md").read_text()
    assert len(read) > 40  # the scan found the settings
    assert {name for name in read if f"`{name}`" not in readme} == set()
