"""Small cells never published, and no suppressed cell derivable from what is.

The check is written apart from figures.tables: the test builds the whole universe of cells a
reader knows exist (every region, every month, every answer), the ways they add up, and
solves that linear system for the suppressed cells (a cell is derived when every solution
of the homogeneous system leaves it at zero: its row of the null space is zero)."""

from collections import Counter
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from figures import suppression
from figures.questions import QUESTIONS
from figures.services import release_cells

REGIONS = ("astana", "abai", "ulytau", "")  # "" is "region not given"
SINGLE = [q for q in QUESTIONS if not q.many]
FORMS = next(q for q in QUESTIONS if q.many).values
K, ROUNDING = 10, 5


def _row(draw_region, month, answers):
    return {"month": date(2026, month, 1), "region": draw_region, **answers}


profile = st.fixed_dictionaries(
    {
        "relation": st.sampled_from(["husband", "former", "", "parent"]),
        "age_band": st.sampled_from(["25-34", "35-44", ""]),
        "police": st.sampled_from(["none", "reconcile", ""]),
        "knew_help": st.sampled_from(["yes", "no", ""]),
        "forms": st.lists(st.sampled_from(FORMS), unique=True, max_size=2),
    }
)
rows_strategy = st.lists(
    st.builds(_row, st.sampled_from(REGIONS), st.integers(1, 4), profile), max_size=70
)


def _places():
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    quarters = {f"2026-Q{q}": months[3 * (q - 1) : 3 * q] for q in range(1, 5)}
    return months, quarters


def _universe_and_relations():
    """Every cell a reader knows of, and every equation between them (written out here)."""
    months, quarters = _places()
    cats = [("respondents", None)]
    cats += [(q.key, v) for q in SINGLE for v in (*q.values, None)]
    cats += [("forms", v) for f in FORMS for v in (f, "~" + f)]
    places = [("all", p) for p in ("2026", *quarters, *months)] + [(r, "2026") for r in REGIONS]
    equations = []  # (plus, minus): sum(plus) == sum(minus)
    for q, v in cats:
        equations.append(([(q, v, "all", "2026")], [(q, v, r, "2026") for r in REGIONS]))
        equations.append(([(q, v, "all", "2026")], [(q, v, "all", p) for p in quarters]))
        for p, ms in quarters.items():
            equations.append(([(q, v, "all", p)], [(q, v, "all", m) for m in ms]))
    for where, period in places:
        total = [("respondents", None, where, period)]
        for q in SINGLE:
            equations.append((total, [(q.key, v, where, period) for v in (*q.values, None)]))
        for f in FORMS:
            equations.append(
                (total, [("forms", f, where, period), ("forms", "~" + f, where, period)])
            )
    name = lambda v: "unsaid" if v is None else v  # noqa: E731
    for i, q1 in enumerate(SINGLE):
        for q2 in SINGLE[i + 1 :]:
            pair = f"{q1.key}+{q2.key}"
            for v1 in (*q1.values, None):
                equations.append(
                    (
                        [(q1.key, v1, "all", "2026")],
                        [
                            (pair, f"{name(v1)}+{name(v2)}", "all", "2026")
                            for v2 in (*q2.values, None)
                        ],
                    )
                )
            for v2 in (*q2.values, None):
                equations.append(
                    (
                        [(q2.key, v2, "all", "2026")],
                        [
                            (pair, f"{name(v1)}+{name(v2)}", "all", "2026")
                            for v1 in (*q1.values, None)
                        ],
                    )
                )
        pair = f"{q1.key}+forms"
        for f in FORMS:
            for side in (f, "~" + f):
                equations.append(
                    (
                        [("forms", side, "all", "2026")],
                        [(pair, f"{name(v1)}+{side}", "all", "2026") for v1 in (*q1.values, None)],
                    )
                )
            for v1 in (*q1.values, None):
                equations.append(
                    (
                        [(q1.key, v1, "all", "2026")],
                        [
                            (pair, f"{name(v1)}+{f}", "all", "2026"),
                            (pair, f"{name(v1)}+~{f}", "all", "2026"),
                        ],
                    )
                )
    universe = {key for plus, minus in equations for key in (*plus, *minus)}
    return universe, equations


UNIVERSE, EQUATIONS = _universe_and_relations()


def _true_counts(rows) -> Counter:
    counts = Counter()
    for row in rows:
        m = row["month"].month
        places = [("all", "2026"), ("all", f"2026-Q{(m - 1) // 3 + 1}"), ("all", f"2026-{m:02d}")]
        places.append((row["region"], "2026"))
        cats = [("respondents", None)] + [(q.key, row[q.key] or None) for q in SINGLE]
        cats += [("forms", f if f in row["forms"] else "~" + f) for f in FORMS]
        for where, period in places:
            for q, v in cats:
                counts[(q, v, where, period)] += 1
        name = lambda v: "unsaid" if v is None else v  # noqa: E731
        single = [(q.key, row[q.key] or None) for q in SINGLE]
        for i, (q1, v1) in enumerate(single):
            for q2, v2 in single[i + 1 :]:
                counts[(f"{q1}+{q2}", f"{name(v1)}+{name(v2)}", "all", "2026")] += 1
            for f in FORMS:
                side = f if f in row["forms"] else "~" + f
                counts[(f"{q1}+forms", f"{name(v1)}+{side}", "all", "2026")] += 1
    return counts


def _derived(unknown: set, equations) -> set:
    """Unknown cells the equations pin down, whatever the published values are."""
    if not unknown:
        return set()
    keys = sorted(unknown, key=repr)
    column = {key: i for i, key in enumerate(keys)}
    rows = []
    for plus, minus in equations:
        row = np.zeros(len(keys))
        for key in plus:
            if key in column:
                row[column[key]] += 1
        for key in minus:
            if key in column:
                row[column[key]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _u, sigma, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((sigma > 1e-9).sum())
    null = vt[rank:]  # a basis of every way the unknowns can move while all equations hold
    return {keys[i] for i in range(len(keys)) if np.abs(null[:, i]).max(initial=0.0) < 1e-7}


def _published(rows):
    cells, _basis = release_cells(rows=rows, k=K, rounding=ROUNDING, previous={})
    return {(c["question"], c["value"], c["region"] or "", c["period"]): c["count"] for c in cells}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy)
def test_no_published_cell_is_small_and_no_suppressed_cell_can_be_derived(rows):
    published = _published(rows)
    truth = _true_counts(rows)
    assert set(published) <= UNIVERSE
    assert all(truth[key] >= K for key in published)
    assert all(count % ROUNDING == 0 and count <= truth[key] for key, count in published.items())
    assert not _derived(UNIVERSE - set(published), EQUATIONS)


def test_the_check_finds_a_cell_left_alone_in_its_row():
    """The check itself can fail: primary suppression alone leaves a cell derivable (here
    "prefer not to say" in a row of three whose other two and total are published)."""

    def told(knew_help, times):
        answers = {"relation": "", "age_band": "", "police": "", "knew_help": knew_help}
        return [_row("astana", 1, {**answers, "forms": []})] * times

    rows = told("yes", 30) + told("no", 15) + told("", 3)
    truth = _true_counts(rows)
    only_primary = {key for key in UNIVERSE if truth[key] >= K}
    assert ("knew_help", None, "astana", "2026") in _derived(UNIVERSE - only_primary, EQUATIONS)
    assert not _derived(UNIVERSE - set(_published(rows)), EQUATIONS)


def test_a_lone_small_cell_gets_a_partner():
    cells = {"total": 40, "a": 30, "b": 3, "c": 7}
    hidden = suppression.suppress(cells, [("total", ("a", "b", "c"))], k=5)
    assert {"b", "c"} <= hidden or {"b", "a"} <= hidden


@pytest.mark.parametrize("count", [0, 1, K - 1])
def test_a_cell_under_k_is_never_published(count):
    rows = [
        _row(
            "abai",
            2,
            {"relation": "husband", "age_band": "", "police": "", "knew_help": "", "forms": []},
        )
    ] * count
    rows += [
        _row(
            "astana",
            2,
            {"relation": "husband", "age_band": "", "police": "", "knew_help": "", "forms": []},
        )
    ] * 40
    published = _published(rows)
    assert not any(key[2] == "abai" for key in published)
