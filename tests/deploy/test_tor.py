"""deploy/tor/torrc: a v3 onion service pointing at nginx's onion listener. No Tor network here:
Tor checks the file, and the app's side (a .onion host) is tested in tests/deploy/test_nginx.py,
tests/frontend/test_abuse_controls.py and tests/config/test_settings.py."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.integration.stack import UNTOLD_CONF

TORRC = Path(__file__).resolve().parents[2] / "deploy" / "tor" / "torrc"


def verify(path: Path, data: Path) -> subprocess.CompletedProcess:
    # The data folder is Tor's own (owned by debian-tor): the check gets a private one instead.
    data.mkdir(mode=0o700, exist_ok=True)
    return subprocess.run(
        ["tor", "--verify-config", "-f", str(path), "--DataDirectory", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def tor():
    require_service("Tor (apt-get install tor)", shutil.which("tor") is not None)


def test_tor_accepts_the_shipped_torrc(tor, tmp_path):
    done = verify(TORRC, tmp_path / "data")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Configuration was valid" in done.stdout


def test_tor_would_refuse_a_broken_one(tor, tmp_path):
    broken = tmp_path / "torrc"
    broken.write_text(TORRC.read_text().replace("HiddenServicePort 80", "HiddenServicePort eighty"))
    assert verify(broken, tmp_path / "data").returncode != 0


def test_the_onion_service_is_v3_and_points_at_nginxs_onion_listener():
    text = TORRC.read_text()
    assert re.search(r"(?m)^HiddenServiceVersion 3$", text)
    target = re.search(r"(?m)^HiddenServicePort 80 (127\.0\.0\.1:\d+)$", text).group(1)
    assert f"listen {target};" in UNTOLD_CONF.read_text()
    assert re.search(r"(?m)^SocksPort 0$", text)  # a service, not a proxy for local programs
