"""Colourings of sparsity patterns, so one compressed seed sweeps several columns (rows).

Owns: `column_coloring` (partial distance-2, for forward sweeps), `row_coloring` (for
reverse sweeps), `star_coloring` (for hessians, with direct symmetric recovery) and
`recovery_sources`, which says where each entry of a star-coloured hessian is read.
A colouring of a pattern with n columns never builds anything n x n: the conflict graph
of the columns is built only when its size is within a budget.
Imports: NumPy only (patterns come in as scipy.sparse arrays).
"""

import numpy as _np


def _greedy(graph, order):
    """Greedy colouring of the symmetric adjacency `graph` (a csr pattern, no diagonal
    needed) visiting vertices in `order`: each takes the smallest colour none of its
    coloured neighbours has."""
    n = graph.shape[0]
    indptr = graph.indptr.tolist()
    indices = graph.indices.tolist()
    color = [-1] * n
    mark = [-1] * (max((indptr[v + 1] - indptr[v] for v in range(n)), default=0) + 2)
    for v in order:
        for u in indices[indptr[v]:indptr[v + 1]]:
            c = color[u]
            if c >= 0:
                mark[c] = v
        c = 0
        while mark[c] == v:
            c += 1
        color[v] = c
    return _np.asarray(color, dtype=_np.int64)


def _largest_first(graph):
    degrees = _np.diff(graph.indptr)
    return _np.argsort(-degrees, kind="stable").tolist()


# The conflict graph of the columns has up to the sum of the squared row lengths entries; a
# pattern whose graph would be larger than this many entries (and 32 per nonzero) is not
# coloured: a row of r entries needs r colours whatever the colouring, so such a pattern
# is swept column by column (and the other direction is usually the one taken).
_CONFLICT_BUDGET = 1 << 22


def column_coloring(pattern, budget=None):
    """A colouring of the columns of `pattern` such that no two columns of one colour
    share a row (a partial distance-2 colouring), greedy in largest-first order, then
    improved: (colours, number of colours). A pattern whose conflict graph would exceed
    `budget` entries gets one colour per column."""
    p = pattern.tocsr()
    n = p.shape[1]
    if n == 0:
        return _np.zeros(0, dtype=_np.int64), 0
    lengths = _np.diff(p.indptr).astype(_np.int64)
    if int(lengths @ lengths) > (max(_CONFLICT_BUDGET, 32 * p.nnz) if budget is None else budget):
        return _np.arange(n, dtype=_np.int64), n
    graph = (p.T @ p).tocsr()
    color = _greedy(graph, _largest_first(graph))
    return _recoloured(graph, color)


# Rounds of recolouring without fewer colours after which the colouring is kept.
_RECOLOUR_PATIENCE = 2


def _recoloured(graph, color):
    """Iterated greedy (Culberson): colour again visiting the colour classes in reverse
    order. A greedy colouring that visits each class in one go never needs more colours
    than before, and often needs fewer (the 2-D Brusselator's 12 become 10). A class is an
    independent set, so all its vertices are coloured at once, vectorised: each takes the
    smallest colour none of its already recoloured neighbours has."""
    count = int(color.max()) + 1
    indptr, indices = graph.indptr, graph.indices
    best, stale = color, 0
    while stale < _RECOLOUR_PATIENCE and count > 1:
        order = _np.argsort(color, kind="stable")
        bounds = _np.searchsorted(color[order], _np.arange(count + 1))
        new = _np.full(len(color), -1, dtype=_np.int64)
        for c in range(count - 1, -1, -1):
            members = order[bounds[c]:bounds[c + 1]]
            starts = indptr[members]
            lengths = indptr[members + 1] - starts
            offsets = _np.zeros(len(members) + 1, dtype=_np.int64)
            _np.cumsum(lengths, out=offsets[1:])
            owner = _np.repeat(_np.arange(len(members)), lengths)
            neighbours = indices[_np.repeat(starts, lengths) + _np.arange(offsets[-1]) - offsets[owner]]
            taken = new[neighbours]
            coloured = taken >= 0
            used = _np.zeros((len(members), count + 1), dtype=bool)
            used[owner[coloured], taken[coloured]] = True
            new[members] = _np.argmin(used, axis=1)
        color = new
        new_count = int(color.max()) + 1
        if new_count < count:
            best, stale = color, 0
        else:
            stale += 1
        count = new_count
    return best, int(best.max()) + 1


def row_coloring(pattern):
    """A colouring of the rows of `pattern` such that no two rows of one colour share a column."""
    return column_coloring(pattern.T)


def star_coloring(pattern):
    """A star colouring of the symmetric pattern's adjacency graph: adjacent vertices differ,
    and every path on four vertices uses at least three colours, so each entry of H can be
    read from H @ S directly. (colours, number of colours)."""
    sym = pattern.tocsr()
    n = sym.shape[0]
    if n == 0:
        return _np.zeros(0, dtype=_np.int64), 0
    sym = (sym + sym.T).tocsr()
    sym.setdiag(False)
    sym.eliminate_zeros()
    indptr = sym.indptr.tolist()
    indices = sym.indices.tolist()
    color = [-1] * n
    # counts[x][c]: colour-c neighbours of x; first[x][c]: the first of them coloured.
    counts = [dict() for _ in range(n)]
    first = [dict() for _ in range(n)]
    # bad[w][c]: coloured neighbours x of w with colour c that have a second neighbour of
    # w's colour, so a new vertex of colour c next to w would close a two-coloured path
    # v - w - x - y of four vertices.
    bad = [dict() for _ in range(n)]
    for v in _largest_first(sym):
        neighbours = indices[indptr[v]:indptr[v + 1]]
        forbidden = set()
        for w in neighbours:
            cw = color[w]
            if cw >= 0:
                forbidden.add(cw)
                for c, count in bad[w].items():
                    if count:
                        forbidden.add(c)
            else:
                # Two vertices with an uncoloured common neighbour w differ, or colouring w
                # later could make w the middle of a two-coloured path.
                forbidden.update(c for c, count in counts[w].items() if count)
        c = 0
        while c in forbidden:
            c += 1
        color[v] = c
        for x in neighbours:
            cx_counts = counts[x]
            now = cx_counts.get(c, 0) + 1
            cx_counts[c] = now
            if now == 1:
                first[x][c] = v
            cx = color[x]
            if cx < 0:
                continue
            if now >= 2:
                # v (as w) sees x with a second colour-c neighbour
                bad[v][cx] = bad[v].get(cx, 0) + 1
            if now == 2:
                w0 = first[x][c]
                bad[w0][cx] = bad[w0].get(cx, 0) + 1
            # v (as x) for its coloured neighbour x (as w)
            if counts[v].get(cx, 0) >= 2:
                bad[x][c] = bad[x].get(c, 0) + 1
    out = _np.asarray(color, dtype=_np.int64)
    return out, int(out.max()) + 1


def recovery_sources(coo, color, ncolors):
    """For each stored (i, j) of a symmetric pattern: `here`, whether H_ij is the only entry
    of row i among the columns of colour color[j] (so (H S)[i, color[j]] is H_ij), and
    `there`, the same for H_ji. Returns (here, there), or (None, None) if some entry is
    neither: the colouring does not allow direct recovery."""
    rows, cols = coo.row.astype(_np.int64), coo.col.astype(_np.int64)
    alone = occurs_once(rows * ncolors + color[cols])
    here = alone(rows * ncolors + color[cols])
    there = alone(cols * ncolors + color[rows])
    if not _np.all(here | there):
        return None, None
    return here, there


def occurs_once(keys):
    """A function telling, for keys, whether each occurs exactly once in `keys` (counted
    without an array over every possible key: rows x colours may be large)."""
    unique, counts = _np.unique(keys, return_counts=True)
    once = unique[counts == 1]

    def alone(query):
        where = _np.searchsorted(once, query)
        where[where == len(once)] = 0
        return (once[where] == query) if len(once) else _np.zeros(len(query), dtype=bool)
    return alone


