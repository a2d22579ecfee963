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
    coins = np.asarray(coins, dtype=np.uint64)
    samples = np.asarray(samples, dtype=np.uint64)
    x = coins * _U64(0x9E3779B97F4A7C15) ^ samples * _U64(0xC2B2AE3D27D4EB4F)
    x = x ^ _U64((seed * 0xD6E8FEB86659FD93 + 0x632BE59BD9B4E019) % 2**64)
    return (mix(x) >> _U64(11)).astype(np.float64) * (1.0 / 2**53)


def mix(x: Any) -> Any:
    """MurmurHash3's 64-bit finaliser on an array of ``uint64``: well-mixed bits."""
    x = (x ^ (x >> _U64(33))) * _U64(0xFF51AFD7ED558CCD)
    x = (x ^ (x >> _U64(33))) * _U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> _U64(33))


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
