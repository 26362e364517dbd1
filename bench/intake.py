"""Intake's speed: stories accepted per second through gunicorn, against a bare Django view
that parses the same JSON and inserts one row, in interleaved rounds of the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/intake.py

Rows, each the median of --rounds rounds of --seconds seconds, the three taken in turn:

- bare: POST /bench/bare-intake/ (bench/intake_urls.py), same middleware, one INSERT.
- api: POST /api/v1/stories/ with proof of work OFF (POW_ENABLED=false) for the run: the
  sanitiser, the rate limits (counted, set high enough never to refuse one source), the
  receipt, the row and the screening task's publish on commit.
- api+pow: the same with proof of work ON, each story carrying a solution computed before the
  round (so the client's solving is not timed, the server's check and spending of it is).
  The challenges are made at POW_MAX_NUMBER=1000: the server's check is one hash whatever the
  difficulty, only the precomputation would take longer.

The client is wrk (apt-get install wrk) running bench/intake.lua: each request a new story,
numbered, and any answer but 201 ends the run. (Until 2026-12-01 the client was four Python
processes, which took about a third of the two cores from the server: every row was lower.)

Targets (2 cores): api / bare >= 0.5 and api >= 300 stories/s. The screening tasks the run
queues are purged at the end; nothing screens them. It works in its own database
(<DATABASE_URL's name>_bench_intake, created and dropped here) and cache key prefix, and
sends requests only to 127.0.0.1.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

TARGET_RATIO, TARGET_RATE = 0.5, 300.0


def log(message: str) -> None:
    print(message, flush=True)


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


class Gunicorn:
    def __init__(self, env: dict, workers: int, log_path: Path, root: Path = ROOT):
        self.port = free_port()
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(workers), "--log-level", "warning"],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start: see {log_path}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


CLIENT = ROOT / "bench" / "intake.lua"
WRK_LINE = re.compile(
    r"INTAKE requests=(\d+) microseconds=(\d+) refused=(\d+) no_proof_left=(\d+) "
    r"socket_errors=(\d+)"
)
THREADS = 2


def rate(port: int, path: str, seconds: float, clients: int, first: int, proofs=None) -> float:
    """Stories accepted per second: wrk (bench/intake.lua) with `clients` connections on
    THREADS threads, each request a new story. A C client leaves the two cores to the server (four
    Python client processes took a third of them). Any answer but 201 ends the run."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as solutions:
        args = [str(first), str(THREADS)]
        if proofs is not None:
            solutions.write("\n".join(proofs) + "\n")
            solutions.flush()
            args.append(solutions.name)
        done = subprocess.run(
            ["wrk", "-t", str(THREADS), "-c", str(clients), "-d", f"{seconds:g}s",
             "-s", str(CLIENT), f"http://127.0.0.1:{port}{path}", "--", *args],
            capture_output=True, text=True,
        )  # fmt: skip
    found = WRK_LINE.search(done.stdout)
    if done.returncode or found is None:
        raise SystemExit(
            f"wrk failed for {path} (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )
    requests, microseconds, refused, short, errors = map(int, found.groups())
    if short:
        raise SystemExit(f"{path}: {short} requests found no solution left: raise --proofs")
    if refused or errors:
        raise SystemExit(f"{path}: {refused} answers were not 201, {errors} socket errors")
    return requests / (microseconds / 1e6)


def _solve(challenge: dict) -> str:
    """As testimony.proofofwork.solve does (a script's client), without Django's settings."""
    import altcha

    parsed = altcha.Challenge.from_dict(challenge)
    return altcha.Payload(parsed, altcha.solve_challenge(parsed, timeout=120)).to_base64()


def proofs_for(port: int, count: int) -> list[str]:
    challenges = [get_json(port, "/api/v1/challenge/") for _ in range(count)]
    with multiprocessing.Pool(2) as pool:
        return pool.map(_solve, challenges, chunksize=50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per row of a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--proofs", type=int, default=1500, help="solutions per api+pow round")
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of the code before a change (e.g. a detached worktree of main): its "
        "API becomes one more row of the same rounds, so both face the same machine load",
    )
    args = parser.parse_args()

    if not shutil.which("wrk"):
        raise SystemExit("bench/intake.py needs wrk, its client: apt-get install wrk")
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        raise SystemExit("bench/intake.py needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench_intake"))
    name = urlsplit(url).path.lstrip("/")
    from bench import throwaway_secrets

    throwaway_secrets()
    admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(database_url, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_KEY_PREFIX": f"untold-bench-intake-{os.getpid()}",
        "DJANGO_SETTINGS_MODULE": "bench.intake_settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "INTAKE_RATE_LIMIT": "100000000/h",
        "INTAKE_GLOBAL_RATE_LIMIT": "100000000/h",
        "POW_FLOOD_RATE": "100000000/h",
        "POW_MAX_NUMBER": "1000",
    }
    logs = Path(os.environ.get("BENCH_LOGS", "/tmp")) / f"bench-intake-{os.getpid()}"
    logs.mkdir(parents=True, exist_ok=True)
    servers = []
    try:
        log(f"database {name}: migrating")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=True,
        )  # fmt: skip
        plain = Gunicorn({**env, "POW_ENABLED": "false"}, args.workers, logs / "plain.log")
        servers.append(plain)
        pow_on = Gunicorn({**env, "POW_ENABLED": "true"}, args.workers, logs / "pow.log")
        servers.append(pow_on)
        rows: dict[str, list[float]] = {"bare": [], "api": [], "api+pow": []}
        before = None
        if args.before:
            # Same database and cache; its own code (on the path first, from its folder).
            before_env = {**env, "POW_ENABLED": "false", "PYTHONPATH": str(args.before)}
            before = Gunicorn(before_env, args.workers, logs / "before.log", root=args.before)
            servers.append(before)
            rows["api before"] = []
        first = 0
        for round_ in range(args.rounds):
            proofs = proofs_for(pow_on.port, args.proofs)
            turns = [
                ("bare", plain.port, "/bench/bare-intake/", None),
                ("api", plain.port, "/api/v1/stories/", None),
                ("api+pow", pow_on.port, "/api/v1/stories/", proofs),
            ]
            if before is not None:
                turns.append(("api before", before.port, "/api/v1/stories/", None))
            for row, port, path, with_proofs in turns:
                first += 1_000_000
                rows[row].append(rate(port, path, args.seconds, args.clients, first, with_proofs))
            log(
                f"round {round_ + 1}: "
                + ", ".join(f"{row} {values[-1]:.0f}/s" for row, values in rows.items())
            )
        median = {row: statistics.median(values) for row, values in rows.items()}
        log(
            f"\nstories accepted per second, gunicorn {args.workers} sync workers, "
            f"{args.clients} clients, {os.cpu_count()} cores, median of {args.rounds} rounds "
            f"of {args.seconds:.0f} s (proof of work OFF for 'api', a precomputed solution "
            "checked for 'api+pow'):"
        )
        for row, value in median.items():
            ratio = value / median["bare"]
            log(f"  {row:8} {value:7.0f} stories/s   ratio to bare {ratio:.2f}")
        ratio = median["api"] / median["bare"]
        verdict = "met" if ratio >= TARGET_RATIO and median["api"] >= TARGET_RATE else "NOT met"
        log(
            f"target api/bare >= {TARGET_RATIO} and api >= {TARGET_RATE:.0f}/s: {verdict} "
            f"({ratio:.2f}, {median['api']:.0f}/s)"
        )
        if before is not None:
            was = median["api before"] / median["bare"]
            log(f"before ({args.before}): api/bare {was:.2f}; after/before {ratio / was:.2f}")
        log(f"RESULT intake api={median['api']:.0f} bare={median['bare']:.0f} ratio={ratio:.2f}"
            f" pow={median['api+pow']:.0f}")  # fmt: skip
    finally:
        for server in servers:
            server.stop()
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "purge", "-f", "-Q",
             "screening,default"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
        )  # fmt: skip
        admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
