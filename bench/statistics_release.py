"""How long a statistics release's arithmetic takes, against primary suppression alone, same run.

    python bench/statistics_release.py [--answers 300 2000 10000] [--repeat 3]

Random answers (every question answered or left out at random, 20 regions and "not given",
twelve months) go through figures.services.release_cells: the tables, complementary
suppression to the exact linear check, rounding. The baseline is the same tables with
primary suppression only (cells under k dropped), so the ratio is the price of making sure
no suppressed cell can be derived. Prints seconds (best of --repeat) and cells published.
"""

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, where bench/queue.py hides the standard
# library's `queue`: the project's root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench import throwaway_secrets  # noqa: E402

throwaway_secrets()

REGIONS = [
    "astana", "almaty-city", "shymkent", "abai", "akmola", "aktobe", "almaty", "atyrau",
    "east-kazakhstan", "jambyl", "jetisu", "karaganda", "kostanay", "kyzylorda", "mangystau",
    "north-kazakhstan", "pavlodar", "turkistan", "ulytau", "west-kazakhstan",
]  # fmt: skip


def answers(*, n: int, seed: int, regions: int = len(REGIONS), months: int = 12) -> list[dict]:
    """Random answer rows: every question answered or left out at random, the first `regions`
    regions and "not given", `months` months from January 2026. (bench/release_tables.py too.)"""
    from figures.questions import QUESTIONS

    rng = random.Random(seed)
    places = [*REGIONS[:regions], ""]
    rows = []
    for _ in range(n):
        m = rng.randrange(months)
        row = {"month": date(2026 + m // 12, m % 12 + 1, 1), "region": rng.choice(places)}
        for question in QUESTIONS:
            if question.many:
                row[question.key] = [v for v in question.values if rng.random() < 0.35]
            else:
                row[question.key] = rng.choice([*question.values, ""])
        rows.append(row)
    return rows


def best(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, nargs="+", default=[300, 2000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    import django

    django.setup()
    from figures import tables
    from figures.services import release_cells

    print(f"{'answers':>8} {'primary s':>10} {'release s':>10} {'ratio':>7} {'cells':>6}")
    for n in options.answers:
        rows = answers(n=n, seed=n)

        def primary(rows=rows):
            counts, _relations = tables.build(rows)
            return [key for key, count in counts.items() if count >= 10]

        def release(rows=rows):
            return release_cells(rows=rows, k=10, rounding=5, previous={})[0]

        base, _ = best(options.repeat, primary)
        full, cells = best(options.repeat, release)
        print(f"{n:>8} {base:>10.3f} {full:>10.3f} {full / base:>7.1f} {len(cells):>6}")


if __name__ == "__main__":
    main()
