"""`make bench`: run every benchmark and write bench/RESULTS.md (date, machine, each figure and
its target, and what was not run and why).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/results.py \\
        [--only intake,pipeline,flood] [--skip feed]

BENCH_BEFORE=<a checkout> adds that code's intake as one more row of bench/intake.py's rounds.

Each benchmark runs as the README says (`python bench/<name>.py`, or pytest for the flood
test) with its own defaults; what it prints is kept whole in the file. A benchmark whose
service is missing (PostgreSQL, Redis, nginx, wrk, Chromium) or that fails is listed as not
run, with the reason. The flood test runs with FLOOD_STORIES=5000 (the issue's figure; CI runs
it with fewer).
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path, where bench/queue.py hides `queue`.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
PY = sys.executable

# name -> (command, what it needs, per-run time limit in seconds)
BENCHMARKS = {
    "intake": ([PY, "bench/intake.py"], ["postgres", "redis", "wrk"], 900),
    "pipeline": ([PY, "bench/pipeline.py"], ["postgres", "redis"], 900),
    "flood": (
        [PY, "-m", "pytest", "tests/integration/test_hostile_clients.py", "-k", "flood", "-s",
         "-q", "-p", "no:warnings"],
        ["postgres", "redis", "nginx"], 3600,
    ),
    "screening": ([PY, "bench/screening.py"], [], 1800),
    "queue": ([PY, "bench/queue.py"], ["postgres"], 3600),
    "feed": ([PY, "bench/feed.py"], ["postgres", "redis"], 3600),
    "feed_proxy": ([PY, "bench/feed_proxy.py"], ["postgres", "redis", "nginx", "wrk"], 1800),
    "pow_solve": ([PY, "bench/pow_solve.py"], ["chromium"], 600),
    "tell_page_weight": ([PY, "bench/tell_page_weight.py"], [], 600),
}  # fmt: skip
FIGURE = re.compile(
    r"(target|ratio|RESULT|p50|p95|p99|/s|flood:|hostile cost|genuine:|held in|before)", re.I
)


def missing(needs: list[str]) -> list[str]:
    absent = []
    if "postgres" in needs and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        absent.append("PostgreSQL (DATABASE_URL)")
    if "redis" in needs and not os.environ.get("REDIS_URL"):
        absent.append("Redis (REDIS_URL)")
    for tool, path in (("nginx", "nginx"), ("wrk", "wrk"), ("chromium", "chromium")):
        if tool in needs and not shutil.which(path) and not Path(f"/usr/sbin/{path}").exists():
            absent.append(tool)
    return absent


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    one, five, fifteen = os.getloadavg()
    load = f", load {one:.2f} {five:.2f} {fifteen:.2f} at the start"
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}){memory}{load}; "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""))
    parser.add_argument("--skip", default=os.environ.get("BENCH_SKIP", ""))
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    skip = {n for n in args.skip.split(",") if n}
    started = datetime.datetime.now(datetime.UTC)
    sections, not_run = [], []
    env = {
        **os.environ,
        "FLOOD_STORIES": os.environ.get("FLOOD_STORIES", "5000"),
        "FLOOD_SECONDS": os.environ.get("FLOOD_SECONDS", "1800"),
        "FLOOD_SCREEN_SECONDS": os.environ.get("FLOOD_SCREEN_SECONDS", "2400"),
        "CI": "",
    }
    for name, (command, needs, limit) in BENCHMARKS.items():
        if name == "intake" and os.environ.get("BENCH_BEFORE"):  # a checkout to compare with
            command = [*command, "--before", os.environ["BENCH_BEFORE"]]
        if (only and name not in only) or name in skip:
            not_run.append((name, "not selected in this run (--only/--skip)"))
            continue
        absent = missing(needs)
        if absent:
            not_run.append((name, "needs " + ", ".join(absent)))
            continue
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        begun = time.monotonic()
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=limit
            )
        except subprocess.TimeoutExpired:
            not_run.append((name, f"did not finish within {limit} s"))
            continue
        output = (done.stdout + ("\n" + done.stderr if done.returncode else "")).strip()
        took = time.monotonic() - begun
        if done.returncode:
            not_run.append((name, f"failed (exit {done.returncode}); its output is below"))
        figures = [line.strip() for line in output.splitlines() if FIGURE.search(line)]
        sections.append((name, took, done.returncode, figures, output[-6000:]))
        print("\n".join(figures[-12:]), flush=True)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/results.py) on {started:%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {machine()}.",
        "",
        "Each benchmark measures its baseline in the same run and prints its ratio and target;",
        "the figures below are copied from its output.",
        "",
        "## Figures",
        "",
    ]
    for name, took, code, figures, _ in sections:
        state = "" if code == 0 else f" (exit {code})"
        lines += [f"### {name}{state}, {took:.0f} s", ""]
        lines += [f"    {line}" for line in figures[-20:]] or ["    (no figures printed)"]
        lines.append("")
    lines += ["## Not run", ""]
    lines += [f"- {name}: {why}" for name, why in not_run] or ["- nothing: every benchmark ran"]
    lines += ["", "## Full output", ""]
    for name, _, _, _, output in sections:
        lines += [f"### {name}", "", "```", output, "```", ""]
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
