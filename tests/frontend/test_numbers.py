"""The public numbers page and its downloads, in kk, ru and en, without JavaScript."""

import csv
import io
import json
import re

import pytest

from figures.models import Release

pytestmark = pytest.mark.django_db

CELLS = [
    {"question": "respondents", "value": None, "region": "all", "period": "2026", "count": 40},
    {"question": "respondents", "value": None, "region": "astana", "period": "2026", "count": 20},
    {"question": "relation", "value": "husband", "region": "all", "period": "2026", "count": 25},
    {"question": "relation", "value": None, "region": "all", "period": "2026", "count": 10},
    {"question": "forms", "value": "physical", "region": "all", "period": "2026", "count": 30},
    {"question": "forms", "value": "~physical", "region": "all", "period": "2026", "count": 10},
    {
        "question": "relation+forms",
        "value": "husband+physical",
        "region": "all",
        "period": "2026",
        "count": 20,
    },
]
HEADINGS = {
    "en": "Numbers for advocates",
    "ru": "Цифры для правозащитников",
    "kk": "Құқық қорғаушыларға арналған сандар",
}
HUSBAND = {"en": "Husband or partner", "ru": "Муж или партнёр", "kk": "Күйеу немесе серіктес"}


@pytest.fixture
def release():
    return Release.objects.create(number=1, released_on="2026-12-01", k=10, rounding=5, cells=CELLS)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_page_shows_the_release_in_each_language(client, release, lang):
    response = client.get(f"/{lang}/numbers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html and HEADINGS[lang] in html
    assert "2026-12-01" in html
    assert html.count("<svg") >= 3 and 'role="img"' in html  # drawn here, no script needed
    assert HUSBAND[lang] in html and ">25<" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r'src="(https?:)?//|<link[^>]+href="(https?:)?//', html)  # no third party


def test_the_page_without_a_release_says_so(client):
    html = client.get("/en/numbers/").content.decode()
    assert "There are no numbers yet" in html and "<svg" not in html


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_json_download_has_the_release_date_the_cells_and_a_data_dictionary(
    client, release, lang
):
    response = client.get(f"/{lang}/numbers/untold-numbers.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["released_on"] == "2026-12-01" and body["cells"] == CELLS
    assert body["k"] == 10 and body["rounding"] == 5
    words = body["dictionary"]
    assert set(words["columns"]) == {"question", "value", "region", "period", "count"}
    assert words["questions"]["relation"]["values"]["husband"] == HUSBAND[lang]
    assert set(words["questions"]) == {"relation", "forms", "age_band", "police", "knew_help"}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_csv_download_has_every_published_cell_with_its_release_date(client, release, lang):
    response = client.get(f"/{lang}/numbers/untold-numbers.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(CELLS) and {row["released_on"] for row in rows} == {"2026-12-01"}
    husband = next(row for row in rows if row["value"] == "husband")
    assert husband["count"] == "25" and HUSBAND[lang] in husband["label"]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_dictionary_download_explains_every_value(client, lang):
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/{lang}/numbers/untold-numbers-dictionary.csv").content.decode()
            )
        )
    )
    assert rows[0] == ["column", "value", "meaning"]
    assert ["relation", "husband"] == rows[[r[:2] for r in rows].index(["relation", "husband"])][:2]
    assert any(HUSBAND[lang] in row[2] for row in rows)


def test_the_numbers_page_sets_no_cookie(client, release):
    response = client.get("/en/numbers/")
    assert not response.cookies
