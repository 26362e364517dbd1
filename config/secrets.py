"""Where the two secrets come from: the environment, or (for `make run` only) ./var.

Production sets SECRET_KEY and RECEIPT_KEYS in the environment and refuses to start without
them: a server that invented its own secrets would sign receipts no other process can check,
lose them with its disk, and hide the mistake until receipts stop verifying.

Only the embedded mode generates them: `make run` sets UNTOLD_EMBEDDED=1 (one process, SQLite,
tasks in-process), and a demo on a laptop should keep working receipts across restarts without
anyone inventing a secret by hand. The settings refuse UNTOLD_EMBEDDED together with
DATABASE_URL or REDIS_URL, so the real stack can never reach the generator.
"""

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_PATH = Path(__file__).resolve().parent.parent / "var" / "secrets.json"

_NEW = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
HOW_TO_SET = {
    "SECRET_KEY": f"e.g. the output of: {_NEW}",
    "RECEIPT_KEYS": f"as 'k1:<secret>', with a secret made by: {_NEW}",
}


def missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{name} is not set. Untold does not start without it outside `make run`: set {name} "
        f"in the environment or the .env file ({HOW_TO_SET[name]}; see README, "
        "'The real stack'). Only `make run` (UNTOLD_EMBEDDED=1, SQLite, neither DATABASE_URL "
        "nor REDIS_URL) generates its own secrets."
    )


def required_secret(name: str, *, embedded: bool, generate) -> str:
    """The variable's value; in the embedded mode generate() stands in for a missing one."""
    value = os.environ.get(name, "")
    if value:
        return value
    if embedded:
        return generate()
    raise missing(name)


def local_secret(name: str) -> str:
    """A secret generated once per checkout and kept in var/secrets.json (embedded mode only)."""
    _PATH.parent.mkdir(exist_ok=True)
    try:
        values = json.loads(_PATH.read_text())
    except (FileNotFoundError, ValueError):
        values = {}
    if name not in values:
        values[name] = secrets.token_urlsafe(48)
        tmp = _PATH.with_suffix(".tmp")
        tmp.write_text(json.dumps(values))
        os.chmod(tmp, 0o600)
        tmp.replace(_PATH)
    return values[name]
