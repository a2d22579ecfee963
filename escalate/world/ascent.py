"""The fit's search: coordinate ascent on a grid of values, and along the ridges of products.

:func:`fit_draws` finds the table under which who joined is likeliest (or most probable a
posteriori), scoring tables with :class:`~escalate.world.reweighting.Stack`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

import numpy as np

from escalate.world.reweighting import Stack, WarDraws

#: Candidate values of each likelihood: dense near zero, where most of them lie.
GRID = np.array(sorted({round(0.0002 * 1.25**i, 6) for i in range(38)} | {0.9, 0.95, 0.99}))

#: With a warm start, a key's value is sought this many grid steps either side of where it is
#: (the whole grid again when the best lies on the window's edge).
WINDOW = 4


def fit_draws(
    wars_: Sequence[WarDraws], start: Any, *, sweeps: int = 3, window_from: int | None = None,
    jobs: int = 1, prior: Callable[[int, Any], Any] | None = None, war_weights: Sequence[float] | None = None,
    ridges: Sequence[tuple[int, tuple[int, ...]]] = (),
) -> Any:  # fmt: skip
    """Coordinate ascent on :data:`GRID`: the table (over ``keys``) that maximises the sum.

    Each war counts as its ``war_weights`` entry in the sum (one each by default).

    With ``prior``, the sum plus ``prior(key, values)``, the log prior density of each of a
    key's ``values`` (the table most probable a posteriori instead of the likeliest).

    Each sweep searches each key's whole grid: estimated far from the proposal, a key's
    likelihood can have several peaks, and keys trade off (an alliance's decision against its
    members'). A search near each value loses that (a coarse-then-fine search lowered the
    wars' AUC from 0.773 to 0.748). From a ``start`` known to lie near the fit (a warm start,
    as a rolling fit's year after year), ``window_from`` is the first sweep that searches a
    window of :data:`WINDOW` steps around each value instead, and the whole grid again when
    the best lies on the window's edge. Keys no war consulted keep their ``start`` value.
    ``jobs`` threads score a key's values.

    Each of ``ridges``, ``(key, others)``, is searched along as well, after each sweep: the
    likelihood rests on the product of ``key`` and each of ``others`` (a member fights only
    when its alliance acts), so one key at a time cannot move along it (see :func:`along_ridge`).
    """
    table = np.array(start, dtype=np.float64)
    if not wars_:
        return table
    with ThreadPoolExecutor(jobs) if jobs > 1 else contextlib.nullcontext() as threads:
        return _ascend(Stack(wars_, war_weights), table, sweeps, window_from, threads, jobs, prior, ridges)


def along_ridge(table: Any, key: int, others: Sequence[int], grid: Any = GRID) -> Any:
    """Tables along a ridge: ``key`` at each value of ``grid``, ``others`` keeping their products with it.

    Returns an array (moves, 1 + others): ``key``'s value then the others', the others'
    on :data:`GRID` (the nearest, in ratio); the first row is the table's own values, on the
    grid or not.

    >>> moves = along_ridge(np.array([0.1, 0.5]), 1, [0])
    >>> moves[0].tolist(), bool(np.all(np.isin(moves[1:], GRID)))
    ([0.5, 0.1], True)
    """
    scale = table[key] / grid  # each other's factor, for key at each grid value
    others_ = np.asarray(table[list(others)], dtype=np.float64)
    wanted = np.log(np.clip(others_[None, :] * scale[:, None], GRID[0], GRID[-1]))
    nearest = np.abs(np.log(GRID)[None, None, :] - wanted[:, :, None]).argmin(axis=2)
    moves = np.column_stack([grid, GRID[nearest]])
    return np.vstack([np.r_[table[key], others_], moves])


def _window(value: float) -> tuple[int, int]:
    """The grid's indices :data:`WINDOW` steps either side of ``value`` (the end excluded)."""
    at = int(np.abs(GRID - value).argmin())
    return max(at - WINDOW, 0), min(at + WINDOW + 1, len(GRID))


def _on_edge(best: float, low: int, high: int) -> bool:
    """Whether ``best`` lies on the edge of the window ``GRID[low:high]`` short of the grid's ends."""
    return bool((best == GRID[low] and low > 0) or (best == GRID[high - 1] and high < len(GRID)))


def _ascend(stack: Stack, table: Any, sweeps: int, window_from: int | None, threads: Executor | None,
            jobs: int, prior: Callable[[int, Any], Any] | None,
            ridges: Sequence[tuple[int, tuple[int, ...]]] = ()) -> Any:  # fmt: skip
    """:func:`fit_draws`' coordinate ascent from ``table`` (changed in place, and returned)."""
    weights = stack.log_weights(table)

    def best_of(key: int, grid: Any) -> float:
        scores = stack.log_likelihood(table, key, grid, weights, threads=threads, jobs=jobs)
        return float(grid[int(np.argmax(scores if prior is None else scores + prior(key, grid)))])

    def best_along(keys: tuple[int, ...], grid: Any) -> Any:
        moves = along_ridge(table, keys[0], keys[1:], grid)
        scores = stack.log_likelihood(table, keys, moves, weights, threads=threads, jobs=jobs)
        if prior is not None:
            scores = scores + sum(prior(k, moves[:, j]) for j, k in enumerate(keys))
        return moves[int(np.argmax(scores))]

    # A war whose samples never asked a key's chance event does not depend on that key.
    asked: Any = stack.asking.any(axis=0)
    searched = [(key, (key, *(k for k in others if asked[k]))) for key, others in ridges]
    searched = [(key, keys) for key, keys in searched if asked[key] and len(keys) > 1]
    stack.make_groups([*map(int, np.flatnonzero(asked)), *(keys for _, keys in searched)], threads)
    for sweep in range(sweeps):
        moved = False
        near = window_from is not None and sweep >= window_from
        for key in map(int, np.flatnonzero(asked)):
            low, high = _window(table[key]) if near else (0, len(GRID))
            best = best_of(key, GRID[low:high])
            if near and _on_edge(best, low, high):
                best = best_of(key, GRID)
            if best != table[key]:
                weights = stack.moved(weights, key, table[key], best)
                moved = True
            table[key] = best
        for key, keys in searched:
            low, high = _window(table[key]) if near else (0, len(GRID))
            best_move = best_along(keys, GRID[low:high])
            if near and _on_edge(best_move[0], low, high):
                best_move = best_along(keys, GRID)
            for k, value in zip(keys, best_move, strict=True):
                if value != table[k]:
                    weights = stack.moved(weights, k, table[k], value)
                    table[k] = value
                    moved = True
        if not moved:
            break
    return table
