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
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path, and bench/queue.py would hide the
# standard library's `queue` (which psycopg, concurrent.futures and others import).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
import statistics  # noqa: E402  (after the path is set, like everything the project imports)

STORY_CHARS = 1500


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stories(count: int, seed: int = 7) -> list[str]:
    """1,500-character stories of sentences drawn at random from the labelled set's true
    stories: every language and script, every kind of finding, few near-duplicates."""
    import random
    import re

    from moderation.evaluation import load_cases

    sentences = [
        sentence
        for case in load_cases()
        if case.attrs.get("expect") != "held"
        for sentence in re.split(r"(?<=[.!?])\s+", case.text)
        if sentence
    ]
    chooser = random.Random(seed)
    out = []
    for i in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < STORY_CHARS:
            parts.append(chooser.choice(sentences))
        out.append(" ".join(parts)[:STORY_CHARS].rsplit(" ", 1)[0] + f" ({i})")
    return out


def flood(count: int) -> list[str]:
    """A coordinated campaign: one 1,500-character text, lightly varied."""
    text = stories(1, seed=11)[0]
    return [f"{text} {i}" for i in range(count)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def calibrate() -> float:
    """A fixed pure-Python loop, to read the figures against a busy or idle machine."""
    start = time.perf_counter()
    sum(range(10**7))
    return (time.perf_counter() - start) * 1000


def timed(function, items) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per item. On a shared machine the wall clock also
    counts the time other processes held the core; the CPU time is this code's own cost."""
    wall, cpu = [], []
    for item in items:
        start, start_cpu = time.perf_counter(), time.process_time()
        function(item)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=300)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="untold-bench-")
    for variable in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(variable, None)
    os.environ["SQLITE_PATH"] = os.path.join(workdir, "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from bench import throwaway_secrets

    throwaway_secrets()
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
    language = screeners.load(screeners.LANGUAGE_SCREENER)
    baseline = timed(lambda text: language(text, ""), texts)
    alone = timed(run_screeners, texts)

    # The whole pipeline, as the worker runs it, on stories submitted through intake.
    story_received.receivers.clear()  # screen here, timed, rather than on commit
    ids = [
        story_submit(text=text, consent="wall", channel="web").story_id
        for text in stories(args.stories, seed=8)
    ]
    pipeline = timed(lambda story_id: story_screen(story_id=story_id), ids)
    campaign_ids = [
        story_submit(text=text, consent="wall", channel="web").story_id
        for text in flood(args.stories)
    ]
    campaign = timed(lambda story_id: story_screen(story_id=story_id), campaign_ids)
    rss_after = rss_mb()

    def row(name: str, measured: tuple[list[float], list[float]]) -> str:
        wall, cpu = measured
        p50, p99, cpu50 = statistics.median(wall), percentile(wall, 0.99), statistics.median(cpu)
        ratio = p50 / statistics.median(baseline[0])
        per_second = 1000 / statistics.mean(cpu)
        return (
            f"{name:<38} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  cpu p50 {cpu50:6.1f} ms"
            f"  {per_second:6.1f} stories/s/core  x{ratio:5.1f} baseline"
        )

    load = os.getloadavg()[0]
    print(f"{args.stories} stories of {STORY_CHARS} characters (kk, ru, en, both scripts)")
    print(
        f"machine: {os.cpu_count()} cores, load average {load:.1f} during the run; "
        f"a pure-Python loop took {calibrate():.0f} ms (about 150 ms on an idle core)"
    )
    print("wall-clock p50/p99; cpu: this process's own time; stories/s/core from cpu time")
    print(row("baseline: language screener alone", baseline))
    print(row("screeners (all, no database write)", alone))
    print(row("pipeline (screen, record, route)", pipeline))
    print(row("pipeline, a flood of near-duplicates", campaign))
    print(f"models loaded in {load_seconds:.1f} s")
    print(
        f"resident memory: {rss_django:.0f} MB with Django, {rss_loaded:.0f} MB with every model, "
        f"{rss_after:.0f} MB after the run (target 600 MB per worker process)"
    )


if __name__ == "__main__":
    main()
