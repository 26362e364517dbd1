"""What the tell page weighs on first load, with the proof-of-work widget and without.

    .venv/bin/python bench/tell_page_weight.py

Prints each resource's bytes (raw and gzip) and the ratio of the full page to the baseline,
the same page with POW_ENABLED=false, measured in the same run.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path, and bench/queue.py would hide the
# standard library's `queue` (which psycopg, concurrent.futures and others import).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench import throwaway_secrets  # noqa: E402

throwaway_secrets()
# Its own database in memory, whatever DATABASE_URL names (the page reads no story).
for variable in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(variable, None)
os.environ["SQLITE_PATH"] = ":memory:"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tests.frontend.test_tell_page_weight import first_load  # noqa: E402


def measure(pow_enabled: bool) -> int:
    settings.POW_ENABLED = pow_enabled
    sizes = first_load(Client())
    label = "with proof of work" if pow_enabled else "baseline (POW_ENABLED=false)"
    print(f"\n{label}")
    for url, (raw, packed) in sizes.items():
        print(f"  {raw:>8,} B raw  {packed:>8,} B gzip  {url}")
    total = sum(packed for _, packed in sizes.values())
    print(f"  total transferred: {total:,} B ({total / 1024:.1f} KB, budget 100 KB)")
    return total


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    baseline = measure(False)
    full = measure(True)
    print(f"\nratio to baseline: {full / baseline:.2f}x")
