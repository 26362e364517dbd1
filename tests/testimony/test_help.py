"""Help near her: only verified resources are shown, a check lapses after HELP_VERIFY_DAYS
(a beat job drops it back to unverified), the admin warns, the leads' walls page lists what
needs checking, and the seeded national numbers say what is true of them."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone

from testimony.help import help_checks_expire, help_resources_verify
from testimony.models import HelpResource
from testimony.selectors import help_resources, help_resources_to_check
from testimony.tasks import expire_help_checks
from tests.frontend.conftest import form_token

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


def centre(**fields) -> HelpResource:
    defaults = {
        "name": "Karaganda crisis centre",
        "kind": "crisis-centre",
        "phone": "+7 700 000 0000",
        "region": "karaganda",
        "language": "en",
    }
    return HelpResource.objects.create(**{**defaults, **fields})


def phones(html: str) -> list[str]:
    return re.findall(r'class="phone">([^<]+)<', html)


@pytest.mark.parametrize("verified", [True, False])
def test_a_survivor_sees_a_resource_only_when_it_is_verified(client, verified):
    centre(verified=verified, verified_on=timezone.localdate() if verified else None)
    shown = [r.phone for r in help_resources(language="en", region="karaganda")]
    assert ("+7 700 000 0000" in shown) is verified
    for page in ("/en/help/?region=karaganda",):
        assert ("+7 700 000 0000" in client.get(page).content.decode()) is verified
    data = {"text": "I was afraid for years and I write it down today.", "consent": "wall"}
    data.update(region="karaganda", token=form_token(client))
    assert ("+7 700 000 0000" in phones(client.post("/en/tell/", data).content.decode())) is (
        verified
    )


def test_an_unverified_seeded_number_disappears_from_every_page(client):
    HelpResource.objects.filter(phone="150").update(verified=False)
    for lang in ("kk", "ru", "en"):
        assert "150" not in phones(client.get(f"/{lang}/help/").content.decode())


@pytest.mark.parametrize("days", [30, 180, 365])
@pytest.mark.parametrize("age", [-1, 0, 1])  # a day inside, on, and past the limit
def test_a_check_lapses_after_help_verify_days(settings, days, age):
    settings.HELP_VERIFY_DAYS = days
    checked = TODAY - datetime.timedelta(days=days + age)
    resource = centre(verified=True, verified_on=checked)
    help_checks_expire(today=TODAY)
    resource.refresh_from_db()
    assert resource.verified is (age <= 0)


def test_the_expiry_job_is_idempotent_and_drops_a_verified_entry_without_a_date():
    lapsed = centre(verified=True, verified_on=TODAY - datetime.timedelta(days=400))
    undated = centre(name="Undated", verified=True, verified_on=None)
    fresh = centre(name="Fresh", verified=True, verified_on=TODAY)
    assert help_checks_expire(today=TODAY) == 2
    assert help_checks_expire(today=TODAY) == 0
    for resource, verified in ((lapsed, False), (undated, False), (fresh, True)):
        resource.refresh_from_db()
        assert resource.verified is verified


def test_the_beat_job_runs_the_expiry(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["help-verification"]
    assert entry["task"] == expire_help_checks.name == "testimony.expire_help_checks"
    old = centre(verified=True, verified_on=timezone.localdate() - datetime.timedelta(days=999))
    expire_help_checks.apply()
    old.refresh_from_db()
    assert old.verified is False


def test_verifying_records_the_day():
    resource = centre()
    help_resources_verify(resources=HelpResource.objects.filter(pk=resource.pk), today=TODAY)
    resource.refresh_from_db()
    assert resource.verified and resource.verified_on == TODAY


def test_what_needs_checking_lists_unverified_first_then_checks_about_to_lapse():
    unverified = centre(name="Never checked")
    soon = centre(
        name="Lapses soon",
        verified=True,
        verified_on=timezone.localdate() - datetime.timedelta(days=settings.HELP_VERIFY_DAYS - 5),
    )
    centre(name="Checked today", verified=True, verified_on=timezone.localdate())
    found = help_resources_to_check()
    assert [item.resource for item in found] == [unverified, soon]
    assert found[0].lapses_on is None
    assert found[1].lapses_on == soon.verified_on + datetime.timedelta(settings.HELP_VERIFY_DAYS)


def test_the_admin_warns_about_each_unverified_resource(admin_client):
    centre(name="Never checked")
    centre(name="Also unchecked", phone="", url="https://help.example/")
    html = admin_client.get("/admin/testimony/helpresource/").content.decode()
    assert html.count("is not verified, so survivors do not see it") == 2
    assert "Never checked" in html and "https://help.example/" in html


def test_ticking_verified_in_the_admin_dates_the_check(admin_client):
    resource = centre()
    response = admin_client.post(
        "/admin/testimony/helpresource/",
        {"action": "mark_verified", "_selected_action": [resource.pk]},
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.verified and resource.verified_on == timezone.localdate()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_for_adults_111_comes_before_150(client, lang):
    shown = phones(client.get(f"/{lang}/help/").content.decode())
    assert shown.index("111") < shown.index("150")


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "We do not know of verified help in your region yet"),
        ("ru", "Проверенных служб помощи в вашем регионе мы пока не знаем"),
        ("kk", "тексерілген көмек қызметтері бізге әзірге белгісіз"),
    ],
)
def test_a_region_without_its_own_verified_help_says_so(client, lang, note):
    centre(language=lang)  # unverified: it does not count
    assert note in client.get(f"/{lang}/help/?region=karaganda").content.decode()
    assert note not in client.get(f"/{lang}/help/").content.decode()
    centre(language=lang, verified=True, verified_on=timezone.localdate())
    assert note not in client.get(f"/{lang}/help/?region=karaganda").content.decode()


def test_ticking_verified_on_the_change_form_dates_the_check_and_unticking_forgets_it(
    admin_client,
):
    resource = centre()
    url = f"/admin/testimony/helpresource/{resource.pk}/change/"
    form = {
        "name": resource.name,
        "kind": resource.kind,
        "phone": resource.phone,
        "region": resource.region,
        "language": resource.language,
        "order": resource.order,
        "active": "on",
    }
    assert admin_client.post(url, {**form, "verified": "on"}).status_code == 302
    resource.refresh_from_db()
    assert resource.verified and resource.verified_on == timezone.localdate()
    assert admin_client.post(url, form).status_code == 302
    resource.refresh_from_db()
    assert not resource.verified and resource.verified_on is None


def test_the_confirmation_says_when_her_region_has_no_verified_help_of_its_own(client):
    data = {"text": "I was afraid for years and I write it down today.", "consent": "wall"}
    data.update(region="karaganda", token=form_token(client))
    html = client.post("/en/tell/", data).content.decode()
    assert "We do not know of verified help in your region yet" in html
    assert "112" in phones(html)  # the country's numbers, still there


@pytest.mark.parametrize("kind", ["crisis-centre", "legal", "shelter"])
def test_the_admin_adds_a_regions_centre_legal_help_or_shelter_and_it_shows_once_verified(
    admin_client, client, kind
):
    form = {
        "name": f"Karaganda {kind}",
        "kind": kind,
        "phone": "+7 700 000 0000",
        "region": "karaganda",
        "language": "en",
        "order": 100,
        "active": "on",
        "verified": "on",
    }
    assert admin_client.post("/admin/testimony/helpresource/add/", form).status_code == 302
    added = HelpResource.objects.get(name=f"Karaganda {kind}")
    assert added.verified_on == timezone.localdate()
    assert phones(client.get("/en/help/?region=karaganda").content.decode())[0] == added.phone
