"""Small-cell suppression with complementary suppression, over any additive structure.

A table is a set of cells (each a true count) and a list of relations `total = sum(parts)`.
Cells under `k` are suppressed (primary). Then, until no suppressed cell can be derived,
more cells are suppressed (complementary). A suppressed cell x is derivable when it is a
fixed linear combination of the published ones: when its unit vector lies in the row space of
A_S, the relations' matrix restricted to the suppressed columns; equivalently, when every
vector of the null space of A_S (every way the suppressed cells can move together while every
relation still holds) leaves x at 0.

The check, cheap first:
1. a relation with a single suppressed cell left gives that cell away;
2. exactly: sparse Gaussian elimination of A_S modulo the prime p = 2**61 - 1 (rows as dicts;
   a column found in one row only is eliminated first, at no cost; otherwise the shortest row,
   on its column in the fewest rows, which limits fill-in; unconnected parts of the suppressed
   cells never mix, so this is the same as one elimination per part), then random vectors of
   the null space (random values for the free columns, the pivots back-substituted): x is
   derivable iff its component is 0 in all of them.

How this can err, stated plainly. (a) The random vectors: a cell that can move gets a zero
component by chance with probability about 1/p per vector (Schwartz-Zippel); every vector must
give zero, so this error is about 2**-122 per cell and only ever calls a cell derivable that is
not (it is then suppressed for nothing: safe). (b) Working modulo p rather than over the
rationals: if p divided a nonzero minor of A_S, the rank modulo p could be lower than the true
rank, a bigger null space, which could call a derivable cell free (unsafe). That needs a minor
of at least 2**61 in absolute value made of the relations' 0/±1 coefficients: not excluded in
principle for a large system, never seen; the tests cross-check this method against a dense
floating-point SVD on random systems and on three-way tables with margins. (c) Published figures
are treated as exact, which is stricter than the rounding they get. (d) Only linear algebra:
that counts are never negative is not used (a published total equal to its published parts
shows the suppressed rest to be zeros).

Complementary suppression keeps a partner for every derivable cell: the smallest published cell
of the relations it is alone in (the cheap pass), or of any of its relations (or of a relation
of a suppressed cell next to it). The elimination is not redone for each round: see Elimination.
"""

import heapq
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable

Key = Hashable
Relation = tuple[Key, tuple[Key, ...]]
PRIME = 2**61 - 1
VECTORS = 2  # random null-space vectors per question

_random = random.SystemRandom()


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
    members = _members(relations)
    # A cell in no row of `cells` is a zero, and a zero is under k like any small count.
    suppressed = {key for key in members if cells.get(key, 0) < k}
    suppressed |= {key for key, count in cells.items() if count < k} | set(hidden)
    system = Elimination()
    new = set(suppressed)  # whose relations the cheap pass looks at next
    added = {key for key in suppressed if key in members}  # not yet in the elimination
    while True:
        alone = _derivable_simply(relations, members, suppressed, around=new)
        derivable = set(alone)
        exact = not derivable
        if exact:  # bring the elimination up to the cells suppressed since, and solve
            system.extend(_rows(relations, members, added, within=suppressed))
            added = set()
            derivable = system.pinned()
        new = set()
        for key in sorted(derivable, key=repr):
            partner = _partner(key, relations, members, suppressed, cells, among=alone.get(key))
            if partner is not None:  # None: derivable from the structure alone (a zero)
                suppressed.add(partner)
                new.add(partner)
                added.add(partner)
        if exact and not new:
            break
    return suppressed


def _members(relations: list[Relation]) -> dict[Key, list[int]]:
    members: dict[Key, list[int]] = defaultdict(list)
    for index, (total, parts) in enumerate(relations):
        for key in (total, *parts):
            members[key].append(index)
    return members


def _derivable_simply(
    relations: list[Relation], members: dict, suppressed: set[Key], *, around: set[Key]
) -> set[Key]:
    """Cells alone in a relation, with the relations they are alone in. Only relations of
    `around` can have changed."""
    found: dict[Key, list[int]] = defaultdict(list)
    for index in sorted({index for key in around for index in members.get(key, ())}):
        total, parts = relations[index]
        unknown = {key for key in (total, *parts) if key in suppressed}
        if len(unknown) == 1:
            found[unknown.pop()].append(index)
    return found


def _rows(relations, members, columns: set[Key], *, within: set[Key]) -> dict[int, dict]:
    """The entries of `columns` in the relations (by relation number), as rows of A_S where
    S is `within`: a relation's total counts +1, each part -1."""
    rows: dict[int, dict[Key, int]] = {}
    for index in sorted({index for key in columns for index in members[key]}):
        total, parts = relations[index]
        row: dict[Key, int] = defaultdict(int)
        if total in columns and total in within:
            row[total] += 1
        for key in parts:
            if key in columns and key in within:
                row[key] -= 1
        row = {key: value % PRIME for key, value in row.items() if value % PRIME}
        if row:
            rows[index] = row
    return rows


class Elimination:
    """A sparse Gaussian elimination of A_S modulo PRIME that grows with S.

    `extend` adds columns (newly suppressed cells) with their entries in the rows (relations):
    the row operations already done are replayed on the new columns alone, which then also sit
    in the pivot rows; what the new columns leave in the rows that had been eliminated to zero
    (or in rows new to the system) is eliminated in turn. Old free columns stay free, so the
    null space only grows: by the vectors of the new free columns.

    `pinned` answers for the cells that were pinned last time and the new ones only: a cell
    shown free stays free as S grows (a null vector of A_S, extended by zeros, is one of the
    bigger A_S). For those it takes random values on the new free columns, zero on the old
    ones, and back-substitutes only the pivots that this reaches. So a round of complementary
    suppression costs the replay and a local back-substitution, not a whole new solve.
    """

    def __init__(self) -> None:
        # (pivot column, row number, the row at its pivoting, inverse of the pivot, and the row
        # operations it made: (row number, factor) for row -= factor * this row)
        self.pivots: list[tuple[Key, int, dict[Key, int], int, list[tuple[int, int]]]] = []
        self.position_of_row: dict[int, int] = {}  # a pivot's row number: its position
        self.pivot_of: dict[Key, int] = {}  # column: its pivot's position
        self.users: dict[Key, list[int]] = defaultdict(list)  # column: pivots whose row has it
        self.columns: set[Key] = set()
        self.unsure: set[Key] = set()  # pinned last time, or new since
        self.fresh_free: set[Key] = set()  # free columns new since the last `pinned`

    def extend(self, rows: dict[int, dict[Key, int]], *, columns: Iterable[Key] = ()) -> None:
        entries = {index: dict(row) for index, row in rows.items()}
        # the pivots whose rows the new columns reach, in elimination order
        todo = [self.position_of_row[i] for i in entries if i in self.position_of_row]
        heapq.heapify(todo)
        done = set()
        while todo:
            position = heapq.heappop(todo)
            if position in done:
                continue
            done.add(position)
            _column, index, row, _inverse, operations = self.pivots[position]
            source = entries.get(index)
            if not source:
                continue
            row.update(source)
            for other in source:
                self.users[other].append(position)
            for target, factor in operations:
                if target in self.position_of_row and target not in entries:
                    heapq.heappush(todo, self.position_of_row[target])
                into = entries.setdefault(target, {})
                for other, value in source.items():
                    updated = (into.get(other, 0) - factor * value) % PRIME
                    if updated:
                        into[other] = updated
                    else:
                        into.pop(other, None)
        fresh = {column for row in rows.values() for column in row} | set(columns)
        fresh -= self.columns
        self.columns |= fresh
        self.unsure |= fresh
        rest = {i: row for i, row in entries.items() if i not in self.position_of_row and row}
        for pivot in _eliminate(rest):
            column, index, row, _inverse, _operations = pivot
            position = len(self.pivots)
            self.pivots.append(pivot)
            self.position_of_row[index] = position
            self.pivot_of[column] = position
            for other in row:
                if other != column:
                    self.users[other].append(position)
        self.fresh_free |= fresh - set(self.pivot_of)

    def pinned(self) -> set[Key]:
        """The cells every solution of A_S x = 0 leaves at 0 (see the module's docstring)."""
        free, self.fresh_free = self.fresh_free, set()
        maybe = set(self.unsure)
        for _ in range(VECTORS):
            if not maybe:
                break
            x = self._vector(free)
            maybe = {column for column in maybe if not x.get(column)}
        self.unsure = maybe
        return set(maybe)

    def _vector(self, free: set[Key]) -> dict[Key, int]:
        """A random null vector: random on `free`, zero on every other free column."""
        x = {column: _random.randrange(1, PRIME) for column in free}
        if len(free) * 4 > len(self.pivots):  # most of the system: every pivot, in turn
            for column, _index, row, inverse, _operations in reversed(self.pivots):
                total = 0
                for other, value in row.items():
                    if other != column and other in x:
                        total += value * x[other]
                if total % PRIME:
                    x[column] = -total % PRIME * inverse % PRIME
            return x
        todo = [-position for column in free for position in self.users.get(column, ())]
        heapq.heapify(todo)
        done = set()
        while todo:  # the latest pivot first: its row holds only later pivots and free ones
            position = -heapq.heappop(todo)
            if position in done:
                continue
            done.add(position)
            column, _index, row, inverse, _operations = self.pivots[position]
            total = 0
            for other, value in row.items():
                if other != column and other in x:
                    total += value * x[other]
            value = -total % PRIME * inverse % PRIME
            if value:
                x[column] = value
                for user in self.users.get(column, ()):
                    heapq.heappush(todo, -user)
        return x


def _inverse(value: int) -> int:
    if value == 1 or value == PRIME - 1:  # the relations' own coefficients, most pivots
        return value
    return pow(value, PRIME - 2, PRIME)


def _eliminate(active: dict[int, dict[Key, int]]) -> list:
    """Sparse Gaussian elimination modulo PRIME of these rows (consumed): the pivots in
    elimination order, as Elimination keeps them. A column found in one row only is pivoted
    first (no fill-in); otherwise the shortest row, on its column in the fewest rows."""
    where: dict[Key, set[int]] = defaultdict(set)
    for i, row in active.items():
        for column in row:
            where[column].add(i)
    singles = [column for column, found in where.items() if len(found) == 1]
    queue = [(len(row), i) for i, row in active.items()]
    heapq.heapify(queue)
    pivots = []
    while True:
        if singles:
            column = singles.pop()
            if len(where[column]) != 1:
                continue
            (i,) = where[column]
        else:
            while queue and (queue[0][1] not in active or len(active[queue[0][1]]) != queue[0][0]):
                heapq.heappop(queue)
            if not queue:
                return pivots
            _length, i = heapq.heappop(queue)
            column = min(active[i], key=lambda c: len(where[c]))
        row = active.pop(i)
        for other in row:
            where[other].discard(i)
            if len(where[other]) == 1:
                singles.append(other)
        inverse = _inverse(row[column])
        operations = []
        for j in list(where[column]):
            target = active[j]
            factor = target[column] * inverse % PRIME
            operations.append((j, factor))
            for other, value in row.items():
                updated = (target.get(other, 0) - factor * value) % PRIME
                if updated:
                    if other not in target:
                        where[other].add(j)
                    target[other] = updated
                elif other in target:
                    del target[other]
                    where[other].discard(j)
                    if len(where[other]) == 1:
                        singles.append(other)
            if target:
                heapq.heappush(queue, (len(target), j))
            else:
                del active[j]  # a relation that followed from the others
        pivots.append((column, i, row, inverse, operations))


def _partner(key, relations, members, suppressed, cells, *, among=None) -> Key | None:
    """The smallest published cell of a relation of `key` (of the relations `among`, when it
    is alone in those: a partner elsewhere would leave it alone there; or, failing that, of a
    relation of a suppressed cell next to it): suppressing it gives `key` a second unknown."""
    if among:
        candidates = {
            other
            for index in among
            for other in (relations[index][0], *relations[index][1])
            if other not in suppressed
        }
        if candidates:
            return min(candidates, key=lambda other: (cells.get(other, 0), repr(other)))
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


def pinned(rows: list[dict[Key, int]], columns: Iterable[Key] = ()) -> set[Key]:
    """The columns (of `columns` and the rows) every solution of `rows · x = 0` modulo PRIME
    leaves at 0."""
    system = Elimination()
    system.extend(dict(enumerate(rows)), columns=columns)
    return system.pinned()


def derivable(
    published: dict[Key, int], unknown: Iterable[Key], relations: Iterable[Relation]
) -> set[Key]:
    """The unknown cells that published cells and the relations determine (for checks)."""
    relations = [(total, tuple(parts)) for total, parts in relations]
    unknown = set(unknown)
    members = _members(relations)
    system = Elimination()
    system.extend(_rows(relations, members, unknown & set(members), within=unknown))
    return system.pinned()
