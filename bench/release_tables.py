"""How long a statistics release takes on random answers, and how much it publishes.

    python bench/release_tables.py [--answers 5000] [--regions 18] [--months 24] [--seed 1]

Pure Python, no database: random answer rows (every question answered or left out at random,
`--regions` regions and "not given", `--months` months from January 2026) go through
figures.services.release_cells, timed stage by stage: the tables (figures.tables.build), the
suppression (figures.suppression.suppress) and the whole release (tables, suppression,
rounding). Prints the seconds, the cells and relations, and how many cells are published, by
kind of place.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, where bench/queue.py hides the standard
# library's `queue`: the project's root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench import throwaway_secrets  # noqa: E402

throwaway_secrets()

from bench.statistics_release import answers  # noqa: E402


def _kind(cell: dict) -> str:
    where = "country" if cell["region"] == "all" else "region"
    period = len(cell["period"])
    when = "year" if period == 4 else "quarter" if "Q" in cell["period"] else "month"
    what = "pair" if "+" in cell["question"] else "single"
    return f"{what:6} {where:7} {when}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--regions", type=int, default=18)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pairs-everywhere",
        choices=["yes", "no", "default"],
        default="default",
        help="publish the pairs by region and month too (yes), by region and year only (no)",
    )
    options = parser.parse_args()
    import django

    django.setup()
    from figures import suppression, tables
    from figures.services import release_cells

    if options.pairs_everywhere != "default":
        tables.PAIRS_BY_REGION_AND_MONTH = options.pairs_everywhere == "yes"
    rows = answers(
        n=options.answers, regions=options.regions, months=options.months, seed=options.seed
    )
    start = time.perf_counter()
    counts, relations = tables.build(rows)
    built = time.perf_counter() - start
    start = time.perf_counter()
    suppressed = suppression.suppress(counts, relations, k=10)
    suppressing = time.perf_counter() - start
    start = time.perf_counter()
    cells, _basis = release_cells(rows=rows, k=10, rounding=5, previous={})
    release = time.perf_counter() - start
    cells_known = {key for relation in relations for key in (relation[0], *relation[1])}
    print(
        f"answers {options.answers}, regions {options.regions} and not given, "
        f"months {options.months}, pairs by region and month: {tables.PAIRS_BY_REGION_AND_MONTH}"
    )
    print(f"cells {len(cells_known)} (nonzero {len(counts)}), relations {len(relations)}")
    print(f"suppressed {len(suppressed)}, published {len(cells)}")
    print(f"tables {built:.2f} s, suppression {suppressing:.2f} s, whole release {release:.2f} s")
    for kind, n in sorted(Counter(_kind(cell) for cell in cells).items()):
        print(f"  published {kind}: {n}")


if __name__ == "__main__":
    main()
