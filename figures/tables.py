"""The tables a release publishes, as cells and the additive relations between them.

A cell is keyed (question, value, region, period):
- question: a question's key, `respondents` (everyone who answered anything), or a pair
  `q1+q2`; value: a slug, None ("prefer not to say"), or for a pair `v1+v2`;
- region: a region's slug, "" (region not given) or "all" (the whole country);
- period: "2026", "2026-Q4" or "2026-11".

Published: the whole country by month, quarter and year; each region by year; the pairs of
questions for the whole country by year. Every way these add up is a relation (regions to
the country, months to quarters to years, answers to respondents, pairs to their questions),
so complementary suppression sees every total a reader could subtract from.

Forms of violence are several answers at once: each form is its own yes/no; its "no" side
(`~physical`: did not name physical violence, or preferred not to say) is a cell like any
other, so it is suppressed when small and counted in every relation.
"""

from collections import Counter, defaultdict
from datetime import date

from figures.questions import QUESTIONS

RESPONDENTS = "respondents"
ALL = "all"
SINGLE = tuple(q for q in QUESTIONS if not q.many)
FORMS = next(q for q in QUESTIONS if q.many)
UNSAID = "unsaid"  # inside a pair's value, for "prefer not to say"


def _not(form: str) -> str:
    return "~" + form


def _periods(month: date) -> tuple[str, str, str]:
    return (
        f"{month.year}",
        f"{month.year}-Q{(month.month - 1) // 3 + 1}",
        f"{month.year}-{month.month:02d}",
    )


def _categories(row: dict) -> list[tuple[str, object]]:
    """(question, value) for every single category this answer row falls in."""
    found = [(RESPONDENTS, None)]
    found += [(q.key, row.get(q.key) or None) for q in SINGLE]
    forms = set(row.get("forms") or ())
    found += [("forms", f if f in forms else _not(f)) for f in FORMS.values]
    return found


def _pair_value(value) -> str:
    return UNSAID if value is None else value


def _pairs(row: dict) -> list[tuple[str, str]]:
    single = [(q.key, row.get(q.key) or None) for q in SINGLE]
    found = []
    for i, (q1, v1) in enumerate(single):
        for q2, v2 in single[i + 1 :]:
            found.append((f"{q1}+{q2}", f"{_pair_value(v1)}+{_pair_value(v2)}"))
    forms = set(row.get("forms") or ())
    for q1, v1 in single:
        for f in FORMS.values:
            found.append((f"{q1}+forms", f"{_pair_value(v1)}+{f if f in forms else _not(f)}"))
    return found


def build(rows: list[dict]) -> tuple[dict, list]:
    """Cells (true counts) and relations for these answer rows."""
    cells: Counter = Counter()
    for row in rows:
        year, quarter, month = _periods(row["month"])
        region = row.get("region") or ""
        for question, value in _categories(row):
            for where, period in ((ALL, year), (ALL, quarter), (ALL, month), (region, year)):
                cells[(question, value, where, period)] += 1
        for question, value in _pairs(row):
            cells[(question, value, ALL, year)] += 1
    return dict(cells), _relations(cells)


def _relations(cells) -> list:
    relations = []
    by_year: dict[str, dict] = defaultdict(lambda: {"regions": set(), "months": set()})
    for _question, _value, where, period in cells:
        year = period[:4]
        if where != ALL:
            by_year[year]["regions"].add(where)
        elif len(period) == 7 and period[4] == "-" and period[5] != "Q":
            by_year[year]["months"].add(period)
    singles = [(RESPONDENTS, None)]
    singles += [(q.key, v) for q in SINGLE for v in (*q.values, None)]
    singles += [("forms", v) for f in FORMS.values for v in (f, _not(f))]
    for year, seen in by_year.items():
        regions = sorted(seen["regions"])
        quarters = {}
        for month in sorted(seen["months"]):
            quarters.setdefault(f"{year}-Q{(int(month[5:]) - 1) // 3 + 1}", []).append(month)
        places = [(ALL, p) for p in (year, *quarters, *seen["months"])]
        places += [(region, year) for region in regions]
        for question, value in singles:
            relations.append(
                ((question, value, ALL, year), tuple((question, value, r, year) for r in regions))
            )
            relations.append(
                ((question, value, ALL, year), tuple((question, value, ALL, q) for q in quarters))
            )
            for q, months in quarters.items():
                relations.append(
                    ((question, value, ALL, q), tuple((question, value, ALL, m) for m in months))
                )
        for where, period in places:
            total = (RESPONDENTS, None, where, period)
            for q in SINGLE:
                relations.append(
                    (total, tuple((q.key, v, where, period) for v in (*q.values, None)))
                )
            for f in FORMS.values:
                relations.append(
                    (total, (("forms", f, where, period), ("forms", _not(f), where, period)))
                )
        relations += _pair_relations(year)
    return relations


def _pair_relations(year: str) -> list:
    relations = []
    single = [(q.key, (*q.values, None)) for q in SINGLE]
    forms = [(f, _not(f)) for f in FORMS.values]

    def cell(question, value):
        return (question, value, ALL, year)

    for i, (q1, values1) in enumerate(single):
        for q2, values2 in single[i + 1 :]:
            pair = f"{q1}+{q2}"
            for v1 in values1:
                parts = tuple(cell(pair, f"{_pair_value(v1)}+{_pair_value(v2)}") for v2 in values2)
                relations.append((cell(q1, v1), parts))
            for v2 in values2:
                parts = tuple(cell(pair, f"{_pair_value(v1)}+{_pair_value(v2)}") for v1 in values1)
                relations.append((cell(q2, v2), parts))
        pair = f"{q1}+forms"
        for v1 in values1:
            for yes, no in forms:
                relations.append(
                    (
                        cell(q1, v1),
                        (
                            cell(pair, f"{_pair_value(v1)}+{yes}"),
                            cell(pair, f"{_pair_value(v1)}+{no}"),
                        ),
                    )
                )
        for yes, no in forms:
            for side in (yes, no):
                parts = tuple(cell(pair, f"{_pair_value(v1)}+{side}") for v1 in values1)
                relations.append((cell("forms", side), parts))
    return relations
