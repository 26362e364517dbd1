"""The pipeline under a steady load: stories per second sent to intake for a while on the real
stack (gunicorn, a Celery worker, PostgreSQL, Redis), and how long each takes from intake to
screened, p50 and p99.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/pipeline.py \\
        [--rate 50] [--seconds 60] [--concurrency 2]

Target: 50 stories/s for 60 s, p99 <= 2 s. Proof of work is OFF and the rate limits are off for
the run (one source sends every story); the screening is the real one, on stories of a few
hundred characters drawn from the labelled set. The time a story was screened is seen by
polling the database every 50 ms (the story keeps no time of its own, DESIGN.md invariant 2),
so each figure is late by up to 50 ms. The baseline, in the same run: the time from intake to
the story's row being readable (its insert committed), which the screening adds to.

It works in its own database (<DATABASE_URL's name>_bench_pipeline, created and dropped here)
and cache key prefix, and sends requests only to 127.0.0.1.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

TARGET_P99 = 2.0


def log(message: str) -> None:
    print(message, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def texts(count: int) -> list[str]:
    from bench.screening import stories

    return [text[:400].rsplit(" ", 1)[0] + f" ({n})" for n, text in enumerate(stories(count))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="stories per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--drain", type=float, default=120.0, help="max wait after sending")
    args = parser.parse_args()

    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        raise SystemExit("bench/pipeline.py needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    from bench import throwaway_secrets
    from bench.intake import admin_sql

    throwaway_secrets()
    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench_pipeline"))
    name = urlsplit(url).path.lstrip("/")
    admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(database_url, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CACHE_KEY_PREFIX": f"untold-bench-pipeline-{os.getpid()}",
        "POW_ENABLED": "false",
        "INTAKE_RATE_LIMIT": "off",
        "INTAKE_GLOBAL_RATE_LIMIT": "off",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DATABASE_URL",
                "DJANGO_SETTINGS_MODULE",
                "CACHE_KEY_PREFIX",
                "STORY_KEYSTORE",
            )
        }
    )
    from tests.integration import stack

    logs = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    services = []
    try:
        stack.manage(env, "migrate", "-v0")
        import django

        django.setup()
        from testimony import receipts
        from testimony.models import Story

        count = int(args.rate * args.seconds)
        bodies = [json.dumps({"text": t, "consent": "wall"}) for t in texts(count)]
        services.append(
            stack.celery(
                "worker",
                [
                    "worker",
                    "-Q",
                    "screening,default",
                    "-c",
                    str(args.concurrency),
                    "-l",
                    "warning",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env,
                logs,
            )  # fmt: skip
        )
        port = stack.free_port()
        services.append(stack.gunicorn(env, logs, port=port, workers=2))
        time.sleep(3)  # the worker loads its models

        sent: dict[str, float] = {}  # receipt digest -> when intake answered
        lock = threading.Lock()
        start = time.monotonic()

        def sender(offset: int, step: int) -> None:
            conn = None
            for n in range(offset, count, step):
                due = start + n / args.rate
                time.sleep(max(0.0, due - time.monotonic()))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/v1/stories/", body=bodies[n],
                             headers={"Content-Type": "application/json"})  # fmt: skip
                response = conn.getresponse()
                answer = json.loads(response.read())
                conn.close()
                if response.status == 201:
                    digest = receipts.digest(answer["receipt"]).value
                    with lock:
                        sent[digest] = time.monotonic()

        threads = [threading.Thread(target=sender, args=(i, 8), daemon=True) for i in range(8)]
        for thread in threads:
            thread.start()
        stored, screened = {}, {}
        deadline = start + args.seconds + args.drain
        while time.monotonic() < deadline:
            now = time.monotonic()
            with lock:
                waiting = [digest for digest in sent if digest not in screened]
            # Only the stories not seen screened yet, by their indexed receipt: the observer's
            # own cost stays that of the backlog, not of every story sent so far.
            for digest, status in Story.objects.filter(receipt_hash__in=waiting).values_list(
                "receipt_hash", "status"
            ):
                stored.setdefault(digest, now)
                if status != "received":
                    screened.setdefault(digest, now)
            if not any(t.is_alive() for t in threads) and len(screened) >= len(sent):
                break
            time.sleep(0.05)
        sending = max(sent.values()) - start if sent else 0
        to_screened = [screened[d] - sent[d] for d in screened]
        to_stored = [stored[d] - sent[d] for d in stored]
        p50, p99 = percentile(to_screened, 0.5), percentile(to_screened, 0.99)
        log(
            f"\npipeline: {len(sent)} of {count} stories accepted in {sending:.1f} s "
            f"({len(sent) / max(sending, 1e-9):.1f}/s asked {args.rate:.0f}/s), "
            f"{len(screened)} screened; worker concurrency {args.concurrency}, "
            f"{os.cpu_count()} cores; proof of work OFF, rate limits off"
        )
        log(f"  intake -> row readable (baseline): p50 {percentile(to_stored, 0.5):.3f} s, "
            f"p99 {percentile(to_stored, 0.99):.3f} s")  # fmt: skip
        log(f"  intake -> screened: p50 {p50:.3f} s, p99 {p99:.3f} s "
            f"(mean {statistics.mean(to_screened):.3f} s)")  # fmt: skip
        verdict = "met" if p99 <= TARGET_P99 and len(screened) == count else "NOT met"
        log(
            f"target p99 <= {TARGET_P99} s at {args.rate:.0f}/s for {args.seconds:.0f} s: {verdict}"
        )
        log(f"RESULT pipeline p50={p50:.3f} p99={p99:.3f} screened={len(screened)}/{count}")
    finally:
        for service in services:
            service.stop()
        from django.db import connections

        connections.close_all()
        stack.celery("purge", ["purge", "-f", "-Q", "screening,default"], env, logs).process.wait(
            60
        )
        admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
