"""The feed through nginx's micro-cache, against the same nginx serving the same bytes as a file.

    .venv/bin/python bench/feed_proxy.py [--rounds 8] [--seconds 3] [--connections 32]

Debian's nginx runs deploy/nginx/untold.conf (tests/integration/stack.py) in front of gunicorn
in production mode on a throw-away SQLite database with one installation of 50 published
stories. wrk (apt-get install wrk) asks, over HTTPS, for the feed's first page and for a static
file holding exactly the feed's bytes, in interleaved rounds, so that load from elsewhere on
the machine hits both alike. Prints requests per second of each, the median of the per-round
ratios (target: feed/static >= 0.5), and how many feed requests reached gunicorn.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path, and bench/queue.py would hide the
# standard library's `queue` (which psycopg, concurrent.futures and others import).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

FEED = "/api/v1/wall/bench/stories/"
STATIC = "/static/bench/feed.json"
TARGET = 0.5

SEED = """
from tests.testimony.wall import factories
place = factories.installation("bench")
story = ("It started after the wedding. He decided who I could see and what I could wear, "
         "and when I argued he broke things. It took me four years to leave. ")
for n in range(50):
    factories.published(at=[place], text=f"{story * (1 + n % 3)}({n})")
"""


def log(message: str) -> None:
    print(message, flush=True)


def wrk(url: str, *, host: str, seconds: int, connections: int) -> tuple[float, int]:
    """(requests per second, requests) of one wrk run."""
    done = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "-H", f"Host: {host}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
    count = int(re.search(r"(\d+) requests in", done.stdout).group(1))
    if "Non-2xx" in done.stdout:
        raise SystemExit(f"wrk saw errors for {url}:\n{done.stdout}")
    return rate, count


def nginx_version() -> str:
    from tests.integration.stack import NGINX

    done = subprocess.run([NGINX, "-v"], capture_output=True, text=True)
    return done.stderr.strip().removeprefix("nginx version: ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    from tests.integration import stack

    if not shutil.which("wrk") or not stack.nginx_available():
        raise SystemExit("bench/feed_proxy.py needs wrk and nginx: apt-get install wrk nginx-light")
    from bench import throwaway_secrets

    throwaway_secrets()
    work = Path(tempfile.mkdtemp(prefix="untold-bench-proxy-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(work / "bench.sqlite3"),
        "ALLOWED_HOSTS": stack.PUBLIC_HOST,
        "TRUSTED_PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "true",
        "WALL_FEED_PAGE_SIZE": "50",
        "LOG_LEVEL": "WARNING",
    }
    web = nginx = None
    try:
        log("migrating and seeding 50 published stories")
        stack.manage(env, "migrate", "-v0")
        stack.manage(env, code=SEED)
        port = stack.free_port()
        web = stack.gunicorn(env, work, port=port, workers=2)
        nginx = stack.Nginx(gunicorn_port=port).start()
        client = nginx.client()
        status, headers, body = client.get(FEED)
        assert status == 200, status
        (nginx.root / "static" / "bench").mkdir()
        (nginx.root / "static" / "bench" / "feed.json").write_bytes(body)
        assert client.get(STATIC)[2] == body
        base = f"https://127.0.0.1:{nginx.ports['https']}"
        log(
            f"feed page: {len(body):,} bytes, {len(json.loads(body)['stories'])} stories; "
            f"{nginx_version()}, gunicorn 2 workers; wrk 1 thread, "
            f"{args.connections} connections, {args.rounds} rounds of {args.seconds:g} s a side"
        )
        before = web.log.read_text().count(f'"GET {FEED}"')
        feed_rates, static_rates, served = [], [], 0
        for n in range(args.rounds):
            # Alternate which goes first, so neither always runs on a warmer machine.
            order = [("feed", FEED), ("static", STATIC)][:: 1 if n % 2 == 0 else -1]
            for name, path in order:
                rate, count = wrk(
                    base + path,
                    host=stack.PUBLIC_HOST,
                    seconds=args.seconds,
                    connections=args.connections,
                )
                (feed_rates if name == "feed" else static_rates).append(rate)
                served += count if name == "feed" else 0
        reached = web.log.read_text().count(f'"GET {FEED}"') - before
    finally:
        if nginx is not None:
            nginx.stop()
            nginx.remove()
        if web is not None:
            web.stop()
        shutil.rmtree(work, ignore_errors=True)

    ratios = [f / s for f, s in zip(feed_rates, static_rates, strict=True)]
    ratio = statistics.median(ratios)
    log(f"  static file   {statistics.median(static_rates):8.0f} req/s   (rounds: "
        + ", ".join(f"{r:.0f}" for r in static_rates) + ")")  # fmt: skip
    log(f"  feed (cached) {statistics.median(feed_rates):8.0f} req/s   (rounds: "
        + ", ".join(f"{r:.0f}" for r in feed_rates) + ")")  # fmt: skip
    log(
        f"  feed/static: {ratio:.2f}x (target >= {TARGET}; rounds: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + ")"
    )
    log(
        f"  feed requests served by nginx: {served:,}; reached gunicorn: {reached:,} "
        f"({reached / max(1, served):.4%})"
    )


if __name__ == "__main__":
    main()
