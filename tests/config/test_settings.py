"""Production refuses to start without its secrets; HTTPS settings come from the environment.

Each test starts Python in a subprocess with a clean environment, as a server would start.
Tests that look for var/secrets.json run a copy of config/ in a temporary folder, so the file
they look for is the copy's and the checkout's own var/ is never touched.
"""

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "SECRET_KEY": "x7Qv-production-like-secret-key-of-more-than-fifty-characters-9kLm",
    "RECEIPT_KEYS": "k1:production-like-receipt-secret",
}
# What .env.example asks for behind the shipped nginx.
PRODUCTION = {
    **SECRETS,
    "ALLOWED_HOSTS": "untold.example",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


@pytest.fixture
def checkout(tmp_path):
    """A folder whose config/ is a copy of ours: its var/secrets.json is the one to watch."""
    shutil.copytree(
        ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def run(
    args: list[str], env: dict[str, str], cwd: Path = ROOT, pythonpath: str = ""
) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": pythonpath or str(ROOT),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120
    )


def setup_django(
    checkout: Path, env: dict[str, str], code: str = ""
) -> subprocess.CompletedProcess:
    program = f"import django; django.setup(); import config; print(config.__file__); {code}"
    return run(["-c", program], env, cwd=checkout, pythonpath=f"{checkout}:{ROOT}")


def test_the_copy_of_config_is_the_one_imported(checkout):
    done = setup_django(checkout, SECRETS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(checkout / "config"))


@pytest.mark.parametrize("missing", ["SECRET_KEY", "RECEIPT_KEYS"])
def test_production_refuses_to_start_without_a_secret_and_names_it(checkout, missing):
    given = {name: value for name, value in SECRETS.items() if name != missing}
    done = setup_django(checkout, given)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert f"{missing} is not set" in done.stderr
    assert not (checkout / "var" / "secrets.json").exists()


def test_debug_does_not_let_production_generate_secrets(checkout):
    done = setup_django(checkout, {"DEBUG": "true"})
    assert done.returncode != 0 and "SECRET_KEY is not set" in done.stderr
    assert not (checkout / "var" / "secrets.json").exists()


def test_with_its_secrets_production_starts_and_writes_none(checkout):
    done = setup_django(
        checkout, SECRETS, "from django.conf import settings; print(settings.RECEIPT_KEYS)"
    )
    assert done.returncode == 0, done.stderr
    assert SECRETS["RECEIPT_KEYS"] in done.stdout
    assert not (checkout / "var" / "secrets.json").exists()


def test_the_embedded_mode_generates_its_secrets_once_and_keeps_them(checkout):
    show = "from django.conf import settings; print(settings.SECRET_KEY, settings.RECEIPT_KEYS)"
    first = setup_django(checkout, {"UNTOLD_EMBEDDED": "1"}, show)
    second = setup_django(checkout, {"UNTOLD_EMBEDDED": "1"}, show)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    path = checkout / "var" / "secrets.json"
    assert set(json.loads(path.read_text())) == {"SECRET_KEY", "RECEIPT_KEY"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("service", ["DATABASE_URL", "REDIS_URL"])
def test_the_embedded_mode_is_refused_with_the_real_stacks_services(checkout, service):
    url = {"DATABASE_URL": "postgres://u@127.0.0.1:1/x", "REDIS_URL": "redis://127.0.0.1:1/0"}
    done = setup_django(checkout, {"UNTOLD_EMBEDDED": "1", service: url[service]})
    assert done.returncode != 0
    assert "UNTOLD_EMBEDDED" in done.stderr and "ImproperlyConfigured" in done.stderr
    assert not (checkout / "var" / "secrets.json").exists()


def test_a_celery_worker_refuses_to_start_without_secrets(checkout):
    done = run(
        ["-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "warning"],
        {},
        cwd=checkout,
        pythonpath=f"{checkout}:{ROOT}",
    )
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stdout + done.stderr
    assert not (checkout / "var" / "secrets.json").exists()


def test_gunicorn_refuses_to_start_without_secrets_before_any_worker_boots(checkout):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = run(
        ["-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py"],
        {"PORT": str(port), "BIND_HOST": "127.0.0.1"},
        cwd=checkout,
        pythonpath=f"{checkout}:{ROOT}",
    )
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert "Booting worker" not in done.stderr
    assert not (checkout / "var" / "secrets.json").exists()


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_check_deploy_warns_while_https_is_not_set_up():
    done = check_deploy(SECRETS)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr, warning


def test_check_deploy_is_clean_with_the_production_variables():
    done = check_deploy(PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


# A request through the whole middleware stack in a subprocess, settings from its environment.
REQUESTS = """
from django.test import Client
client = Client()
for path in ("/en/anonymity/", "/moderate/login/"):  # a survivor-facing path and a staff one
    for proto in ("https", None):
        headers = {"HTTP_X_FORWARDED_PROTO": proto} if proto else {}
        response = client.get(path, **headers)
        print(proto, response.status_code, response.get("Location", "-"),
              response.get("Strict-Transport-Security", "-"))
"""


def https_answers(env: dict[str, str]) -> list[str]:
    done = run(["-c", f"import django; django.setup()\n{REQUESTS}"], env)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_behind_a_trusted_proxy_https_is_seen_and_http_is_redirected():
    answers = https_answers(
        {
            **SECRETS,
            "TRUSTED_PROXY_COUNT": "1",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_HSTS_SECONDS": "600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        }
    )
    assert answers == [
        "https 200 - max-age=600; includeSubDomains",
        "None 301 https://testserver/en/anonymity/ -",
        "https 200 - max-age=600; includeSubDomains",
        "None 301 https://testserver/moderate/login/ -",
    ]


def test_without_a_trusted_proxy_the_forwarded_scheme_is_ignored():
    answers = https_answers(
        {
            **SECRETS,
            "TRUSTED_PROXY_COUNT": "0",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_HSTS_SECONDS": "600",
        }
    )
    assert answers == [
        "https 301 https://testserver/en/anonymity/ -",
        "None 301 https://testserver/en/anonymity/ -",
        "https 301 https://testserver/moderate/login/ -",
        "None 301 https://testserver/moderate/login/ -",
    ]


def test_https_settings_are_off_by_default():
    assert {answer.split(" ", 1)[1] for answer in https_answers(SECRETS)} == {"200 - -"}


ONION = "untoldexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion"


def test_the_onion_address_is_served_and_trusted_for_the_workspaces_forms():
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS); "
        "from django.test import Client; "
        "print(Client().get('/en/anonymity/', HTTP_HOST=settings.ONION_ADDRESS).status_code)"
    )
    done = run(["-c", show], {**SECRETS, "ONION_ADDRESS": ONION.upper()})
    assert done.returncode == 0, done.stderr
    hosts, status = done.stdout.splitlines()
    assert f"'{ONION}'" in hosts and f"'http://{ONION}'" in hosts
    assert status == "200"


def test_an_onion_address_that_is_not_one_is_refused():
    done = run(["-c", "import django; django.setup()"], {**SECRETS, "ONION_ADDRESS": "untold.org"})
    assert done.returncode != 0 and "ONION_ADDRESS must be" in done.stderr
