"""Benchmarks, each run as a script (`python bench/<name>.py`)."""

import os


def throwaway_secrets() -> None:
    """Secrets for a benchmark's own throw-away database: nothing it signs outlives the run."""
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throw-away-database")
    os.environ.setdefault("RECEIPT_KEYS", "bench:bench-only")
