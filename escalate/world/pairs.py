"""Index arithmetic behind the fit's groups and pairs (see :class:`escalate.world.reweighting.Groups`).

Numbers keys in small ranges by marking a table instead of sorting, and lays a candidate's
pairs out so that a layer's sums run over contiguous memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def unique_keys(keys: Any, size: int) -> tuple[Any, Any]:
    """``np.unique(keys, return_inverse=True)`` for keys in ``[0, size)``: the same arrays.

    The keys are marked in a table instead of sorted when ``size`` is small enough (sorting
    some million rows and entries for each key took most of the time spent finding groups).
    """
    if size > 8 * len(keys) + 4096:
        return np.unique(keys, return_inverse=True)
    seen = np.zeros(size, dtype=bool)
    seen[keys] = True
    found = np.flatnonzero(seen)
    index = np.empty(size, dtype=np.intp)
    index[found] = np.arange(len(found))
    return found, index[keys]


def pairs_of(
    war_of_candidate: Any, wars_in: Any, starts: Any, groups: int, candidate: Any, group: Any
) -> Any:
    """Each pair's candidate and group (by candidate and group), and each entry's pair.

    A candidate's pairs are numbered in a block of its war's groups, small enough for :func:`unique_keys`.
    """
    breadth, first = np.zeros((2, len(wars_in)), dtype=np.int64)  # of each war kept: groups, first
    breadth[wars_in], first[wars_in] = np.diff(np.r_[starts, groups]), starts
    sizes = breadth[war_of_candidate]  # each candidate's block (none in the wars left out)
    begin = np.cumsum(sizes) - sizes
    origin = begin - first[war_of_candidate]  # a group's number in the block, less its own
    found, pair_of_entry = unique_keys(origin[candidate] + group, int(sizes.sum()))
    owner = np.searchsorted(begin, found, side="right") - 1  # the last of equal begins has a block
    return owner, found - origin[owner], pair_of_entry


def layers_of(pair_candidate: Any) -> tuple[Any, Any, Any]:
    """The pairs (by candidate) in layers: each candidate's first pair, then its second, ...

    Candidates are put in order of how many pairs they have, most first, so that layer
    ``j``'s pairs belong to the first candidates, in that order: a candidate's chance is
    then the sum of one run of rows a layer, added in place (no sum over ragged runs, which
    costs numpy a call a run and value). Returns the pairs' order, where each layer begins
    (and the end), and each pair's place in that order.
    """
    heads = np.flatnonzero(np.r_[True, np.diff(pair_candidate) != 0])
    many = np.diff(np.r_[heads, len(pair_candidate)])
    rank = np.empty(len(heads), dtype=np.int64)
    rank[np.argsort(-many, kind="stable")] = np.arange(len(heads))
    which = np.repeat(np.arange(len(heads)), many)
    nth = np.arange(len(pair_candidate)) - heads[which]  # the pair's place among its candidate's
    layers = np.r_[0, np.cumsum(np.bincount(nth, minlength=1))]  # one layer at least, maybe empty
    slot = layers[nth] + rank[which]  # a layer's candidates are the first ones, by rank
    layered = np.empty_like(slot)
    layered[slot] = np.arange(len(slot))
    return layered, layers, slot
