"""Feed throughput and latency, each against a baseline measured in the same run.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/feed.py

1. Requests per second through gunicorn: the feed (`/api/v1/wall/<slug>/stories/`) against a
   bare Django view returning the same bytes through the same middleware, for full responses
   and for 304s. Targets: feed/bare >= 0.8 (full), >= 0.9 (304).
2. Latency of the feed with 1,000 and with 1,000,000 published stories (p50, p99 of
   sequential requests). Target: p99(1M) / p99(1k) <= 1.2. The first request after a version
   change renders the page; its time is printed too, for information.

It works in its own database (<DATABASE_URL's name>_bench, created and dropped here) and
its own cache key prefix, and sends requests only to 127.0.0.1.
"""

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ would come first on the path, and bench/queue.py would hide the
# standard library's `queue` (which psycopg, concurrent.futures and others import).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def log(message: str) -> None:
    print(message, flush=True)


# --- Database ---------------------------------------------------------------------------------
def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def run(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


# Published stories, sealed as the application seals them (testimony.sealing): each with its
# own data key wrapped under the bench keystore's epoch, written with COPY.
STORY_COLUMNS = (
    "id, text, language, region, consent, status, channel, received_on, receipt_key_id,"
    " receipt_hash, urgent, screening_incomplete, no_proof_of_work, escalated,"
    " second_review_needed, version, published_text, labels, published_on, statistics_token"
)
LINK = """
INSERT INTO testimony_story_installations (story_id, installation_id)
SELECT s.id, %(installation)s::bigint FROM testimony_story s
LEFT JOIN testimony_story_installations m ON m.story_id = s.id
WHERE m.id IS NULL
"""
BUMP = (
    "UPDATE testimony_installation SET feed_version = feed_version + 1 WHERE id = %(installation)s"
)


def seed(url: str, installation: int, start: int, stop: int) -> None:
    import datetime
    import hashlib
    import uuid

    import psycopg

    from testimony import sealing
    from testimony.keystore import FileKeystore

    store = FileKeystore(os.environ["STORY_KEYSTORE"])
    epoch = (store.epochs() or [store.create()])[-1]
    kek = store.key(epoch)
    today = datetime.date.today()
    languages = ("kk", "ru", "en")
    with psycopg.connect(url, autocommit=False) as conn:
        with conn.cursor() as cur:
            with (
                cur.copy(f"COPY testimony_story ({STORY_COLUMNS}) FROM STDIN") as stories,
            ):
                keys = []
                for g in range(start, stop + 1):
                    story_id = uuid.uuid4()
                    key = sealing.new_data_key()
                    text = f"Бенчмарк story {g}: " + "Мен ұзақ үндемедім. " * 8
                    sealed = sealing.seal(
                        key, text, sealing.aad(story_id, "testimony.story.published_text")
                    )
                    day = today - datetime.timedelta(days=g % 400)
                    stories.write_row(
                        (
                            story_id,
                            b"",
                            languages[g % 3],
                            "",
                            "wall",
                            "published",
                            "web",
                            day,
                            "k1",
                            hashlib.md5(f"bench{start}-{g}".encode()).hexdigest(),
                            False,
                            False,
                            False,
                            False,
                            False,
                            3,
                            sealed,
                            '["self-harm"]' if g % 10 == 0 else "[]",
                            day,
                            "",
                        )
                    )
                    keys.append(
                        (story_id, epoch, sealing.wrap(kek, key, sealing.key_aad(story_id, epoch)))
                    )
            with cur.copy("COPY testimony_storykey (story_id, epoch, wrapped) FROM STDIN") as out:
                for row in keys:
                    out.write_row(row)
        params = {"installation": installation}
        conn.execute(LINK, params)
        conn.execute(BUMP, params)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE testimony_story")
        conn.execute("VACUUM ANALYZE testimony_storykey")
        conn.execute("VACUUM ANALYZE testimony_story_installations")


def make_installation(url: str, slug: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO testimony_installation (name, slug, languages, rotation_seconds, layout,"
            " label_policy, helplines, on_web, feed_version, statistic) VALUES (%s, %s,"
            ' \'["kk","ru","en"]\', 12, \'single\', \'{"self-harm": "warn"}\','
            " '{\"en\": \"Call 112.\"}', true, 1, '') RETURNING id",
            (slug.title(), slug),
        ).fetchone()
    return row[0]


# --- HTTP -------------------------------------------------------------------------------------
def request(port: int, path: str, etag: str = "") -> tuple[int, bytes, dict]:
    extra = f"If-None-Match: {etag}\r\n" if etag else ""
    raw = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(raw)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), body, headers


def _hammer(port: int, path: str, etag: str, expect: int, seconds: float, out) -> None:
    count = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        status, _, _ = request(port, path, etag)
        if status != expect:
            raise SystemExit(f"{path} answered {status}, expected {expect}")
        count += 1
    out.put(count)


def _hammer_mixed(port: int, paths: list[str], etag: str, expect: int, seconds: float, out) -> None:
    spent = dict.fromkeys(paths, 0.0)
    counts = dict.fromkeys(paths, 0)
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        path = paths[n % len(paths)]
        n += 1
        started = time.perf_counter()
        status, _, _ = request(port, path, etag)
        spent[path] += time.perf_counter() - started
        counts[path] += 1
        if status != expect:
            raise SystemExit(f"{path} answered {status}, expected {expect}")
    out.put((spent, counts))


def mixed(port: int, paths: list[str], etag: str, expect: int, seconds: float, clients: int):
    """Every client alternates between the paths, request by request: whatever else loads the
    machine loads both alike. Returns each path's capacity (clients / mean time per request)."""
    out = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_hammer_mixed, args=(port, paths, etag, expect, seconds, out)
        )
        for _ in range(clients)
    ]
    for proc in procs:
        proc.start()
    spent = dict.fromkeys(paths, 0.0)
    counts = dict.fromkeys(paths, 0)
    for _ in procs:
        each_spent, each_counts = out.get()
        for path in paths:
            spent[path] += each_spent[path]
            counts[path] += each_counts[path]
    for proc in procs:
        proc.join()
    return {path: clients * counts[path] / spent[path] for path in paths}


def throughput(port: int, path: str, etag: str, expect: int, seconds: float, clients: int) -> float:
    out = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_hammer, args=(port, path, etag, expect, seconds, out))
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for proc in procs:
        proc.start()
    total = sum(out.get() for _ in procs)
    for proc in procs:
        proc.join()
    return total / (time.perf_counter() - start)


def latencies(port: int, path: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        status, _, _ = request(port, path)
        times.append(time.perf_counter() - start)
        assert status == 200, status
    return times


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Gunicorn:
    def __init__(self, env: dict, workers: int):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per side of a round")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--latency-requests", type=int, default=2000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        raise SystemExit("bench/feed.py needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    url = bench_database_url(database_url)
    name = urlsplit(url).path.lstrip("/")
    admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(database_url, f'CREATE DATABASE "{name}"')
    bare_file = Path(tempfile.mkdtemp()) / "bare.json"
    from bench import throwaway_secrets

    throwaway_secrets()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_KEY_PREFIX": f"untold-bench-{os.getpid()}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_BARE_FILE": str(bare_file),
        "DEBUG": "false",
    }
    server = None
    try:
        log(f"database {name}: migrating")
        run(
            ["manage.py", "migrate", "--noinput", "-v0"],
            {**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        )
        small = make_installation(url, "small")
        large = make_installation(url, "large")
        log("seeding 1,000 published stories at 'small'")
        seed(url, small, 1, 1000)

        feed = "/api/v1/wall/small/stories/"
        bare_file.write_text(json.dumps({"body": "", "etag": '""', "cache_control": ""}))
        server = Gunicorn(env, args.workers)
        status, body, headers = request(server.port, feed)
        assert status == 200, status
        etag = headers["etag"]
        bare_file.write_text(
            json.dumps(
                {"body": body.decode(), "etag": etag, "cache_control": headers["cache-control"]}
            )
        )
        server.stop()
        server = Gunicorn(env, args.workers)  # the bare view now holds the feed's bytes
        bare = "/bench/bare/"
        assert request(server.port, bare)[1] == request(server.port, feed)[1]
        log(f"feed page: {len(body):,} bytes, {len(json.loads(body)['stories'])} stories")

        log(
            f"\nthroughput: gunicorn {args.workers} sync workers, {args.clients} client "
            f"processes, {args.rounds} rounds of {args.seconds:.0f} s per side, median"
        )
        pairs = {"full": ("", 200), "304": (etag, 304)}
        for tag, expect in pairs.values():  # warm-up
            for path in (bare, feed):
                throughput(server.port, path, tag, expect, 1.0, args.clients)
        rates: dict[str, list[float]] = {}
        ratios: dict[str, list[float]] = {}
        # Each round measures the feed and the bare view back to back (alternating which goes
        # first), so the load of anything else on the machine hits both sides of a pair alike;
        # the ratio is the median of the rounds' own ratios.
        for n in range(args.rounds):
            for kind, (tag, expect) in pairs.items():
                order = [("bare", bare), ("feed", feed)]
                measured = {}
                for side, path in order if n % 2 == 0 else order[::-1]:
                    rate = throughput(server.port, path, tag, expect, args.seconds, args.clients)
                    measured[side] = rate
                    rates.setdefault(f"{side} {kind}", []).append(rate)
                ratios.setdefault(kind, []).append(measured["feed"] / measured["bare"])
        for label, values in rates.items():
            rounds = ", ".join(f"{r:.0f}" for r in values)
            log(f"  {label:10s} {statistics.median(values):8.0f} req/s   (rounds: {rounds})")
        for kind, target in (("full", 0.8), ("304", 0.9)):
            each = ", ".join(f"{r:.2f}" for r in ratios[kind])
            log(
                f"  feed/bare {kind:4s}: {statistics.median(ratios[kind]):.2f}x "
                f"(target >= {target}; rounds: {each})"
            )
        log(
            f"  the same, request by request: {args.workers} clients (one per worker, so no "
            f"request waits behind another) alternate bare and feed for "
            f"{args.rounds * args.seconds:.0f} s; load from elsewhere on the machine hits both"
        )
        for kind, (tag, expect) in pairs.items():
            capacity = mixed(
                server.port, [bare, feed], tag, expect, args.rounds * args.seconds, args.workers
            )
            log(
                f"  {kind:4s}: bare {capacity[bare]:.0f} req/s, feed {capacity[feed]:.0f} req/s, "
                f"feed/bare {capacity[feed] / capacity[bare]:.2f}x"
            )

        log(f"\nseeding {args.large:,} published stories at 'large'")
        started = time.perf_counter()
        seed(url, large, 1001, 1000 + args.large)
        log(f"  ({time.perf_counter() - started:.0f} s)")
        big = "/api/v1/wall/large/stories/"
        started = time.perf_counter()
        assert request(server.port, big)[0] == 200  # a new version: rendered here, once
        cold = time.perf_counter() - started
        started = time.perf_counter()
        assert request(server.port, feed)[0] == 200
        cold_small = time.perf_counter() - started
        log(
            f"  first request after the change (renders the page): "
            f"{cold * 1000:.0f} ms with {args.large:,}, {cold_small * 1000:.0f} ms with 1,000"
        )
        log(
            f"latency: {args.latency_requests} sequential requests of each feed's first page, "
            "alternating, so load on the machine hits both alike"
        )
        times = {feed: [], big: []}
        for _ in range(args.latency_requests):
            for path in (feed, big):
                times[path].extend(latencies(server.port, path, 1))
        for label, path in (("1,000", feed), (f"{args.large:,}", big)):
            log(
                f"  {label:>9s} stories: p50 {percentile(times[path], 0.5) * 1000:.2f} ms, "
                f"p99 {percentile(times[path], 0.99) * 1000:.2f} ms"
            )
        ratio = percentile(times[big], 0.99) / percentile(times[feed], 0.99)
        log(f"  p99 {args.large:,} / 1,000: {ratio:.2f} (target <= 1.2)")

        # What the periodic storage rewrite (testimony.erasure.rewrite) costs at this size: the
        # story table is locked for this long, while the feed is still served from the cache.
        server.stop()
        server = None
        code = "import django; django.setup(); from testimony import erasure; erasure.rewrite()"
        started = time.perf_counter()
        run(["-c", code], {**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
        log(
            f"\nstorage rewrite (CLUSTER of every story table) with {args.large + 1000:,} "
            f"published stories: {time.perf_counter() - started:.1f} s"
        )
    finally:
        if server:
            server.stop()
        if not args.keep:
            admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
