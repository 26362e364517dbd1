"""The public statistics: the page, its charts and the downloads. Only renders a release."""

import csv
import io
import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from figures.api import release_document
from figures.questions import BY_KEY, PREFER_NOT, QUESTIONS
from figures.selectors import release_cells, release_latest
from frontend.charts import bar_chart
from testimony.models import Region

NOT_NAMED = gettext_lazy("Did not name it")
REGION_NOT_GIVEN = gettext_lazy("Region not given")
WHOLE_COUNTRY = gettext_lazy("All of Kazakhstan")


def value_label(question: str, value) -> str:
    """A cell's value in the page's language (pairs: both halves)."""
    if question == "respondents":
        return str(_("Everyone who answered"))
    if "+" in question:
        q1, q2 = question.split("+")
        v1, v2 = str(value).split("+")
        return f"{value_label(q1, None if v1 == 'unsaid' else v1)} · {value_label(q2, v2)}"
    if question == "forms" and isinstance(value, str) and value.startswith("~"):
        return f"{BY_KEY['forms'].label_of(value[1:])}: {NOT_NAMED}"
    found = BY_KEY.get(question)
    return str(found.label_of(value)) if found else str(value)


def question_label(question: str) -> str:
    if question == "respondents":
        return str(_("Everyone who answered"))
    return " × ".join(str(BY_KEY[q].label) for q in question.split("+") if q in BY_KEY)


def region_label(region) -> str:
    if region == "all":
        return str(WHOLE_COUNTRY)
    if not region:
        return str(REGION_NOT_GIVEN)
    return str(dict(Region.choices).get(region, region))


def _latest_year(release) -> str | None:
    years = sorted({c["period"] for c in release.cells if len(c["period"]) == 4})
    return years[-1] if years else None


@require_GET
def numbers(request):
    release = release_latest()
    year = _latest_year(release) if release else None
    charts = []
    if year:
        for i, question in enumerate(QUESTIONS):
            cells = release_cells(release=release, question=question.key, region="all", period=year)
            bars = [
                (value_label(question.key, c["value"]), c["count"])
                for c in cells
                if not (isinstance(c["value"], str) and c["value"].startswith("~"))
            ]
            if bars:
                charts.append(
                    {
                        "title": question.label,
                        "svg": bar_chart(
                            title=str(question.label), bars=bars, chart_id=f"chart-{i}"
                        ),
                        "rows": bars,
                    }
                )
        regions = [
            (region_label(c["region"]), c["count"])
            for c in release_cells(release=release, question="respondents", period=year)
            if c["region"] != "all"
        ]
        if regions:
            title = _("Answers by region")
            charts.append(
                {
                    "title": title,
                    "svg": bar_chart(title=title, bars=regions, chart_id="chart-regions"),
                    "rows": regions,
                }
            )
    context = {
        "release": release,
        "year": year,
        "charts": charts,
        "k": settings.STATS_K if release is None else release.k,
        "rounding": settings.STATS_ROUNDING if release is None else release.rounding,
    }
    return render(request, "frontend/numbers.html", context)


def dictionary() -> dict:
    """What every column and value means, in the page's language."""
    return {
        "columns": {
            "question": _("The question (or two questions joined by +, or everyone who answered)."),
            "value": _(
                "The answer, as a slug; empty (null) is “prefer not to say”; for two questions, "
                "both answers joined by + (“unsaid”: prefer not to say); ~ before a form of "
                "violence: did not name it."
            ),
            "region": _("A region's slug, “all” for the whole country, empty if not given."),
            "period": _("A year (2026), a quarter (2026-Q4) or a month (2026-11)."),
            "count": _(
                "How many answered so, rounded down to a multiple of the rounding step. Cells "
                "under the threshold, and cells that would let one be worked out, are left out."
            ),
        },
        "questions": {
            q.key: {
                "label": str(q.label),
                "values": {v: str(label) for v, label in q.choices} | {"": str(PREFER_NOT)},
            }
            for q in QUESTIONS
        },
        "regions": {value: str(label) for value, label in Region.choices},
    }


def _document(release) -> dict:
    return {**release_document(release), "dictionary": dictionary()}


@require_GET
def numbers_json(request):
    body = json.dumps(_document(release_latest()), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="untold-numbers.json"'
    return response


def _cell_label(cell: dict) -> str:
    return f"{question_label(cell['question'])}: {value_label(cell['question'], cell['value'])}"


@require_GET
def numbers_csv(request):
    release = release_latest()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["released_on", "question", "value", "region", "period", "count", "label"])
    for cell in release.cells if release else []:
        writer.writerow(
            [
                release.released_on.isoformat(),
                cell["question"],
                "" if cell["value"] is None else cell["value"],
                cell["region"] or "",
                cell["period"],
                cell["count"],
                _cell_label(cell),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="untold-numbers.csv"'
    return response


@require_GET
def numbers_dictionary_csv(request):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["column", "value", "meaning"])
    words = dictionary()
    for column, meaning in words["columns"].items():
        writer.writerow([column, "", meaning])
    for key, question in words["questions"].items():
        for value, label in question["values"].items():
            writer.writerow([key, value, f"{question['label']}: {label}"])
    for value, label in words["regions"].items():
        writer.writerow(["region", value, label])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="untold-numbers-dictionary.csv"'
    return response
