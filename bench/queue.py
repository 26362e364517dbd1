"""The review queue's speed with 100,000 waiting stories, against an empty queue, same run.

    DATABASE_URL=postgres://... python bench/queue.py [--stories 100000] [--requests 300]

Runs on a fresh database of its own (<name>_bench_queue, created and dropped here) on
PostgreSQL. Measures the queue page as the API serves it (the page of 50 stories, its claims and
the per-queue counts, serialised), the first page and pages deep in the queue (keyset cursors),
and the queue selector alone. Prints p50/p95 in milliseconds and the ratio of each p95 to the empty
queue's. Targets: p95 <= 150 ms, ratio <= 1.5.

The stories are inserted in bulk (not through story_submit, which would take minutes for
100,000): the rows look like screened stories waiting for review.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the standard library's `queue`: run as a script, it would hide the
# standard library's `queue` (which psycopg, concurrent.futures and others import).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, timedelta  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench import throwaway_secrets  # noqa: E402

throwaway_secrets()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def fill(count: int) -> None:
    from django.db import connection

    from moderation.models import Finding, Severity
    from testimony.models import Status, Story

    rng = random.Random(7)
    today = date.today()
    languages = ["ru"] * 5 + ["kk"] * 3 + ["en", "mixed"]
    batch = []
    findings = []
    for n in range(count):
        story_id = uuid.uuid4()
        batch.append(
            Story(
                id=story_id,
                text="He shouted at me every night and I was afraid to go home. " * 3,
                language=rng.choice(languages),
                region="",
                consent="wall",
                status=Status.HELD if n % 20 == 0 else Status.PENDING,
                channel="web",
                received_on=today - timedelta(days=rng.randrange(60)),
                receipt_key_id="k1",
                receipt_hash=secrets.token_hex(32),
                urgent=n % 100 == 0,
            )
        )
        if n % 5 == 0:
            findings.append(
                Finding(
                    story_id=story_id,
                    screener="pii",
                    kind="phone",
                    severity=Severity.HIGH,
                    start=0,
                    end=2,
                )
            )
        if len(batch) == 5000:
            Story.objects.bulk_create(batch)
            Finding.objects.bulk_create(findings)
            batch, findings = [], []
    Story.objects.bulk_create(batch)
    Finding.objects.bulk_create(findings)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(call, n: int) -> float:
    start = time.perf_counter()
    call(n)
    return (time.perf_counter() - start) * 1000


def use_database(name: str) -> None:
    """Point the default connection at another database (reconnects on the next query)."""
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def clone_database(source: str, target: str) -> None:
    from django.db import connection

    use_database("postgres")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    use_database(source)


def drop_database(name: str, back_to: str) -> None:
    from django.db import connection

    use_database("postgres")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    use_database(back_to)


def scenarios(client, verified, filters, cursors):
    from moderation import selectors

    def get(path):
        def call(n):
            response = client.get(path)
            assert response.status_code == 200, response.content

        return call

    def deep_page(n):
        cursor = cursors[n % len(cursors)] if cursors else ""
        response = client.get(f"/api/v1/moderation/queue/?cursor={cursor}")
        assert response.status_code == 200, response.content

    def selector_only(n):
        after = selectors.QueueCursor.decode(cursors[n % len(cursors)]) if cursors else None
        selectors.queue_page(filters=filters, after=after, size=50)

    def html_page(n):
        response = verified.get("/moderate/")
        assert response.status_code == 200, response.status_code

    return {
        "API queue, first page": get("/api/v1/moderation/queue/"),
        "API queue, deep page (cursor)": deep_page,
        "API queue, filtered (kind, lang)": get("/api/v1/moderation/queue/?kind=phone&language=ru"),
        "queue_page selector alone": selector_only,
        "API counts (every waiting row)": get("/api/v1/moderation/queue/counts/"),
        "HTML queue page": html_page,
    }


# Every way a moderator meets the queue; not the counts, which the page fetches apart, nor the
# selector alone, which is a part of each of these.
HEADLINE = (
    "API queue, first page",
    "API queue, deep page (cursor)",
    "API queue, filtered (kind, lang)",
    "HTML queue page",
)


def run(stories: int, requests: int, rounds: int = 10) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases
    from django_otp import DEVICE_ID_SESSION_KEY
    from knox.models import AuthToken

    if connection.vendor != "postgresql":
        print("bench/queue.py needs PostgreSQL: set DATABASE_URL", file=sys.stderr)
        return 2
    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Its own name, never the test suite's test_<name> (a test runs this script mid-suite).
    connection.settings_dict["TEST"]["NAME"] = connection.settings_dict["NAME"] + "_bench_queue"
    old = setup_databases(verbosity=0, interactive=False)
    full_db = connection.settings_dict["NAME"]
    empty_db = full_db + "_empty"
    try:
        from moderation import selectors
        from moderation.accounts import moderator_create
        from moderation.selectors import QueueFilters
        from testimony.models import Story

        made = moderator_create(username="bench", role="moderator", languages=["ru", "kk", "en"])
        made.device.confirmed = True
        made.device.save()
        token = AuthToken.objects.create(user=made.user)[1]
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        verified = Client()
        verified.force_login(made.user)
        session = verified.session
        session[DEVICE_ID_SESSION_KEY] = made.device.persistent_id
        session.save()
        filters = QueueFilters(languages=("ru", "kk", "en"))

        # The same schema, account, token and session, with an empty queue.
        clone_database(full_db, empty_db)
        started = time.perf_counter()
        fill(stories)
        print(f"inserted {stories:,} waiting stories in {time.perf_counter() - started:.1f} s")
        ordered = list(
            Story.objects.filter(status="pending")
            .order_by("-urgent", "received_on", "id")
            .values_list("urgent", "received_on", "id")
        )
        step = max(1, len(ordered) // 200)
        cursors = [selectors.QueueCursor(*row).encode() for row in ordered[:-100:step]]
        random.Random(3).shuffle(cursors)

        # Interleaved rounds, so a busy moment of the machine weighs on both sides alike.
        results = {name: {"empty": [], "full": []} for name in scenarios(None, None, None, [])}
        per_round = max(1, requests // rounds)
        for round_ in range(rounds):
            for side, name in (("empty", empty_db), ("full", full_db)):
                use_database(name)
                for label, call in scenarios(
                    client, verified, filters, cursors if side == "full" else []
                ).items():
                    for n in range(3):  # warm the plans and the caches
                        call(n)
                    results[label][side].extend(
                        timed(call, round_ * per_round + n) for n in range(per_round)
                    )
        use_database(full_db)

        worst = 0.0
        print(f"\nqueue page, {per_round * rounds} requests each, {rounds} interleaved rounds (ms)")
        columns = ("empty p50", "empty p95", "100k p50", "100k p95")
        print(f"{'scenario':34} " + " ".join(f"{c:>9}" for c in columns) + f" {'ratio':>6}")
        worst_ratio = 0.0
        for label, timing in results.items():
            empty, full = timing["empty"], timing["full"]
            ratio = percentile(full, 0.95) / percentile(empty, 0.95)
            if label in HEADLINE:
                worst = max(worst, percentile(full, 0.95))
                worst_ratio = max(worst_ratio, ratio)
            print(
                f"{label:34} {statistics.median(empty):9.2f} {percentile(empty, 0.95):9.2f} "
                f"{statistics.median(full):9.2f} {percentile(full, 0.95):9.2f} {ratio:6.2f}"
            )
        print(
            f"\nqueue page with {stories:,} waiting stories: worst p95 {worst:.1f} ms "
            f"(target <= 150), worst ratio {worst_ratio:.2f} (target <= 1.5)"
        )
    finally:
        drop_database(empty_db, full_db)
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    sys.exit(run(args.stories, args.requests))
