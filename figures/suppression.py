"""Small-cell suppression with complementary suppression, over any additive structure.

A table is a set of cells (each a true count) and a list of relations `total = sum(parts)`.
Cells under `k` are suppressed (primary). Then, until no suppressed cell can be derived,
more cells are suppressed (complementary): a suppressed cell is derivable when it is a fixed
linear combination of the published ones, i.e. when its unit vector lies in the row space of
the relations restricted to the suppressed cells. Cheap first (a relation with one unknown
left), then exactly (the row space from a singular value decomposition, per connected part).
Published figures are treated as exact here, which is stricter than the rounding they get.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable

import numpy as np

Key = Hashable
Relation = tuple[Key, tuple[Key, ...]]


def suppress(
    cells: dict[Key, int],
    relations: Iterable[Relation],
    *,
    k: int,
    hidden: Iterable[Key] = (),
) -> set[Key]:
    """The cells that must not be published. `hidden` are never published (internal
    complements); they count as unknowns like any suppressed cell."""
    relations = [(total, tuple(parts)) for total, parts in relations]
    members: dict[Key, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(relations):
        for key in (total, *parts):
            members[key].append(index)
    # A cell in no row of `cells` is a zero, and a zero is under k like any small count.
    suppressed = {key for key in members if cells.get(key, 0) < k}
    suppressed |= {key for key, count in cells.items() if count < k} | set(hidden)
    while True:
        derivable = _derivable_simply(relations, suppressed) or _derivable_exactly(
            relations, members, suppressed
        )
        if not derivable:
            return suppressed
        added = False
        for key in sorted(derivable, key=repr):
            partner = _partner(key, relations, members, suppressed, cells)
            if partner is not None:
                suppressed.add(partner)
                added = True
        if not added:  # derivable from the structure alone: nothing left to hide it with
            return suppressed


def _derivable_simply(relations: list[Relation], suppressed: set[Key]) -> set[Key]:
    found = set()
    for total, parts in relations:
        unknown = [key for key in (total, *parts) if key in suppressed]
        if len(unknown) == 1:
            found.add(unknown[0])
    return found


def _derivable_exactly(
    relations: list[Relation], members: dict[Key, list[int]], suppressed: set[Key]
) -> set[Key]:
    found = set()
    for part in _connected(relations, members, suppressed):
        keys = sorted(part, key=repr)
        column = {key: i for i, key in enumerate(keys)}
        rows = sorted({index for key in keys for index in members[key]})
        matrix = np.zeros((len(rows), len(keys)))
        for r, index in enumerate(rows):
            total, parts = relations[index]
            if total in column:
                matrix[r, column[total]] += 1.0
            for key in parts:
                if key in column:
                    matrix[r, column[key]] -= 1.0
        _u, sigma, vt = np.linalg.svd(matrix, full_matrices=False)
        rank = int((sigma > 1e-9 * max(1.0, sigma[0] if len(sigma) else 1.0)).sum())
        if rank == 0:
            continue
        basis = vt[:rank]
        weight = (basis**2).sum(axis=0)  # the squared length of each unit vector's projection
        found |= {keys[i] for i in np.flatnonzero(weight > 1 - 1e-7)}
    return found


def _connected(relations, members, suppressed) -> list[set[Key]]:
    """Suppressed cells that share relations, in groups (each solved on its own)."""
    seen: set[Key] = set()
    groups = []
    for start in suppressed:
        if start in seen or start not in members:
            continue
        group, todo = set(), [start]
        seen.add(start)
        while todo:
            key = todo.pop()
            group.add(key)
            for index in members[key]:
                total, parts = relations[index]
                for other in (total, *parts):
                    if other in suppressed and other not in seen:
                        seen.add(other)
                        todo.append(other)
        groups.append(group)
    return groups


def _partner(key, relations, members, suppressed, cells) -> Key | None:
    """The smallest published cell of a relation of `key` (or, failing that, of a relation of
    a suppressed cell next to it): suppressing it leaves `key` with a second unknown."""
    frontier, seen = [key], {key}
    while frontier:
        candidates = {
            other
            for current in frontier
            for index in members[current]
            for other in (relations[index][0], *relations[index][1])
            if other not in suppressed
        }
        if candidates:
            return min(candidates, key=lambda other: (cells.get(other, 0), repr(other)))
        nxt = []
        for current in frontier:
            for index in members[current]:
                for other in (relations[index][0], *relations[index][1]):
                    if other in suppressed and other not in seen:
                        seen.add(other)
                        nxt.append(other)
        frontier = nxt
    return None


def derivable(
    published: dict[Key, int], unknown: Iterable[Key], relations: Iterable[Relation]
) -> set[Key]:
    """The unknown cells that published cells and the relations determine (for checks)."""
    relations = [(total, tuple(parts)) for total, parts in relations]
    members: dict[Key, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(relations):
        for key in (total, *parts):
            members[key].append(index)
    return _derivable_exactly(relations, members, set(unknown))
