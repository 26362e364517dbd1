"""What checking a receipt costs before any database query: normalising what she typed and
computing its HMAC under each key in the ring. Words now, against the first format's code
before this change (its own receipts.py, from a worktree of the commit it started from), in
the same run.

    git -C /work/main worktree add --detach /tmp/pre-issue-receipt 289529e
    .venv/bin/python bench/receipts.py [--before /tmp/pre-issue-receipt] [--runs 20000]

Prints microseconds per check (median of 7 rounds) and the ratio of each to the baseline
(the first format's code on the code before this change). Also the one-off cost of loading
the three word lists and building the index (once per process).
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench import throwaway_secrets  # noqa: E402

throwaway_secrets()
os.environ["RECEIPT_KEYS"] = "k3:bench-three,k2:bench-two,k1:bench-one"  # a rotated ring

import django  # noqa: E402

django.setup()

from testimony import receipts  # noqa: E402


def load_before(worktree: Path):
    spec = importlib.util.spec_from_file_location(
        "receipts_before", worktree / "testimony" / "receipts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_check(module, typed: str, runs: int) -> float:
    rounds = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(runs):
            module.candidates(typed)
        rounds.append((time.perf_counter() - start) / runs * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, default=Path("/tmp/pre-issue-receipt"))
    parser.add_argument("--runs", type=int, default=20000)
    args = parser.parse_args()

    start = time.perf_counter()
    receipts._word_index()
    index_ms = (time.perf_counter() - start) * 1e3

    old_code = "ab1d0 kmh0p ctx2y v9e3z"
    code = receipts.new_code()
    cases = {"first-format code, now": (receipts, old_code), "new code, now": (receipts, code)}
    for language in receipts.WORD_LANGUAGES:
        words = receipts.words_of(code, language)
        cases[f"words ({language}), now"] = (receipts, "\n".join(words))
        typed = ", ".join(w.upper() for w in words)
        cases[f"words ({language}) typed loosely, now"] = (receipts, typed)

    before = load_before(args.before)
    baseline = per_check(before, old_code, args.runs)
    print(f"word lists loaded and indexed once per process: {index_ms:.1f} ms")
    print(f"{'check (normalise + HMAC x 3 keys)':44} {'us':>8} {'ratio':>7}")
    print(f"{'first-format code, before (baseline)':44} {baseline:8.2f} {1.0:7.2f}")
    for name, (module, typed) in cases.items():
        cost = per_check(module, typed, args.runs)
        print(f"{name:44} {cost:8.2f} {cost / baseline:7.2f}")


if __name__ == "__main__":
    main()
