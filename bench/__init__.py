"""Benchmarks, each run as a script (`python bench/<name>.py`)."""

import os
import tempfile


def throwaway_secrets() -> None:
    """Secrets and a keystore for a benchmark's own throw-away database: nothing it signs or
    seals outlives the run. The keystore is always a new, empty directory, whatever
    STORY_KEYSTORE says: a benchmark's keys never land beside real ones, and a checkout that has
    never run `make run` (no var/keys) can run every benchmark."""
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throw-away-database")
    os.environ.setdefault("RECEIPT_KEYS", "bench:bench-only")
    os.environ["STORY_KEYSTORE"] = tempfile.mkdtemp(prefix="untold-bench-keys-")
