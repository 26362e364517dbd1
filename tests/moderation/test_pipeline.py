import sys
import types
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation import screeners
from moderation.models import Finding, ScreeningWord, Severity, SignatureBand, StorySignature
from moderation.screeners import duplicates
from moderation.screening import _count_attempt, story_screen
from moderation.tasks import screen_story
from testimony.models import AuditEvent, Status, Story
from testimony.services import story_withdraw
from tests.moderation import broken_screeners
from tests.testimony.factories import submitted as tell

pytestmark = pytest.mark.django_db

STORY = (
    "Муж кричал на меня каждую ночь. Я боялась возвращаться домой после работы, "
    "а его мать говорила, что я сама во всём виновата. Через пять лет я ушла."
)


def screened(text: str) -> Story:
    submitted = tell(text=text)
    story_screen(story_id=submitted.story_id)
    return Story.objects.get(id=submitted.story_id)


def with_screener(monkeypatch, name: str, where: int = 0) -> None:
    """Put a misbehaving screener in the registry at position `where`."""
    module = types.ModuleType(f"tests_broken_{name}")
    module.screen = getattr(broken_screeners, name).screen
    sys.modules[module.__name__] = module
    paths = list(screeners.SCREENERS)
    paths.insert(where, module.__name__)
    monkeypatch.setattr(screeners, "SCREENERS", paths)


def test_a_plain_story_goes_to_pending_not_urgent():
    story = screened(STORY)
    assert (story.status, story.urgent, story.screening_incomplete) == (
        Status.PENDING,
        False,
        False,
    )


def test_danger_makes_the_story_urgent():
    story = screened(STORY + " Вчера он сказал, что убьёт меня, если я расскажу.")
    assert story.status == Status.PENDING and story.urgent
    # The threat is the rule's finding; the model may show another sentence as possible danger.
    danger = Finding.objects.get(story=story, screener="danger", kind="threat")
    assert story.text[danger.start : danger.end] == "убьёт меня"
    assert danger.severity == Severity.HIGH


def test_strong_abuse_is_held():
    story = screened("Все эти феминистки врут ради денег и разрушают семьи, их надо закрыть.")
    assert story.status == Status.HELD and not story.urgent


def test_spam_is_held():
    story = screened(
        "Заработок от 500 000 тенге в день!!! https://t.me/x https://t.me/x https://t.me/x"
    )
    assert story.status == Status.HELD


def test_danger_in_a_held_story_still_makes_it_urgent():
    story = screened("Феминистки врут и разрушают семьи. А мой муж сказал, что убьёт меня.")
    assert story.status == Status.HELD and story.urgent


def test_a_screener_that_raises_fails_closed_to_pending_flagged(monkeypatch):
    with_screener(monkeypatch, "Raising")
    story = screened(STORY + " Он сказал, что убьёт меня.")
    assert story.status == Status.PENDING and story.screening_incomplete
    # The other screeners still ran: the danger is shown.
    assert story.urgent


def test_running_out_of_time_routes_what_was_found_flagged(monkeypatch):
    with_screener(monkeypatch, "OutOfTime", where=1)
    story = screened(STORY + " Мой телефон +7 701 482 33 91.")
    assert story.status == Status.PENDING and story.screening_incomplete
    assert Finding.objects.filter(story=story, kind="phone").exists()  # pii ran before


def test_a_transient_error_leaves_the_story_for_a_retry(monkeypatch):
    with_screener(monkeypatch, "DatabaseDown")
    submitted = tell(text=STORY)
    with pytest.raises(OperationalError):
        story_screen(story_id=submitted.story_id)
    assert Story.objects.get(id=submitted.story_id).status == Status.RECEIVED
    assert not Finding.objects.filter(story_id=submitted.story_id).exists()


def test_out_of_retries_fails_closed(monkeypatch):
    with_screener(monkeypatch, "DatabaseDown")
    submitted = tell(text=STORY)
    screen_story.apply(args=[submitted.story_id], retries=screen_story.max_retries)
    story = Story.objects.get(id=submitted.story_id)
    assert story.status == Status.PENDING and story.screening_incomplete


def test_a_story_that_keeps_crashing_its_worker_is_routed_flagged(settings):
    submitted = tell(text=STORY)
    for _ in range(settings.SCREENING_MAX_ATTEMPTS):
        _count_attempt(submitted.story_id)  # each run died before it could record anything
    assert story_screen(story_id=submitted.story_id)
    story = Story.objects.get(id=submitted.story_id)
    assert story.status == Status.PENDING and story.screening_incomplete
    assert cache.get(f"screening-attempts:{submitted.story_id}") is None


def test_a_second_run_records_nothing_more():
    submitted = tell(text=STORY + " Он сказал, что убьёт меня.")
    assert story_screen(story_id=submitted.story_id)
    counts = (
        Finding.objects.filter(story_id=submitted.story_id).count(),
        AuditEvent.objects.filter(story_id=submitted.story_id, action="screened").count(),
        SignatureBand.objects.filter(story_id=submitted.story_id).count(),
    )
    assert not story_screen(story_id=submitted.story_id)
    assert counts == (
        Finding.objects.filter(story_id=submitted.story_id).count(),
        AuditEvent.objects.filter(story_id=submitted.story_id, action="screened").count(),
        SignatureBand.objects.filter(story_id=submitted.story_id).count(),
    )
    assert counts[1] == 1


def test_a_near_duplicate_is_shown_but_not_held():
    first = screened(STORY)
    second = screened(STORY.replace("пять", "шесть"))
    finding = Finding.objects.get(story=second, screener="duplicates")
    assert finding.kind == "near_duplicate" and second.status == Status.PENDING
    assert StorySignature.objects.get(story=first).cluster == (
        StorySignature.objects.get(story=second).cluster
    )


def test_a_cluster_of_near_duplicates_is_held_together_as_a_campaign(settings):
    settings.SCREENING_CAMPAIGN_SIZE = 3
    first = screened(STORY)
    assert first.status == Status.PENDING
    copies = [screened(STORY.replace("пять", word)) for word in ("шесть", "семь")]
    stories = [first, *copies]
    for story in stories:
        story.refresh_from_db()
    assert [s.status for s in stories] == [Status.HELD] * 3
    assert all(Finding.objects.filter(story=s, kind="campaign").count() == 1 for s in stories)
    clusters = {StorySignature.objects.get(story=s).cluster for s in stories}
    assert len(clusters) == 1 and None not in clusters


def _rows_written() -> int:
    """Rows inserted, updated or deleted so far by this connection's transaction."""
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
            " FROM pg_stat_xact_user_tables"
        )
        return int(cursor.fetchone()[0])


def _cost_of_one_more_member(base: str, size: int) -> tuple[int, int, int]:
    """Grow a campaign to `size` members, then screen one more: (queries, SQL characters,
    rows written) of that one story's screening."""
    for n in range(size):
        screened(f"{base} ({n})")
    submitted = tell(text=f"{base} ({size})")
    before = _rows_written()
    with CaptureQueriesContext(connection) as queries:
        story_screen(story_id=submitted.story_id)
    written = _rows_written() - before
    story = Story.objects.get(id=submitted.story_id)
    assert story.status == Status.HELD
    assert Finding.objects.filter(story=story, kind="campaign").exists()
    return len(queries), sum(len(q["sql"]) for q in queries.captured_queries), written


@pytest.mark.parametrize("candidates", [4, duplicates.CANDIDATES])
def test_a_campaign_member_costs_the_same_whatever_the_campaign_size(
    monkeypatch, settings, candidates
):
    """A flood of thousands of copies: each new copy must cost the screening the same number
    of queries, statements of the same length (no IN list of the whole campaign) and the same
    rows written (no rewrite of every member's cluster), at 12 members as at 36. The look-up
    of neighbours is bounded by CANDIDATES: the statements' length is compared where both
    campaigns exceed it."""
    monkeypatch.setattr(duplicates, "CANDIDATES", candidates)
    small = _cost_of_one_more_member(STORY, 12)
    # The same text again as a new campaign: the first one leaves the comparison window.
    Story.objects.update(
        received_on=timezone.localdate() - timedelta(days=settings.SCREENING_DUPLICATE_DAYS + 1)
    )
    large = _cost_of_one_more_member(STORY, 36)
    queries, characters, written = small
    assert large[0] == queries and large[2] == written
    if candidates < 12:
        assert abs(large[1] - characters) < 40  # ids differ in form, never a list of members


def test_a_latin_copy_of_a_cyrillic_story_is_a_near_duplicate():
    screened(
        "Moy muzh krichal na menya kazhduyu noch. Ya boyalas vozvrashchatsya domoy posle raboty."
    )
    copy = screened(
        "Мой муж кричал на меня каждую ночь. Я боялась возвращаться домой после работы."
    )
    assert Finding.objects.filter(story=copy, kind="near_duplicate").exists()


def test_stories_older_than_the_window_are_not_compared(settings):
    old = screened(STORY)
    Story.objects.filter(id=old.id).update(
        received_on=old.received_on - timedelta(days=settings.SCREENING_DUPLICATE_DAYS + 1)
    )
    story = screened(STORY)
    assert not Finding.objects.filter(story=story, screener="duplicates").exists()


def test_withdrawal_erases_findings_signatures_and_cluster_membership(all_rows):
    phone, name = "+7 701 482 33 91", "Ерлан Касымов"
    first = screened(f"{STORY} Мой муж {name}, мой телефон {phone}.")
    screened(f"{STORY} Мой муж {name}, мой телефон {phone}!")
    assert StorySignature.objects.get(story=first).cluster is not None
    receipt = tell(text=f"{STORY} Мой муж {name}, мой телефон {phone}.")
    story_screen(story_id=receipt.story_id)
    assert Finding.objects.filter(story_id=receipt.story_id, kind="phone").exists()
    assert StorySignature.objects.get(story_id=receipt.story_id).cluster is not None
    assert story_withdraw(receipt=receipt.receipt)
    for model in (Finding, StorySignature, SignatureBand):
        assert not model.objects.filter(story_id=receipt.story_id).exists()
    Story.objects.exclude(id=receipt.story_id).delete()  # the others' text holds the details
    rows = all_rows()
    assert phone not in rows and name not in rows and "Касымов" not in rows


def test_findings_store_offsets_and_rules_never_the_personal_data():
    details = "+7 701 482 33 91, gulya_k85@gmail.com, 800313311867, ул. Абая 150, кв. 47"
    story = screened(f"{STORY} Мои данные: {details}. Мой муж Ерлан Касымов.")
    for finding in Finding.objects.filter(story=story):
        for secret in ("482 33 91", "gulya_k85", "800313311867", "Абая 150", "Касымов"):
            assert secret not in finding.detail
        assert 0 <= finding.start <= finding.end <= len(story.text)


def test_words_added_in_the_admin_apply_at_the_next_check(settings, monkeypatch):
    from moderation.screeners import wordlists

    settings.SCREENING_WORDS_CHECK_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(wordlists.time, "monotonic", lambda: clock[0])
    wordlists.set_enabled(True)
    assert screened(STORY + " Мимозы повсюду.").status == Status.PENDING
    ScreeningWord.objects.create(pattern="мимоз*", kind="abuse", list="banned")
    clock[0] += settings.SCREENING_WORDS_CHECK_SECONDS + 1
    story = screened(STORY + " Мимозы повсюду!")
    assert story.status == Status.HELD
    finding = Finding.objects.get(story=story, screener="abuse", kind="listed")
    assert finding.detail == "admin list: banned: мимоз*"
    assert story.text[finding.start : finding.end] == "Мимозы"


def test_an_admin_danger_phrase_makes_stories_urgent(settings):
    from moderation.screeners import wordlists

    settings.SCREENING_WORDS_CHECK_SECONDS = 0
    wordlists.set_enabled(True)
    ScreeningWord.objects.create(pattern="тёмн* ~ подвал*", kind="danger", list="suspect")
    assert screened(STORY + " Он запирает меня в тёмном холодном подвале.").urgent


def test_clusters_that_meet_become_one():
    """A story near members of two clusters (two workers formed them at once) joins them into
    one: the neighbours, and the other members of the cluster that goes."""
    first = screened(STORY)
    second = screened(STORY.replace("пять", "шесть"))
    unrelated = screened("Я живу у сестры с дочерью. Нам спокойно, и мы начинаем жить заново.")
    StorySignature.objects.filter(story__in=[second, unrelated]).update(cluster="z-other")
    assert StorySignature.objects.get(story=first).cluster < "z-other"
    third = screened(STORY.replace("пять", "семь"))
    clusters = {
        s.story_id: s.cluster
        for s in StorySignature.objects.filter(story__in=[first, second, third, unrelated])
    }
    assert len(set(clusters.values())) == 1 and None not in clusters.values()
    assert not StorySignature.objects.filter(cluster="z-other").exists()
