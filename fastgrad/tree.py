"""Nested containers of values (lists, tuples, dicts) as flat lists of leaves.

Differential operators accept and return such containers; they work on the
leaves and rebuild the structure. Imports nothing from fastgrad.
"""


def flatten(tree):
    """(leaves, rebuild): `rebuild(leaves)` returns a container shaped like `tree`."""
    if isinstance(tree, (list, tuple)):
        pieces = [flatten(item) for item in tree]
        counts = [len(leaves) for leaves, _ in pieces]
        leaves = [leaf for part, _ in pieces for leaf in part]
        kind = type(tree)

        def rebuild(new_leaves):
            items, start = [], 0
            for (_, sub), n in zip(pieces, counts):
                items.append(sub(new_leaves[start:start + n]))
                start += n
            if hasattr(kind, "_make"):
                return kind._make(items)
            return kind(items)
        return leaves, rebuild
    if isinstance(tree, dict):
        keys = list(tree)
        pieces = [flatten(tree[key]) for key in keys]
        counts = [len(leaves) for leaves, _ in pieces]
        leaves = [leaf for part, _ in pieces for leaf in part]
        kind = type(tree)

        def rebuild(new_leaves):
            out, start = kind(), 0
            for key, (_, sub), n in zip(keys, pieces, counts):
                out[key] = sub(new_leaves[start:start + n])
                start += n
            return out
        return leaves, rebuild
    return [tree], only_leaf


def only_leaf(new_leaves):
    return new_leaves[0]


def subvals(x, ivs):
    """tuple(x) with x[i] replaced by v for each (i, v) in ivs."""
    out = list(x)
    for i, v in ivs:
        out[i] = v
    return tuple(out)
