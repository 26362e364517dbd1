"""The tables a release publishes, as cells and the additive relations between them.

A cell is keyed (question, value, region, period):
- question: a question's key, `respondents` (everyone who answered anything), or a pair
  `q1+q2`; value: a slug, None ("prefer not to say"), or for a pair `v1+v2`;
- region: a region's slug, "" (region not given) or "all" (the whole country);
- period: "2026", "2026-Q4" or "2026-11".

Published: every question for the whole country and for each region by month, quarter and
year; the pairs of questions for the whole country by month, quarter and year, and for each
region by year. Every way these add up is a relation (regions to the country for each period,
months to quarters to years for each place, answers to respondents and pairs to both their
questions at each place and period), so complementary suppression sees every total a reader
could subtract from.

Why not the pairs by region and month (PAIRS_BY_REGION_AND_MONTH, built and measured with
bench/release_tables.py --pairs-everywhere yes): a region's month holds a dozen answers or so,
spread over 353 pairs, so nearly all of those cells are suppressed; a release of 5,000 answers
over 18 regions and 24 months took 162 s instead of 3 s, over the two-minute budget, for 8 more
published cells. On skewed answers their small cells also drag the single questions' region by
month figures into complementary suppression through the margins.
"""

from collections import Counter, defaultdict
from datetime import date

from figures.questions import QUESTIONS

RESPONDENTS = "respondents"
ALL = "all"
SINGLE = tuple(q for q in QUESTIONS if not q.many)
FORMS = next(q for q in QUESTIONS if q.many)
UNSAID = "unsaid"  # inside a pair's value, for "prefer not to say"
PAIRS_BY_REGION_AND_MONTH = False


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


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


def _pairs_at(where: str, period: str) -> bool:
    """Where the pairs of questions are published: the whole country for every period, each
    region by year, and each region by quarter and month if PAIRS_BY_REGION_AND_MONTH."""
    return where == ALL or len(period) == 4 or PAIRS_BY_REGION_AND_MONTH


def build(rows: list[dict]) -> tuple[dict, list]:
    """Cells (true counts) and relations for these answer rows."""
    finest: Counter = Counter()  # (question, value), region, month
    for row in rows:
        region = row.get("region") or ""
        month = f"{row['month'].year}-{row['month'].month:02d}"
        for category in _categories(row):
            finest[(category, region, month)] += 1
        for category in _pairs(row):
            finest[(category, region, month)] += 1
    cells: Counter = Counter()
    seen: dict[str, dict] = defaultdict(lambda: {"regions": set(), "months": set()})
    for ((question, value), region, month), count in finest.items():
        seen[month[:4]]["regions"].add(region)
        seen[month[:4]]["months"].add(month)
        pair = "+" in question
        for where in (region, ALL):
            for period in (month[:4], _quarter(month), month):
                if not pair or _pairs_at(where, period):
                    cells[(question, value, where, period)] += count
    return dict(cells), _relations(seen)


def _singles() -> list[tuple[str, object]]:
    singles = [(RESPONDENTS, None)]
    singles += [(q.key, v) for q in SINGLE for v in (*q.values, None)]
    singles += [("forms", v) for f in FORMS.values for v in (f, _not(f))]
    return singles


def _relations(seen: dict[str, dict]) -> list:
    relations = []
    singles = _singles()
    pairs = _pair_margins(ALL, "")[1]
    for year, found in sorted(seen.items()):
        regions = sorted(found["regions"])
        months = sorted(found["months"])
        quarters: dict[str, list[str]] = {}
        for month in months:
            quarters.setdefault(_quarter(month), []).append(month)
        periods = [year, *quarters, *months]
        for question, value in (*singles, *pairs):
            pair = "+" in question

            def cell(where, period, question=question, value=value):
                return (question, value, where, period)

            for period in periods:  # the regions add up to the whole country
                if not pair or _pairs_at(regions[0], period):
                    relations.append((cell(ALL, period), tuple(cell(r, period) for r in regions)))
            for where in (ALL, *regions):  # months to quarters to the year
                if not pair or _pairs_at(where, months[0]):
                    relations.append((cell(where, year), tuple(cell(where, q) for q in quarters)))
                    for q, within in quarters.items():
                        relations.append((cell(where, q), tuple(cell(where, m) for m in within)))
        for where in (ALL, *regions):  # the answers to everyone who answered, pairs to both
            for period in periods:
                total = (RESPONDENTS, None, where, period)
                for q in SINGLE:
                    relations.append(
                        (total, tuple((q.key, v, where, period) for v in (*q.values, None)))
                    )
                for f in FORMS.values:
                    relations.append(
                        (total, (("forms", f, where, period), ("forms", _not(f), where, period)))
                    )
                if _pairs_at(where, period):
                    relations += _pair_margins(where, period)[0]
    return relations


def _pair_margins(where: str, period: str) -> tuple[list, list]:
    """The relations of the pairs to their two questions at one place, and the pairs' cells
    (question, value)."""
    relations, categories = [], []
    single = [(q.key, (*q.values, None)) for q in SINGLE]
    forms = [(f, _not(f)) for f in FORMS.values]

    def cell(question, value):
        return (question, value, where, period)

    for i, (q1, values1) in enumerate(single):
        for q2, values2 in single[i + 1 :]:
            pair = f"{q1}+{q2}"
            for v1 in values1:
                parts = tuple(cell(pair, f"{_pair_value(v1)}+{_pair_value(v2)}") for v2 in values2)
                relations.append((cell(q1, v1), parts))
                categories += [part[:2] for part in parts]
            for v2 in values2:
                parts = tuple(cell(pair, f"{_pair_value(v1)}+{_pair_value(v2)}") for v1 in values1)
                relations.append((cell(q2, v2), parts))
        pair = f"{q1}+forms"
        for v1 in values1:
            for yes, no in forms:
                parts = (
                    cell(pair, f"{_pair_value(v1)}+{yes}"),
                    cell(pair, f"{_pair_value(v1)}+{no}"),
                )
                relations.append((cell(q1, v1), parts))
                categories += [part[:2] for part in parts]
        for yes, no in forms:
            for side in (yes, no):
                parts = tuple(cell(pair, f"{_pair_value(v1)}+{side}") for v1 in values1)
                relations.append((cell("forms", side), parts))
    return relations, categories
