"""Small cells never published, and no suppressed cell derivable from what is.

The check is written apart from figures.tables: the test builds the whole universe of cells a
reader knows exist (every region, every month, quarter and year, every answer and pair of
answers), the ways they add up, and solves that linear system for the suppressed cells (a cell
is derived when every solution of the homogeneous system leaves it at zero: its row of the null
space is zero). The solver for that universe is figures.suppression's (modular elimination): the
universe is too big for a dense SVD; the solver itself is checked against a dense SVD, kept here
as the reference, on small random systems."""

import random
from collections import Counter
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from figures import suppression, tables
from figures.questions import QUESTIONS
from figures.services import release_cells

REGIONS = ("astana", "abai", "")  # "" is "region not given"
MONTHS = (1, 2, 4)  # two quarters, one with two months
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
    st.builds(_row, st.sampled_from(REGIONS), st.sampled_from(MONTHS), profile), max_size=70
)


def _places():
    months = [f"2026-{m:02d}" for m in MONTHS]
    quarters = {"2026-Q1": months[:2], "2026-Q2": months[2:]}
    return months, quarters


def _name(value) -> str:
    return "unsaid" if value is None else value


def _pair_cells():
    """(pair question, value) of every pair, and its two margins' equations at one place."""
    found, equations = [], []
    for i, q1 in enumerate(SINGLE):
        for q2 in SINGLE[i + 1 :]:
            pair = f"{q1.key}+{q2.key}"
            for v1 in (*q1.values, None):
                cells = [(pair, f"{_name(v1)}+{_name(v2)}") for v2 in (*q2.values, None)]
                found += cells
                equations.append(((q1.key, v1), cells))
            for v2 in (*q2.values, None):
                cells = [(pair, f"{_name(v1)}+{_name(v2)}") for v1 in (*q1.values, None)]
                equations.append(((q2.key, v2), cells))
        pair = f"{q1.key}+forms"
        for f in FORMS:
            for side in (f, "~" + f):
                cells = [(pair, f"{_name(v1)}+{side}") for v1 in (*q1.values, None)]
                found += cells
                equations.append((("forms", side), cells))
            for v1 in (*q1.values, None):
                cells = [(pair, f"{_name(v1)}+{f}"), (pair, f"{_name(v1)}+~{f}")]
                equations.append(((q1.key, v1), cells))
    return found, equations


def _pairs_at(where, period) -> bool:
    return where == "all" or len(period) == 4 or tables.PAIRS_BY_REGION_AND_MONTH


def _universe_and_relations():
    """Every cell a reader knows of, and every equation between them (written out here)."""
    months, quarters = _places()
    cats = [("respondents", None)]
    cats += [(q.key, v) for q in SINGLE for v in (*q.values, None)]
    cats += [("forms", v) for f in FORMS for v in (f, "~" + f)]
    pair_cats, pair_equations = _pair_cells()
    periods = ("2026", *quarters, *months)
    equations = []  # (total, parts): total == sum(parts)
    for q, v in (*cats, *pair_cats):
        pair = "+" in q
        for period in periods:  # regions add up to the country
            if not pair or _pairs_at("astana", period):
                equations.append(((q, v, "all", period), [(q, v, r, period) for r in REGIONS]))
        for where in ("all", *REGIONS):  # months to quarters to the year
            if not pair or _pairs_at(where, "2026-01"):
                equations.append(((q, v, where, "2026"), [(q, v, where, p) for p in quarters]))
                for p, ms in quarters.items():
                    equations.append(((q, v, where, p), [(q, v, where, m) for m in ms]))
    for where in ("all", *REGIONS):
        for period in periods:
            total = ("respondents", None, where, period)
            for q in SINGLE:
                equations.append((total, [(q.key, v, where, period) for v in (*q.values, None)]))
            for f in FORMS:
                equations.append(
                    (total, [("forms", f, where, period), ("forms", "~" + f, where, period)])
                )
            if _pairs_at(where, period):
                for (q, v), cells in pair_equations:
                    equations.append(((q, v, where, period), [(*c, where, period) for c in cells]))
    universe = {key for total, parts in equations for key in (total, *parts)}
    return universe, equations


UNIVERSE, EQUATIONS = _universe_and_relations()


def _true_counts(rows) -> Counter:
    counts = Counter()
    for row in rows:
        m = row["month"].month
        periods = ["2026", f"2026-Q{(m - 1) // 3 + 1}", f"2026-{m:02d}"]
        places = [(where, period) for where in ("all", row["region"]) for period in periods]
        cats = [("respondents", None)] + [(q.key, row[q.key] or None) for q in SINGLE]
        cats += [("forms", f if f in row["forms"] else "~" + f) for f in FORMS]
        single = [(q.key, row[q.key] or None) for q in SINGLE]
        pairs = []
        for i, (q1, v1) in enumerate(single):
            for q2, v2 in single[i + 1 :]:
                pairs.append((f"{q1}+{q2}", f"{_name(v1)}+{_name(v2)}"))
            for f in FORMS:
                side = f if f in row["forms"] else "~" + f
                pairs.append((f"{q1}+forms", f"{_name(v1)}+{side}"))
        for where, period in places:
            for q, v in cats:
                counts[(q, v, where, period)] += 1
            if _pairs_at(where, period):
                for q, v in pairs:
                    counts[(q, v, where, period)] += 1
    return counts


def _dense_derived(unknown: set, equations) -> set:
    """The reference: unknown cells the equations pin down, whatever the published values
    are, by a dense SVD (a cell is pinned when its row of the null space is zero)."""
    if not unknown:
        return set()
    keys = sorted(unknown, key=repr)
    column = {key: i for i, key in enumerate(keys)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(keys))
        if total in column:
            row[column[total]] += 1
        for key in parts:
            if key in column:
                row[column[key]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()  # nothing ties them: every unknown is free
    matrix = np.array(rows)
    _u, sigma, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((sigma > 1e-9).sum())
    null = vt[rank:]  # a basis of every way the unknowns can move while all equations hold
    return {keys[i] for i in range(len(keys)) if np.abs(null[:, i]).max(initial=0.0) < 1e-7}


def _published(rows):
    cells, _basis = release_cells(rows=rows, k=K, rounding=ROUNDING, previous={})
    return {(c["question"], c["value"], c["region"] or "", c["period"]): c["count"] for c in cells}


def _derived_by_a_reader(rows, published) -> set:
    """What a reader works out from the published figures. Stricter than a reader: places
    with no answers at all (a month, a region) are taken as known zeros."""
    present = {(row["region"], row["month"].month) for row in rows}
    regions = {region for region, _m in present}
    months = {f"2026-{m:02d}" for _r, m in present}
    quarters = {f"2026-Q{(int(m[5:]) - 1) // 3 + 1}" for m in months}

    def known_zero(key):
        _q, _v, where, period = key
        if where != "all" and where not in regions:
            return True
        return period not in ({"2026"} if rows else set()) | quarters | months

    unknown = {key for key in UNIVERSE - set(published) if not known_zero(key)}
    return suppression.derivable(published, unknown, EQUATIONS)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy)
def test_no_published_cell_is_small_and_no_suppressed_cell_can_be_derived(rows):
    published = _published(rows)
    truth = _true_counts(rows)
    assert set(published) <= UNIVERSE
    assert all(truth[key] >= K for key in published)
    assert all(count % ROUNDING == 0 and count <= truth[key] for key, count in published.items())
    assert not _derived_by_a_reader(rows, published)


def test_the_check_finds_a_cell_left_alone_in_its_row():
    """The check itself can fail: primary suppression alone leaves a cell derivable (here
    "prefer not to say" in a row of three whose other two and total are published)."""

    def told(knew_help, times):
        answers = {"relation": "", "age_band": "", "police": "", "knew_help": knew_help}
        return [_row("astana", 1, {**answers, "forms": []})] * times

    rows = told("yes", 30) + told("no", 15) + told("", 3)
    truth = _true_counts(rows)
    only_primary = {key: truth[key] for key in UNIVERSE if truth[key] >= K}
    assert ("knew_help", None, "astana", "2026") in _derived_by_a_reader(rows, only_primary)
    assert not _derived_by_a_reader(rows, _published(rows))


def test_a_region_with_enough_answers_in_a_month_is_published_by_month_and_quarter():
    rng = random.Random(16)

    def told(region, month):
        answers = {
            "relation": rng.choice(["husband", "former", ""]),
            "age_band": "",
            "police": "",
            "knew_help": rng.choice(["yes", "no", ""]),
            "forms": [form for form in FORMS if rng.random() < 0.5],
        }
        return _row(region, month, answers)

    rows = [told(region, month) for region in REGIONS for month in MONTHS for _ in range(100)]
    truth, published = _true_counts(rows), _published(rows)
    for period in ("2026-01", "2026-02", "2026-Q1"):
        key = ("respondents", None, "astana", period)
        assert published[key] == truth[key] // ROUNDING * ROUNDING
        answers = [key for key in published if key[2:] == ("abai", period) and key[1]]
        assert len(answers) >= 5  # and the answers themselves, not only how many answered
    assert not _derived_by_a_reader(rows, published)


def test_a_lone_small_cell_gets_a_partner():
    cells = {"total": 40, "a": 30, "b": 3, "c": 7}
    hidden = suppression.suppress(cells, [("total", ("a", "b", "c"))], k=5)
    assert {"b", "c"} <= hidden or {"b", "a"} <= hidden


def test_a_small_cell_of_a_two_by_two_table_hides_all_four():
    """a b | 23 / c d | 50 / 23 50 | 73: the margins can stay, the four cells cannot."""
    cells = {"a": 3, "b": 20, "c": 20, "d": 30, "r1": 23, "r2": 50, "c1": 23, "c2": 50, "t": 73}
    relations = [
        ("r1", ("a", "b")),
        ("r2", ("c", "d")),
        ("c1", ("a", "c")),
        ("c2", ("b", "d")),
        ("t", ("r1", "r2")),
        ("t", ("c1", "c2")),
    ]
    assert suppression.suppress(cells, relations, k=10) == {"a", "b", "c", "d"}
    assert suppression.derivable(cells, {"a", "b", "c", "d"}, relations) == set()
    assert suppression.derivable(cells, {"a", "b", "c"}, relations) == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("rows", "pinned"),
    [
        ([{"x": 1, "y": -1}, {"y": 1}], {"x", "y"}),  # x = y, y = 0
        ([{"x": 1, "y": -1, "z": -1}], set()),  # one equation, three unknowns
        ([{"x": 1, "y": -1}, {"y": 1, "z": -1}, {"x": 1, "z": -1}], set()),  # dependent rows
        ([{"x": 2, "y": -2}, {"x": 1, "y": 1}], {"x", "y"}),
        ([{"a": 1, "b": 1}, {"c": 1, "d": 1}, {"a": 1, "c": 1}, {"b": 1, "d": 1}], set()),
    ],
)
def test_the_modular_elimination_on_small_known_systems(rows, pinned):
    assert suppression.pinned(rows, {"x", "y"} if "x" in rows[0] else set()) == pinned


relation_systems = st.lists(
    st.tuples(st.integers(0, 11), st.lists(st.integers(0, 11), min_size=1, max_size=5)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(relation_systems, st.sets(st.integers(0, 11), min_size=1))
def test_the_modular_elimination_agrees_with_a_dense_svd(relations, unknown):
    relations = [(total, tuple(parts)) for total, parts in relations]
    keys = {key for total, parts in relations for key in (total, *parts)}
    unknown &= keys
    assert suppression.derivable({}, unknown, relations) == _dense_derived(unknown, relations)


@settings(max_examples=200, deadline=None)
@given(relation_systems, st.lists(st.sets(st.integers(0, 11)), min_size=1, max_size=4))
def test_the_elimination_grown_in_rounds_agrees_with_one_made_at_once(relations, rounds):
    """What suppress does: cells suppressed round after round are added to the elimination
    already made; it must pin the same cells as an elimination of all of them at once."""
    relations = [(total, tuple(parts)) for total, parts in relations]
    members = suppression._members(relations)
    system, suppressed = suppression.Elimination(), set()
    for cells in rounds:
        added = (cells & set(members)) - suppressed
        suppressed |= added
        system.extend(suppression._rows(relations, members, added, within=suppressed))
        assert system.pinned() == _dense_derived(suppressed, relations)


def test_the_modular_elimination_agrees_with_a_dense_svd_on_tables_with_margins():
    """Random three-way tables with every margin (as a release's are), a random part
    unknown: the same cells pinned both ways."""
    rng = random.Random(16)
    for _ in range(40):
        shape = [rng.randint(2, 4) for _ in range(3)]
        relations = []
        cells = [(i, j, h) for i in range(shape[0]) for j in range(shape[1]) for h in range(3)]
        cells = [c for c in cells if c[2] < shape[2]]
        for axis in range(3):  # every line of the table adds up to its margin ("*")
            for cell in cells:
                if cell[axis] == 0:
                    line = [(*cell[:axis], x, *cell[axis + 1 :]) for x in range(shape[axis])]
                    relations.append(((*cell[:axis], "*", *cell[axis + 1 :]), tuple(line)))
        keys = {key for total, parts in relations for key in (total, *parts)}
        unknown = {key for key in keys if rng.random() < 0.6}
        assert suppression.derivable({}, unknown, relations) == _dense_derived(unknown, relations)


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
