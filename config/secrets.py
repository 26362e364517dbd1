"""Secrets for the embedded mode: generated once per checkout and kept in ./var.

Production sets SECRET_KEY and RECEIPT_KEYS in the environment; a demo on a laptop should
still keep working receipts across restarts without anyone inventing a secret by hand.
"""

import json
import os
import secrets
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "var" / "secrets.json"


def local_secret(name: str) -> str:
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
