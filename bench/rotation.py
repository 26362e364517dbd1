"""Key rotation on PostgreSQL: the time to re-wrap every live data key, and intake meanwhile.

    DATABASE_URL=postgres://... .venv/bin/python bench/rotation.py [--keys 100000]

Seeds --keys live stories (sealed as the application seals them, each with its own data key)
in its own database (<DATABASE_URL's name>_rotation, created and dropped here) and its own
keystore, then:

1. Intake alone: stories told one after another through the intake service (story_submit,
   the same call the tell form, the API and the kiosk make), p50 and p99. The baseline.
2. `manage.py keys rotate` in another process, timed (target: under a minute for 100,000),
   while this process keeps telling stories: their p50 and p99 against the baseline, and the
   longest single intake (a locked story table would show as one intake lasting the rotation).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def log(message: str) -> None:
    print(message, flush=True)


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


COLUMNS = (
    "id, text, language, region, consent, status, channel, received_on, receipt_key_id,"
    " receipt_hash, urgent, screening_incomplete, no_proof_of_work, escalated,"
    " second_review_needed, version, published_text, labels, statistics_token"
)


def seed(url: str, count: int) -> None:
    import datetime
    import secrets
    import uuid

    import psycopg

    from testimony import sealing
    from testimony.keystore import FileKeystore

    store = FileKeystore(os.environ["STORY_KEYSTORE"])
    epoch = (store.epochs() or [store.create()])[-1]
    kek = store.key(epoch)
    today = datetime.date.today()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        keys = []
        with cur.copy(f"COPY testimony_story ({COLUMNS}) FROM STDIN") as out:
            for n in range(count):
                story_id = uuid.uuid4()
                key = sealing.new_data_key()
                text = f"Waiting story {n}: " + "He shouted at me every night. " * 20
                sealed = sealing.seal(key, text, sealing.aad(story_id, "testimony.story.text"))
                out.write_row(
                    (
                        story_id, sealed, "en", "", "wall", "pending", "web", today, "k1",
                        secrets.token_hex(32), False, False, False, False, False, 2, b"", "[]", "",
                    )
                )  # fmt: skip
                keys.append(
                    (story_id, epoch, sealing.wrap(kek, key, sealing.key_aad(story_id, epoch)))
                )
        with cur.copy("COPY testimony_storykey (story_id, epoch, wrapped) FROM STDIN") as out:
            for row in keys:
                out.write_row(row)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE testimony_story")
        conn.execute("VACUUM ANALYZE testimony_storykey")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def tell_one(n: int) -> float:
    from testimony.services import story_submit

    start = time.perf_counter()
    story_submit(
        text=f"Told during the benchmark {n}: he broke my phone.", consent="wall", channel="web"
    )
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=300, help="intakes before the rotation")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("bench/rotation.py needs DATABASE_URL (PostgreSQL)")
    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_rotation"))
    name = urlsplit(url).path.lstrip("/")
    admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(database_url, f'CREATE DATABASE "{name}"')
    from bench import throwaway_secrets

    throwaway_secrets()
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)  # tasks in-process; intake is what is measured
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
        )
        log(f"seeding {args.keys:,} live stories, each with its own data key")
        started = time.perf_counter()
        seed(url, args.keys)
        log(f"  seeded in {time.perf_counter() - started:.1f} s")

        import django

        django.setup()
        from testimony.models import StoryKey
        from testimony.signals import story_received

        story_received.receivers.clear()  # intake alone: no screening in this process

        for n in range(20):  # warm-up
            tell_one(n)
        baseline = [tell_one(n) for n in range(args.baseline)]

        rotation = subprocess.Popen(
            [sys.executable, "manage.py", "keys", "rotate"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        started = time.perf_counter()
        during = []
        n = 0
        while rotation.poll() is None:
            during.append(tell_one(100_000 + n))
            n += 1
        seconds = time.perf_counter() - started
        output = rotation.stdout.read().strip()
        if rotation.returncode != 0:
            raise SystemExit(f"keys rotate failed: {output}")
        epochs = set(StoryKey.objects.values_list("epoch", flat=True))
        live = StoryKey.objects.count()

        log(f"\nrotation of {args.keys:,} seeded keys (+ the ones told meanwhile): {seconds:.1f} s")
        log(f"  {output}")
        log(f"  keys afterwards: {live:,}, all under epoch(s) {sorted(epochs)}")
        log(f"  target: < 60 s for 100,000 keys -> {'met' if seconds < 60 else 'NOT met'}")
        b50, b99 = statistics.median(baseline), percentile(baseline, 0.99)
        d50, d99 = statistics.median(during), percentile(during, 0.99)
        log(f"\nintake alone ({len(baseline)} stories):  p50 {b50:.2f} ms  p99 {b99:.2f} ms")
        log(f"intake during rotation ({len(during)} stories): p50 {d50:.2f} ms  p99 {d99:.2f} ms")
        log(f"  ratio during/alone: p50 {d50 / b50:.2f}x  p99 {d99 / b99:.2f}x")
        log(f"  longest single intake during rotation: {max(during):.1f} ms")
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
