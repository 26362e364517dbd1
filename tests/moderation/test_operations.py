"""The operations figures (moderation.operations), the page that shows them and /metrics."""

import datetime
import re

import pytest
from django.utils import timezone

from config.celery import app
from moderation.accounts import preferences_update
from moderation.operations import operations_now
from testimony.models import Screen, Story
from testimony.switches import switches_set
from tests.moderation.factories import screened
from tests.testimony.factories import submitted as tell
from tests.testimony.wall.factories import installation

TOKEN = "metrics-token-for-the-tests"


def arrived_days_ago(story: Story, days: int) -> Story:
    Story.objects.filter(id=story.id).update(
        received_on=timezone.localdate() - datetime.timedelta(days=days)
    )
    return story


def queue(ops, name: str):
    return next(q for q in ops.queues if q.name == name)


@pytest.mark.django_db
def test_stories_count_only_once_the_day_they_arrived_is_over():
    screened()  # today: not counted yet
    arrived_days_ago(screened(), 1)
    arrived_days_ago(screened(urgent=True), 3)
    ops = operations_now()
    assert queue(ops, "pending").waiting == 2
    assert queue(ops, "pending").oldest_days == 3
    assert ops.urgent_waiting == 1
    assert queue(ops, "held").waiting == 0 and queue(ops, "held").oldest_days is None


@pytest.mark.django_db
def test_a_story_whose_screening_never_finished_is_counted_as_stuck():
    # Outside a transaction's commit, intake's on_commit never queues the screening.
    left = Story.objects.get(id=tell().story_id)
    assert operations_now().stuck_received == 0
    arrived_days_ago(left, 1)
    assert operations_now().stuck_received == 1


@pytest.mark.django_db
def test_a_beat_job_that_ran_to_its_end_is_timed_and_other_tasks_are_not():
    before = {job.name: job.last_success for job in operations_now().jobs}
    assert before["wall-publish"] is None
    app.tasks["testimony.publish_due"].apply()
    after = {job.name: job.last_success for job in operations_now().jobs}
    assert abs((after["wall-publish"] - timezone.now()).total_seconds()) < 60
    assert after["retention"] is None


@pytest.mark.django_db
def test_screens_switches_and_the_in_process_worker(lead):
    place = installation("hall")
    seen = timezone.now() - datetime.timedelta(minutes=5)
    Screen.objects.create(installation=place, screen_id="abcdef123456", last_seen=seen)
    switches_set(actor=lead, intake_paused=True)
    ops = operations_now()
    hall = next(i for i in ops.installations if i.slug == "hall")
    assert hall.screens == 1 and hall.last_seen == seen
    assert ops.intake_paused and not ops.walls_paused
    assert ops.workers is None and ops.worker_alive  # the suite runs tasks in-process


# --- The workspace page ----------------------------------------------------------------------
def test_leads_see_the_operations_page_and_moderators_do_not(verified_client, moderator, lead):
    arrived_days_ago(screened(urgent=True), 2)
    assert verified_client(moderator).get("/moderate/operations/").status_code == 403
    html = verified_client(lead).get("/moderate/operations/").content.decode()
    assert re.search(r'id="ops-urgent">1<', html)
    assert "Tasks run inside the web process" in html
    assert "wall-publish" in html


@pytest.mark.parametrize(("language", "title"), [("ru", "Работа системы"), ("kk", "Жұмыс күйі")])
def test_the_operations_page_speaks_the_leads_language(verified_client, lead, language, title):
    preferences_update(user=lead, blur_text=False, interface_language=language, languages=["en"])
    html = verified_client(lead).get("/moderate/operations/").content.decode()
    assert title in html and "wall-publish" in html


# --- /metrics --------------------------------------------------------------------------------
def scrape(client, token: str = TOKEN):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")


def samples(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)  # no sample carries a timestamp
            found[name] = float(value)
    return found


@pytest.mark.django_db
def test_metrics_does_not_exist_without_a_token_setting(client, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client).status_code == 404


@pytest.mark.django_db
def test_metrics_refuses_a_missing_or_wrong_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 403
    assert scrape(client, "wrong").status_code == 403


@pytest.mark.django_db
def test_metrics_are_gauges_of_queues_screens_worker_jobs_and_switches(client, settings, lead):
    settings.METRICS_TOKEN = TOKEN
    arrived_days_ago(screened(held=True), 4)
    place = installation("hall")
    Screen.objects.create(installation=place, screen_id="abcdef123456", last_seen=timezone.now())
    switches_set(actor=lead, walls_paused=True)
    response = scrape(client)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    kinds = set(re.findall(r"^# TYPE \S+ (\w+)$", text, re.M))
    assert kinds == {"gauge"}
    found = samples(text)
    assert found['untold_stories_waiting{queue="held"}'] == 1
    assert found['untold_stories_waiting_oldest_days{queue="held"}'] == 4
    assert found['untold_screens{installation="hall"}'] == 1
    assert 'untold_screens_last_seen_timestamp_seconds{installation="hall"}' in found
    assert found["untold_worker_alive"] == 1
    assert found["untold_walls_paused"] == 1 and found["untold_intake_paused"] == 0


@pytest.mark.django_db
def test_a_story_told_today_changes_no_metric(client, settings):
    """Scraped every few seconds and kept, a count that moved on arrival would date it."""
    settings.METRICS_TOKEN = TOKEN
    before = scrape(client).content
    screened()
    screened(urgent=True)
    tell()
    assert scrape(client).content == before


@pytest.mark.django_db
def test_metrics_survive_the_survivor_side_stripping(client, settings):
    """/metrics is not a staff path: addresses are stripped, the token header is kept."""
    settings.METRICS_TOKEN = TOKEN
    response = client.get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 200
