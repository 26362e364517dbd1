"""Hostile clients against the real stack (Debian's nginx with the shipped configuration in
front of gunicorn, a Celery worker, PostgreSQL, Redis), on loopback.

- Slowloris: many connections that send a request a byte at a time and never finish it; the
  proxy holds them (and drops them at its header timeout), other clients are still served.
- A flood with proof of work on: one hostile source (its own 127.0.0.x address) sends
  FLOOD_STORIES near-identical stories, solving each challenge as a script would, while ten
  genuine sources send a few stories each. Every genuine story is accepted and reaches the
  queue; the hostile source's cost per accepted story rises (harder challenges); what got
  through is held in campaign clusters that a lead rejects in one action each; the queue and
  the wall feed keep answering while it runs. The figures are printed.

The issue's figure is 5,000 hostile stories: `make bench` runs this test with
FLOOD_STORIES=5000; CI runs it with the default below, which shows the same rises in a fraction
of the time. It stops by itself: a fixed count and a deadline (FLOOD_SECONDS).
"""

import base64
import json
import os
import random
import socket
import ssl
import statistics
import threading
import time

import pytest
from knox.models import AuthToken

from moderation.accounts import moderator_create
from testimony import proofofwork
from testimony.models import Status, Story
from tests.conftest import require_service
from tests.integration import stack
from tests.integration.test_stack import stack_env
from tests.testimony.wall import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FLOOD_STORIES = int(os.environ.get("FLOOD_STORIES", "240"))
FLOOD_SECONDS = float(os.environ.get("FLOOD_SECONDS", "300"))
SCREEN_SECONDS = float(os.environ.get("FLOOD_SCREEN_SECONDS", "600"))
HOSTILE = "127.0.0.66"
GENUINE = [f"127.0.0.{n}" for n in range(100, 110)]
GENUINE_EACH = 3
# While the flood runs, on 2 shared cores: the benchmarks' bounds are for a quiet machine
# (bench/queue.py p95 <= 150 ms, bench/feed.py); under the flood these are the limits.
QUEUE_P95_BOUND = float(os.environ.get("FLOOD_QUEUE_P95", "1.0"))
FEED_P95_BOUND = float(os.environ.get("FLOOD_FEED_P95", "1.0"))
CAMPAIGN = (
    "Those so-called shelters take foreign money and break up families. Nobody in our town "
    "was ever beaten, it is all invented by activists who want grants. Story {n}."
)
OPENINGS = [
    "My husband took my salary card every month and I had to ask him for bus money.",
    "Апам айтты: шыда, балам. Мен он жыл шыдадым, енді қызыммен бөлек тұрамын.",
    "Он запирал меня дома, когда уходил на работу. Я ушла к сестре прошлой зимой.",
    "When I was pregnant he pushed me down the stairs, and the doctor wrote that I fell.",
    "Свекровь говорила, что хорошая жена терпит. Я больше не терплю и пишу об этом.",
    "He read all my messages and broke my phone when a colleague wrote to me about work.",
    "Күйеуім маған ақша бермеді, балаларға киім алу үшін анама жалындым.",
    "I stayed because of the children. Now they are grown and they told me to leave him.",
    "Мне звонили его родственники и требовали забрать заявление из полиции.",
    "After the wedding he would not let me visit my parents. I saw my mother twice in a year.",
]
ENDINGS = [
    "I am writing this on the bus to work.",
    "Қазір бәрі жақсы, бірақ мен ұмытпаймын.",
    "Теперь я учусь на бухгалтера и снимаю комнату.",
    "My daughter drew me a picture of our new flat.",
    "Соседи всё слышали и молчали.",
    "The police officer told me to go home and cook dinner.",
    "Мен бұл туралы алғаш рет жазып отырмын.",
    "Я долго думала, что сама виновата.",
    "It took me four years to say it out loud.",
    "My brother helped me move my things at night.",
]


def genuine_text(k: int) -> str:
    """Thirty different stories: no two share both halves, so none is another's near-duplicate."""
    opening = OPENINGS[k % len(OPENINGS)]
    return f"{opening} {ENDINGS[(k % len(OPENINGS) + k // len(OPENINGS) * 3) % len(ENDINGS)]}"


def _stack_env(worker_env: dict, **extra: str) -> dict:
    return stack_env(
        worker_env,
        POW_ENABLED="true",
        POW_MAX_NUMBER="300",
        POW_FLOOD_FACTOR="10",
        POW_FLOOD_RATE="60/h",
        INTAKE_RATE_LIMIT="10/h",
        # The ceiling for everyone together is set above what this run sends: it would refuse
        # genuine stories along with the flood, which is what it is for, not what is tested.
        INTAKE_GLOBAL_RATE_LIMIT="100000/h",
        SCREENING_CAMPAIGN_SIZE="3",
        SECURE_SSL_REDIRECT="false",
        **extra,
    )


@pytest.fixture
def hostile_stack(worker_env, tmp_path):
    """nginx, gunicorn (2 workers) and a Celery worker; all stopped whatever happens."""
    require_service("Debian's nginx (apt-get install nginx-light)", stack.nginx_available())
    env = _stack_env(worker_env)
    logs = tmp_path / "logs"
    logs.mkdir()
    services, nginx = [], None
    try:
        services.append(
            stack.celery(
                "worker",
                [
                    "worker",
                    "-Q",
                    "screening,default",
                    "-c",
                    "1",
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
        nginx = stack.Nginx(gunicorn_port=port)
        nginx.start()
        yield nginx
    finally:
        if nginx is not None:
            nginx.stop()
            nginx.remove()
        for service in services:
            service.stop()


def _json(answer) -> dict:
    status, _, body = answer
    return {"status": status, **(json.loads(body) if body else {})}


# --- Slowloris ---------------------------------------------------------------------------------
def _slow_client(nginx, stop: threading.Event, opened: list) -> None:
    raw = socket.create_connection(("127.0.0.1", nginx.ports["https"]), 10)
    context = ssl.create_default_context(cafile=str(nginx.certificate))
    conn = context.wrap_socket(raw, server_hostname=stack.PUBLIC_HOST)
    opened.append(conn)
    request = f"GET /en/tell/ HTTP/1.1\r\nHost: {stack.PUBLIC_HOST}\r\nX-Slow: ".encode()
    try:
        for byte in request + b"a" * 10_000:
            if stop.is_set():
                return
            conn.send(bytes([byte]))
            stop.wait(0.5)
    except OSError:
        return  # the proxy gave up on it: as it should


def test_slow_partial_requests_do_not_starve_other_clients(hostile_stack):
    nginx = hostile_stack
    stop, opened = threading.Event(), []
    slow = [
        threading.Thread(target=_slow_client, args=(nginx, stop, opened), daemon=True)
        for _ in range(60)
    ]
    for thread in slow:
        thread.start()
    try:
        stack.wait_until(lambda: len(opened) >= 60, timeout=30, message="60 slow connections")
        other = nginx.client(source="127.0.0.5")
        times = []
        for _ in range(20):
            start = time.perf_counter()
            status, _, _ = other.get("/en/tell/")
            times.append(time.perf_counter() - start)
            assert status == 200
            time.sleep(0.1)
        print(
            f"\nslowloris: 60 slow connections held; 20 other requests, slowest {max(times):.3f} s"
        )
        assert max(times) < 2.0, times
    finally:
        stop.set()
        for conn in opened:
            conn.close()


def test_oversized_and_malformed_requests_through_the_proxy_get_a_4xx(hostile_stack):
    nginx = hostile_stack
    client = nginx.client(source="127.0.0.6")
    cases = [
        ("GET", "/en/tell/", {"X-Padding": "x" * 70_000}, None),  # a header past every buffer
        ("GET", "/en/tell/", {f"X-H{n}": "y" * 4000 for n in range(40)}, None),  # 160 KB of them
        ("POST", "/api/v1/stories/", {"Content-Type": "application/json"}, b"{" * 2_000_000),
        ("POST", "/api/v1/stories/", {"Content-Type": "application/json"}, b"\xff\xfe{"),
        ("GET", "/api/v1/wall/..%2F..%2Fetc%2Fpasswd/stories/", {}, None),
        ("GET", "/wall/%2e%2e/%2e%2e/etc/passwd", {}, None),
    ]
    for method, path, headers, body in cases:
        try:
            status, _, _ = client.request(method, path, headers=headers, body=body)
        except (ConnectionError, OSError) as closed:  # the proxy may cut a huge request short
            status = f"closed: {closed}"
        assert isinstance(status, str) or 400 <= status < 500, (method, path[:60], status)
        assert client.get("/en/tell/")[0] == 200  # and it keeps serving
    assert not Story.objects.exists()


# --- The flood ----------------------------------------------------------------------------------
def _send_story(client, text: str) -> tuple[int, int]:
    """(status, hashes): fetch a challenge, solve it as a script would, send the story. The
    cost is the number of hashes the solution took (the challenge's secret number)."""
    status, _, body = client.get("/api/v1/challenge/")
    assert status == 200, body[:300]
    payload = proofofwork.solve(json.loads(body))
    hashes = json.loads(base64.b64decode(payload))["solution"]["counter"]
    story = json.dumps({"text": text, "consent": "wall", "altcha": payload}).encode()
    status, _, _ = client.request(
        "POST", "/api/v1/stories/", body=story, headers={"Content-Type": "application/json"}
    )
    return status, hashes


def _poll(nginx, token: str, stop: threading.Event, out: dict) -> None:
    reader = nginx.client(source="127.0.0.7")
    while not stop.is_set():
        for name, path, headers in (
            ("feed", "/api/v1/wall/hall/stories/", {}),
            ("queue", "/api/v1/moderation/queue/", {"Authorization": f"Token {token}"}),
        ):
            start = time.perf_counter()
            status, _, _ = reader.get(path, headers=headers)
            out[name].append(time.perf_counter() - start)
            out["statuses"].append(status)
        stop.wait(0.25)


def test_a_flood_is_contained_and_genuine_stories_get_through(hostile_stack):
    nginx = hostile_stack
    factories.installation(slug="hall")
    lead = moderator_create(username="flood-lead", role="lead", languages=["en", "ru", "kk"]).user
    token = AuthToken.objects.create(user=lead)[1]
    polled = {"feed": [], "queue": [], "statuses": []}
    stop = threading.Event()
    poller = threading.Thread(target=_poll, args=(nginx, token, stop, polled), daemon=True)
    poller.start()

    hostile = nginx.client(source=HOSTILE)
    genuine = {address: nginx.client(source=address) for address in GENUINE}
    schedule = sorted(random.Random(14).sample(range(FLOOD_STORIES), len(GENUINE) * GENUINE_EACH))
    genuine_sent, genuine_status = [], []
    hostile_costs, hostile_accepted, hostile_seconds = [], 0, []
    deadline = time.monotonic() + FLOOD_SECONDS
    started = time.monotonic()
    try:
        for n in range(FLOOD_STORIES):
            if time.monotonic() > deadline:
                break
            begun = time.perf_counter()
            status, cost = _send_story(hostile, CAMPAIGN.format(n=n))
            hostile_seconds.append(time.perf_counter() - begun)
            hostile_costs.append(cost)
            hostile_accepted += status == 201
            while schedule and schedule[0] <= n:
                schedule.pop(0)
                k = len(genuine_sent)
                address = GENUINE[k % len(GENUINE)]
                text = genuine_text(k)
                genuine_status.append(_send_story(genuine[address], text)[0])
                genuine_sent.append(text)
    finally:
        stop.set()
        poller.join(10)
    spent = time.monotonic() - started
    sent = len(hostile_costs)

    def screened() -> bool:
        return not Story.objects.filter(status=Status.RECEIVED).exists()

    print(
        f"\nflood sent: {sent} hostile stories in {spent:.0f} s, {hostile_accepted} accepted; "
        f"genuine {genuine_status.count(201)} of {len(genuine_sent)} accepted; waiting for the "
        f"worker to screen {Story.objects.filter(status=Status.RECEIVED).count()} stories",
        flush=True,
    )
    screening_started = time.monotonic()
    stack.wait_until(screened, timeout=SCREEN_SECONDS, message="every story screened", interval=1)
    screening_took = time.monotonic() - screening_started

    # Its first stories, within every limit, against the last tenth of the flood.
    first, tenth = 5, max(5, sent // 10)
    early, late = statistics.mean(hostile_costs[:first]), statistics.mean(hostile_costs[-tenth:])
    early_s = statistics.mean(hostile_seconds[:first])
    late_s = statistics.mean(hostile_seconds[-tenth:])
    # The text is sealed (no query can search it): read the stories once, before any rejection
    # erases the hostile ones, and follow them by id.
    hostile_ids = {
        s.id for s in Story.objects.all() if s.text.startswith("Those so-called shelters")
    }
    held = Story.objects.filter(id__in=hostile_ids, status=Status.HELD)
    clusters = sorted(set(held.values_list("signature__cluster", flat=True)) - {None, ""})
    accepted_hostile = len(hostile_ids)
    held_count = held.count()
    rejected = 0
    for cluster in clusters:
        answer = _json(
            nginx.client(source="127.0.0.8").request(
                "POST",
                f"/api/v1/moderation/clusters/{cluster}/reject/",
                body=json.dumps({"reason": "spam"}).encode(),
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
        )
        assert answer["status"] == 200, answer
        rejected += 1
    left = Story.objects.filter(
        id__in=hostile_ids, status__in=[Status.PENDING, Status.HELD]
    ).count()
    queue_p95 = sorted(polled["queue"])[int(0.95 * (len(polled["queue"]) - 1))]
    feed_p95 = sorted(polled["feed"])[int(0.95 * (len(polled["feed"]) - 1))]
    genuine_rows = Story.objects.exclude(id__in=hostile_ids)
    print(
        f"\nflood: {sent} hostile stories sent in {spent:.0f} s ({sent / spent:.1f}/s), "
        f"{hostile_accepted} accepted ({accepted_hostile} stored)\n"
        f"  hostile cost per story: first {first} {early:.0f} hashes / {early_s * 1000:.0f} ms, "
        f"last tenth {late:.0f} hashes / {late_s * 1000:.0f} ms (x{late / max(early, 1):.1f})\n"
        f"  held in {len(clusters)} campaign clusters: {held_count} stories, each cluster "
        f"rejected in one action ({rejected} actions); left waiting afterwards: {left}\n"
        f"  the worker finished screening {screening_took:.0f} s after the last story\n"
        f"  genuine: {len(genuine_sent)} sent, {genuine_status.count(201)} accepted, "
        f"{genuine_rows.filter(status=Status.PENDING).count()} in the queue\n"
        f"  while it ran: queue p95 {queue_p95 * 1000:.0f} ms, feed p95 {feed_p95 * 1000:.0f} ms "
        f"({len(polled['queue'])} polls each)"
    )
    assert genuine_status == [201] * len(genuine_sent)
    assert genuine_rows.count() == len(genuine_sent)
    assert genuine_rows.filter(status=Status.PENDING).count() == len(genuine_sent)
    assert late > 3 * early  # harder challenges as the flood goes on
    assert clusters and held_count >= 0.9 * accepted_hostile
    assert rejected == len(clusters) and left <= 0.1 * accepted_hostile
    assert set(polled["statuses"]) == {200}
    assert queue_p95 <= QUEUE_P95_BOUND and feed_p95 <= FEED_P95_BOUND
