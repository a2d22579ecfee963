"""Hashed coins: the chance events of the cascade as a pure function of (seed, coin, sample).

A coin gives the same answer however often and in whatever order it is asked, so the
vectorised sampler and the plain Python cascade fed the same coins agree outcome by outcome.

Examples
--------
>>> coin = coin_for_sample(0, 5)
>>> coin(2, 1.0), coin(2, 0.0)
(True, False)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from escalate.engine.cascade import Work, propagate
from escalate.engine.tally import Tally
from escalate.engine.ties import Compiled

_U64 = np.uint64


def uniform(seed: int, coins: Any, samples: Any) -> Any:
    """Uniform numbers in [0, 1) for each ``(coin, sample)``: a pure hash, no state.

    Examples
    --------
    >>> u = uniform(0, [3, 3, 4], [7, 7, 7])
    >>> bool(u[0] == u[1] != u[2]), bool(0.0 <= u.min() and u.max() < 1.0)
    (True, True)
    """
    # ``x`` is new: hashed in place, without a temporary array a step (the sampler's hot loop).
    x = np.asarray(_as_u64(coins) * _U64(0x9E3779B97F4A7C15))
    x ^= _as_u64(samples) * _U64(0xC2B2AE3D27D4EB4F)
    x ^= _U64((seed * 0xD6E8FEB86659FD93 + 0x632BE59BD9B4E019) % 2**64)
    _mix_in_place(x)
    x >>= _U64(11)
    u = x.astype(np.float64)
    u *= 1.0 / 2**53
    return u


def mix(x: Any) -> Any:
    """MurmurHash3's 64-bit finaliser on an array of ``uint64``: well-mixed bits."""
    x = (x ^ (x >> _U64(33))) * _U64(0xFF51AFD7ED558CCD)
    x = (x ^ (x >> _U64(33))) * _U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> _U64(33))


def _as_u64(values: Any) -> Any:
    """``values`` as ``uint64`` (an ``int64`` array's bits are read as they are: the same numbers)."""
    values = np.asarray(values)
    return values.view(np.uint64) if values.dtype == np.int64 else values.astype(np.uint64)


def _mix_in_place(x: Any) -> None:
    """:func:`mix` of a ``uint64`` array, written over it."""
    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
        x ^= x >> _U64(33)
        x *= _U64(multiplier)
    x ^= x >> _U64(33)


def coin_for_sample(seed: int, sample: int) -> Any:
    """The Python cascade's coin for one sample, answering as :func:`sample_cascade` does.

    Examples
    --------
    >>> coin = coin_for_sample(0, 5)
    >>> coin(2, 1.0), coin(2, 0.0), coin(2, 0.5) == coin(2, 0.5)
    (True, False, True)
    """

    def coin(index: int, p: float) -> bool:
        return bool(uniform(seed, np.array([index]), np.array([sample]))[0] < p)

    return coin


def python_sample(compiled: Compiled, samples: int, seed: int = 0, work: Work | None = None) -> Tally:
    """The same Monte Carlo, one sample at a time in plain Python (the reference; slow).

    Examples
    --------
    >>> from escalate import build_scenario
    >>> from escalate.engine.compile import compile_scenario
    >>> from escalate.engine.ties import FlareUp
    >>> from escalate.engine.sampling import sample_cascade
    >>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
    ...     relations=[{"type": "entente", "between": ["A", "C"], "likelihood": 0.5}])
    >>> c = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
    >>> one, two = python_sample(c, 300, seed=2), sample_cascade(c, samples=300, seed=2)
    >>> round(one.probability("C", 0), 9) == round(two.probability("C", 0), 9)
    True
    """
    tally = Tally(method="monte-carlo", samples=samples, outcomes=samples, requested=samples)
    for s in range(samples):
        tally.add(1.0, propagate(compiled, coin_for_sample(seed, s), work))
    tally.scale(1.0 / samples)
    return tally


class Draws:
    """The chance events each sample consulted: ``(sample, coin, fired)``, one row per coin asked.

    A coin shared by several ties may be asked more than once in a sample; it answers the
    same each time, and :meth:`distinct` keeps one row. What the cascade asks depends only
    on the coins' answers, so an outcome's probability is the product, over its rows, of
    ``p`` when fired and ``1 - p`` when not: what calibration reweights.
    """

    def __init__(self, key_of_coin: Any = None) -> None:
        self.parts: list[tuple[Any, Any, Any]] = []
        #: Each coin's table key, coded, by coin number, where the sampler gives it (see
        #: :meth:`~escalate.engine.arrays.TieArrays.key_of_coin`).
        self.key_of_coin = key_of_coin

    def add(self, samples: Any, coins: Any, fired: Any) -> None:
        """Record coins asked in some samples, and their answers."""
        self.parts.append((np.asarray(samples, np.int64), np.asarray(coins, np.int64), np.asarray(fired)))

    def distinct(self) -> tuple[Any, Any, Any]:
        """``(sample, coin, fired)`` arrays with one row per coin asked in a sample."""
        rows = self._rows()
        if rows is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=bool)
        numbers = _distinct_numbers(*rows)
        if numbers is None:
            return _first_answers(*rows)
        number, shift = numbers
        asked = number >> 1
        return (
            (asked >> shift).astype(np.int64),
            (asked & ((1 << shift) - 1)).astype(np.int64),
            (number & 1) == 1,
        )

    def counts(self, column_of_coin: Any, columns: int, samples: int) -> Any:
        """How many chance events of each column each sample asked: (2, samples, columns), unfired, fired.

        ``column_of_coin`` is each coin's column (-1: counted in none). A coin asked twice in a
        sample counts once, as in :meth:`distinct`; the rows are counted from the numbers that
        find them, not made first.
        """
        wide = columns + 1  # one column more, for the coins counted in none: no rows to filter out
        column = np.where(np.asarray(column_of_coin) < 0, columns, column_of_coin)
        rows = self._rows()
        if rows is None:
            return np.zeros((2, samples, columns), dtype=np.int64)
        numbers = _distinct_numbers(*rows)
        if numbers is not None:
            number, shift = numbers
            if 2 * samples * wide >= 2**31:
                number = number.astype(np.int64)
            cell = (number & 1) * samples + (number >> (shift + 1))  # (fired, sample)
            cell *= wide
            cell += column.astype(number.dtype)[(number >> 1) & ((1 << shift) - 1)]
        else:
            sample, coin, fired = _first_answers(*rows)
            cell = (fired.astype(np.int64) * samples + sample) * wide + column[coin]
        counts = np.bincount(cell, minlength=2 * samples * wide).reshape(2, samples, wide)
        return counts[:, :, :columns]

    def _rows(self) -> tuple[Any, Any, Any] | None:
        """Every ``(sample, coin, fired)`` recorded, repeats included; None when there are none."""
        if not self.parts:
            return None
        sample, coin, fired = (np.concatenate(column) for column in zip(*self.parts, strict=True))
        return (sample, coin, fired) if len(coin) else None  # (rounds that asked no uncertain coin)


def _distinct_numbers(sample: Any, coin: Any, fired: Any) -> tuple[Any, int] | None:
    """The distinct rows as sorted numbers, and the coin's bits in them; None if a coin answered two ways.

    One number per row: (sample, coin) above, the answer in the lowest bit, so that a plain
    sort of numbers (faster than the stable argsort of np.unique(return_index=True), or its
    hashing) finds the distinct rows; 32 bits where they suffice (a sample's coins make
    short keys), and the coin's bits a power of two, split by shifts and masks. Each step of
    the cascade adds its rows in order of sample, so the numbers come in a few thousand
    ascending runs: numpy's stable sort (a merge of runs, for 32 and 64 bits) sorted the
    390,000 of a dispute in 1.5 ms, its quicksort in 10 (the same array, numbers being numbers).
    """
    shift = int(coin.max()).bit_length()
    wide = int(sample.max()).bit_length() + shift + 1 > 31
    key: Any = sample.astype(np.int64 if wide else np.int32)
    key <<= shift
    key |= coin
    key <<= 1
    key |= fired.astype(bool)
    key.sort(kind="stable")
    key = key[np.append(True, key[1:] != key[:-1])]
    asked = key >> 1
    if len(asked) and (asked[1:] == asked[:-1]).any():
        return None
    return key, shift


def _first_answers(sample: Any, coin: Any, fired: Any) -> tuple[Any, Any, Any]:
    """One row per coin asked in a sample, with its first answer.

    For when one coin answered two ways in a sample (ties of different likelihoods sharing it).
    """
    shift = int(coin.max()).bit_length()
    _, first = np.unique((sample << shift) | coin, return_index=True)
    return sample[first], coin[first], fired[first].astype(bool)
