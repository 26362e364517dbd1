"""The real stack's files: checked here, since no Docker engine runs in CI."""

import ast
import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = ("web", "worker", "beat", "migrate")


def test_compose_runs_the_whole_real_stack():
    assert {"db", "redis", "web", "worker", "beat", "migrate", "proxy", "tor"} <= set(SERVICES)
    for name in APP:
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert SERVICES[name]["env_file"] == [".env"]
    assert "config/gunicorn.py" in SERVICES["web"]["command"]
    assert "-Q screening" in SERVICES["worker"]["command"]
    assert "beat" in SERVICES["beat"]["command"]
    assert "--save" in SERVICES["redis"]["command"]
    assert "log_min_error_statement=panic" in SERVICES["db"]["command"]
    assert (ROOT / "Dockerfile").exists()


def test_only_the_proxy_publishes_ports():
    published = {name: service.get("ports") for name, service in SERVICES.items()}
    assert published.pop("proxy") == ["80:80", "443:443"]
    assert not any(published.values()), published  # no database, Redis or gunicorn port


def test_gunicorn_and_tor_are_reachable_only_inside_the_proxys_network():
    for name in ("web", "tor"):
        assert SERVICES[name]["network_mode"] == "service:proxy"
    assert SERVICES["web"]["environment"]["BIND_HOST"] == "127.0.0.1"


def test_the_proxy_and_tor_images_carry_the_shipped_configurations():
    assert SERVICES["proxy"]["build"] == "deploy/nginx"
    assert (
        "COPY untold.conf /etc/nginx/conf.d/untold.conf"
        in (ROOT / "deploy/nginx/Dockerfile").read_text()
    )
    assert SERVICES["tor"]["build"] == "deploy/tor"
    assert "COPY torrc /etc/tor/torrc" in (ROOT / "deploy/tor/Dockerfile").read_text()
    assert SERVICES["proxy"]["tmpfs"] == ["/var/cache/nginx"]  # the micro-cache, in memory


def test_health_checks_use_readyz_and_every_service_restarts():
    assert "/readyz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    for name in ("db", "redis", "proxy"):
        assert "healthcheck" in SERVICES[name], name
    for name, service in SERVICES.items():
        if "tools" in service.get("profiles", []):
            continue  # one-off commands
        expected = "no" if name == "migrate" else "unless-stopped"
        assert service["restart"] == expected, name


def test_named_volumes_for_the_database_certificates_static_files_and_onion_keys():
    assert {"db-data", "certificates", "static", "onion-keys"} <= set(COMPOSE["volumes"])
    assert "db-data:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "certificates:/etc/letsencrypt:ro" in SERVICES["proxy"]["volumes"]
    assert "onion-keys:/var/lib/tor/untold" in SERVICES["tor"]["volumes"]
    # The keystore: a volume of its own (never the database's), in every application container.
    assert "keystore" in COMPOSE["volumes"]
    for name in APP:
        assert "keystore:/run/untold/keystore" in SERVICES[name]["volumes"]
        assert SERVICES[name]["environment"]["STORY_KEYSTORE"] == "/run/untold/keystore"
    assert not any("keystore" in v for v in SERVICES["db"]["volumes"])


def test_compose_refuses_to_start_without_its_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("SECRET_KEY", "RECEIPT_KEYS", "POSTGRES_PASSWORD", "METRICS_TOKEN", "UNTOLD_HOST"):
        assert re.search(rf"\$\{{{name}:\?[^}}]+\}}", text), name


def test_compose_runs_the_application_behind_its_proxy_with_https_on():
    env = SERVICES["web"]["environment"]
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    assert env["SECURE_SSL_REDIRECT"] == env["SECURE_COOKIES"] == "true"
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
    assert env["DEBUG"] == "false"


# --- .env.example ----------------------------------------------------------------------------
ENV_EXAMPLE = (ROOT / ".env.example").read_text()


def env_example_values() -> dict[str, str]:
    """Its uncommented lines, with every change-me filled in as an operator would."""
    values = {}
    for line in ENV_EXAMPLE.splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name] = value.replace("change-me", secrets.token_urlsafe(40))
    values["UNTOLD_HOST"] = "untold.example.org"
    return values


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}."""

    def one(match):
        name, op, arg = match.groups()
        if op == ":?" and not env.get(name):
            raise KeyError(f"compose would refuse to start: {arg}")
        return env.get(name) or (arg if op == ":-" else "")

    return re.sub(r"\$\{([A-Z_]+)(?:(:\?|:-)([^}]*))?\}", one, value).replace("$$", "$")


def test_env_example_lists_every_variable_with_a_comment():
    read = variables_read()
    listed = set(re.findall(r"(?m)^#? ?([A-Z][A-Z_]+)=", ENV_EXAMPLE))
    assert read - listed == set()
    lines = ENV_EXAMPLE.splitlines()
    for n, line in enumerate(lines):
        if re.match(r"^#? ?[A-Z][A-Z_]+=", line):
            section = [x for x in lines[max(0, n - 12) : n] if x.startswith("# ")]
            assert section, line  # every variable sits under a comment


def test_env_example_fills_every_secret_compose_requires():
    env = env_example_values()
    for service in SERVICES.values():
        for value in (service.get("environment") or {}).values():
            interpolate(str(value), env)  # raises for a required variable left out


def test_check_deploy_passes_with_the_compose_stacks_settings():
    """The web service's environment, .env.example filled in: what the stack runs with."""
    filled = env_example_values()
    env = {
        name: interpolate(str(value), filled)
        for name, value in SERVICES["web"]["environment"].items()
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **filled,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


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
        answer = _get(port, "/en/anonymity/", b"X-Forwarded-Proto: https\r\n")
    assert answer.startswith(b"HTTP/1.1 301")
    assert b"Location: https://127.0.0.1/en/anonymity/" in answer


def test_gunicorn_behind_a_trusted_proxy_serves_https_requests(tmp_path):
    with gunicorn(tmp_path, TRUSTED_PROXY_COUNT="1", **HTTPS_ON) as (port, _):
        secure = _get(port, "/en/anonymity/", b"X-Forwarded-Proto: https\r\n")
        plain = _get(port, "/en/anonymity/")
        probe = _get(port, "/healthz")
    assert (
        secure.startswith(b"HTTP/1.1 200") and b"Strict-Transport-Security: max-age=600" in secure
    )
    assert plain.startswith(b"HTTP/1.1 301")
    assert probe.startswith(b"HTTP/1.1 200")  # probes come in plain HTTP, straight to gunicorn


def variables_read() -> set[str]:
    """Every environment variable the settings, gunicorn, the Procfile or compose read."""
    read = set()
    for path in [*ROOT.glob("config/*.py"), ROOT / "Procfile", ROOT / "docker-compose.yml"]:
        text = path.read_text()
        read |= set(re.findall(r"""env(?:\.\w+)?\(["']([A-Z_]+)["']""", text))
        read |= set(re.findall(r"""os\.environ(?:\.get)?[\[(]["']([A-Z_]+)["']""", text))
        read |= set(re.findall(r"\$\{([A-Z_]+)", text))
    return read - {"DJANGO_SETTINGS_MODULE", "HOSTNAME"}


def test_readme_documents_every_environment_variable():
    """The issue asks for a table of every variable: one read anywhere and missing here fails."""
    read = variables_read()
    readme = (ROOT / "README.md").read_text()
    assert len(read) > 40  # the scan found the settings
    assert {name for name in read if f"`{name}`" not in readme} == set()
