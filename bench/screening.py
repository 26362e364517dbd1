"""Screening throughput, latency and memory, for 1,500-character stories.

    .venv/bin/python bench/screening.py [--stories 300]

Runs on a throw-away SQLite database (no service needed). Prints, per story: the screeners
alone and the whole pipeline (screeners, findings, signature, routing, in one transaction),
p50 and p99; stories per second on one core; the process's resident memory once every model is
loaded and after the run (what each worker process holds). The baseline, measured in the same
run on the same stories, is the foundation's pipeline: the language screener alone.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STORY_CHARS = 1500


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stories(count: int) -> list[str]:
    """1,500-character stories made of the labelled set's stories, every language mixed in."""
    from moderation.evaluation import load_cases

    cases = [case.text for case in load_cases() if case.attrs.get("expect") != "held"]
    out = []
    for i in range(count):
        parts, j = [], i
        while sum(len(p) + 1 for p in parts) < STORY_CHARS:
            parts.append(cases[(j * 37 + i) % len(cases)])
            j += 1
        out.append(" ".join(parts)[:STORY_CHARS].rsplit(" ", 1)[0] + f" ({i})")
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def calibrate() -> float:
    """A fixed pure-Python loop, to read the figures against a busy or idle machine."""
    start = time.perf_counter()
    sum(range(10**7))
    return (time.perf_counter() - start) * 1000


def timed(function, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        function(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=300)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="untold-bench-")
    for variable in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(variable, None)
    os.environ["SQLITE_PATH"] = os.path.join(workdir, "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from moderation import screeners
    from moderation.screening import run_screeners, story_screen
    from testimony.services import story_submit
    from testimony.signals import story_received

    rss_django = rss_mb()
    started = time.perf_counter()
    screeners.warm_up()
    load_seconds = time.perf_counter() - started
    rss_loaded = rss_mb()

    texts = stories(args.stories)
    language = screeners.load(screeners.LANGUAGE)
    baseline = timed(lambda text: language(text, ""), texts)
    alone = timed(run_screeners, texts)

    # The whole pipeline, as the worker runs it, on stories submitted through intake.
    story_received.receivers.clear()  # screen here, timed, rather than on commit
    ids = [
        story_submit(text=text, consent="wall", channel="web").story_id
        for text in stories(args.stories)
    ]
    pipeline = timed(lambda story_id: story_screen(story_id=story_id), ids)
    rss_after = rss_mb()

    def row(name: str, values: list[float]) -> str:
        p50, p99 = statistics.median(values), percentile(values, 0.99)
        ratio = p50 / statistics.median(baseline)
        per_second = 1000 / statistics.mean(values)
        return (
            f"{name:<34} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {per_second:6.1f} stories/s/core"
            f"   x{ratio:5.1f} baseline"
        )

    load = os.getloadavg()[0]
    print(f"{args.stories} stories of {STORY_CHARS} characters (kk, ru, en, both scripts)")
    print(
        f"machine: {os.cpu_count()} cores, load average {load:.1f} during the run; "
        f"a pure-Python loop took {calibrate():.0f} ms (about 150 ms on an idle core)"
    )
    print(row("baseline: language screener alone", baseline))
    print(row("screeners (all, no database write)", alone))
    print(row("pipeline (screen, record, route)", pipeline))
    print(f"models loaded in {load_seconds:.1f} s")
    print(
        f"resident memory: {rss_django:.0f} MB with Django, {rss_loaded:.0f} MB with every model, "
        f"{rss_after:.0f} MB after the run (target 600 MB per worker process)"
    )


if __name__ == "__main__":
    main()
