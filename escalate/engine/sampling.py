"""Monte Carlo of the cascade with numpy: every sample at once, round by round.

:func:`sample_cascade` runs the rules of :func:`escalate.engine.cascade.propagate` on arrays of
shape (samples, actors), so a world graph of 190 states and thousands of ties takes
milliseconds for 10,000 samples instead of seconds. Its chance events are *hashed coins*:
the coin of tie ``i`` in sample ``s`` is the uniform number :func:`uniform` of
``(seed, i, s)``. Being a pure function of its arguments, a coin gives the same answer
however often and in whatever order it is asked, so the vectorised sampler and the plain
Python cascade fed the same coins (:func:`python_sample`) agree outcome by outcome; the
tests hold them to that.

Examples
--------
>>> from escalate import build_scenario
>>> from escalate.engine.compile import compile_scenario
>>> from escalate.engine.ties import FlareUp
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5}])
>>> compiled = compile_scenario(s, FlareUp(("A", "B"), theatre=frozenset({"A", "B"})))
>>> tally = sample_cascade(compiled, samples=10_000, seed=1)
>>> round(tally.probability("C", 0), 1)
0.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from escalate.engine.arrays import BLOCKED, ROLE_CODE, ROLES, TieArrays, chunks, expand_ranges
from escalate.engine.cascade import Work
from escalate.engine.coins import Draws, mix, uniform
from escalate.engine.tally import Tally
from escalate.engine.ties import NO_SIDE, Compiled
from escalate.model import Role

_OUT = -2  # side of a party not (yet) in
_WAITS = -3  # a defence obligation waiting for the theatre to reach what it covers
_U64 = np.uint64

#: Cells of the (samples x actors) arrays of one batch: about 16 MB in all.
BATCH_CELLS = 2_000_000
#: Ties examined per batch (summed over its samples and rounds): bounds the batch's memory.
BATCH_CHECKS = 4_000_000
#: The first batch, which measures how much work one sample is.
FIRST_BATCH = 256


def sample_cascade(
    compiled: Compiled,
    *,
    samples: int = 10_000,
    seed: int = 0,
    max_work: int | None = None,
    min_samples: int = 100,
    tried: Any = None,
) -> Tally:
    """Run the cascade ``samples`` times at once; the same outcomes as :func:`python_sample`.

    Samples run in batches sized to the work one sample takes. With ``max_work``, sampling
    stops after the batch in which that many ties have been examined (but not before
    ``min_samples``); the tally then reports the samples drawn and those asked for.

    ``tried`` (a :class:`~escalate.engine.conditional.TriedTies`) is told of every batch's ties
    tried on a party that did not bring it in, and of the batch's outcome; what it reads is
    the result, and the tally then counts the samples only (no roles or chains).
    """
    g = TieArrays(compiled)
    cells = max(1, BATCH_CELLS // max(len(g.actors), 1))
    parts: list[tuple[Any, Any]] = []
    work = Work()
    # A round examines each tie at most once per sample: the first batch stays within
    # BATCH_CHECKS whatever the graph, before the work of a sample has been measured.
    done, batch = 0, max(1, min(FIRST_BATCH, cells, BATCH_CHECKS // max(int(g.cost.sum()), 1)))
    while done < samples:
        batch = min(batch, samples - done)
        before = work.checks
        side, role, via = _run(compiled, g, done, batch, seed, work, tried=tried)
        work.checks += batch  # a sample costs work even when no tie is examined
        if tried is not None:
            tried.settle(g, side, role)
        else:
            parts.append(_joinings(g, side, role, via))
        done += batch
        if max_work is not None and work.checks > max_work and done >= min_samples:
            break
        per_sample = max((work.checks - before) / batch, 1.0)
        batch = int(max(1, min(cells, BATCH_CHECKS / per_sample)))
    tally = _tally(g, parts, done)
    tally.requested = samples
    return tally


def sample_outcomes(compiled: Compiled, *, samples: int, seed: int = 0) -> tuple[list[str], Any, Any, Draws]:
    """Every sample's outcome as arrays, with the chance events it consulted.

    Returns ``(actors, side, role, draws)``: ``side`` and ``role`` have shape
    ``(samples, actors)`` (side -2 and role -1 for a party not in; roles coded in the
    order of :data:`ROLES`). One batch, so keep ``samples * actors`` to a few million.
    """
    g = TieArrays(compiled)
    draws = Draws(g.key_of_coin())
    side, role, _ = _run(compiled, g, 0, samples, seed, Work(), draws)
    return g.actors, side, role, draws


def _run(
    compiled: Compiled, g: TieArrays, first: int, samples: int, seed: int, work: Work,
    draws: Draws | None = None, tried: Any = None,
) -> tuple[Any, Any, Any]:  # fmt: skip
    """Samples ``first .. first + samples - 1``: each party's side, role and joining arc."""
    attack = g.attack
    side, role, hops, via, theatre, frontier = _start(compiled, g, samples)
    grew = np.zeros(samples, dtype=bool)
    waiting_s = np.zeros(0, dtype=np.int64)
    waiting_a = np.zeros(0, dtype=np.int64)
    max_hops = compiled.flare_up.hop_limit
    s_idx, a_idx, pull = _first_pulls(g, side, role, theatre, frontier, work)
    while len(s_idx):
        waits = np.flatnonzero(pull == _WAITS)
        waiting_s = np.concatenate([waiting_s, s_idx[waits]])
        waiting_a = np.concatenate([waiting_a, a_idx[waits]])
        coin, p, sample = g.coin[a_idx], g.p[a_idx], s_idx + first if first else s_idx
        fired = uniform(seed, coin, sample) < p
        fired[waits] = False
        if draws is not None:  # the coins asked: not those of waiting ties, nor certain ones
            asked = g.uncertain[a_idx]
            asked[waits] = False
            asked = np.flatnonzero(asked)
            draws.add(sample[asked], coin[asked], fired[asked])
        if tried is not None:  # ties asked that did not fire (waiting ones were not asked)
            missed = np.flatnonzero(~fired & (pull != _WAITS))
            tried.missed(s_idx[missed], a_idx[missed], pull[missed])
        fired = np.flatnonzero(fired)
        s_idx, a_idx, pull = _choose(
            g, side, role, s_idx[fired], a_idx[fired], pull[fired], seed, first, attack, draws
        )
        frontier = _join(g, side, role, hops, via, s_idx, a_idx, pull)
        grew = _grow_theatre(g, theatre, s_idx, a_idx, pull, attack, seed, first, draws)
        if not len(frontier[0]) and not grew[waiting_s].any():
            break
        # Ties to examine next: those of parties that just joined to fight, and waiting ones.
        spreading = role[frontier] <= ROLE_CODE[Role.ALLIANCE]
        spreading &= hops[frontier] < max_hops
        s_idx, a_idx = g.arcs_from(frontier[0][spreading], frontier[1][spreading])
        again = grew[waiting_s]
        s_idx = np.concatenate([s_idx, waiting_s[again]])
        a_idx = np.concatenate([a_idx, waiting_a[again]])
        work.checks += int(g.cost_from[frontier[1][spreading]].sum()) + int(g.cost[waiting_a[again]].sum())
        waiting_s, waiting_a = waiting_s[~again], waiting_a[~again]
        s_idx, a_idx, pull = _pulls(g, side, role, theatre, s_idx, a_idx)
    return side, role, via


def _first_pulls(
    g: TieArrays, side: Any, role: Any, theatre: tuple[Any, Any], frontier: Any, work: Work
) -> tuple[Any, Any, Any]:
    """The first round's pulls: every sample starts alike, so those of sample 0 hold for each."""
    samples = len(side)
    fighting = frontier[1][frontier[0] == 0]  # the belligerents (they spread, at hop 0)
    s_idx, a_idx = g.arcs_from(np.zeros(len(fighting), dtype=np.int64), fighting)
    work.checks += samples * int(g.cost_from[fighting].sum())
    _, a_idx, pull = _pulls(g, side[:1], role[:1], (theatre[0][:1], theatre[1][:1]), s_idx, a_idx)
    return np.repeat(np.arange(samples), len(a_idx)), np.tile(a_idx, samples), np.tile(pull, samples)


def _start(compiled: Compiled, g: TieArrays, samples: int) -> tuple[Any, Any, Any, Any, Any, Any]:
    """``(side, role, hops, via, theatre, frontier)`` arrays before the first round: belligerents in."""
    n = len(g.actors)
    side = np.full((samples, n), _OUT, dtype=np.int8)
    role = np.full((samples, n), -1, dtype=np.int8)
    hops = np.zeros((samples, n), dtype=np.int32)
    via = np.full((samples, n), -1, dtype=np.int32)
    # The theatre as in :class:`~escalate.engine.ties.Theatre`: territories fought on, and
    # the places that hold one.
    # Every sample starts with the same theatre: struck on one row, then copied to each.
    one = (np.zeros((1, n), dtype=bool), np.zeros((1, n), dtype=bool))
    for place in sorted(compiled.flare_up.theatre):
        g.strike(*one, np.zeros(1, dtype=np.int64), np.full(1, g.index[place]))
    theatre = (np.repeat(one[0], samples, axis=0), np.repeat(one[1], samples, axis=0))
    for b, s in compiled.flare_up.fighting:
        side[:, g.index[b]], role[:, g.index[b]] = s, ROLE_CODE[Role.BELLIGERENT]
    fighting = np.unique([g.index[b] for b, _ in compiled.flare_up.fighting])
    frontier = (np.repeat(np.arange(samples), len(fighting)), np.tile(fighting, samples))
    return side, role, hops, via, theatre, frontier


def _join(g: TieArrays, side: Any, role: Any, hops: Any, via: Any, s_idx: Any, a_idx: Any, pull: Any) -> Any:
    """Bring each chosen pull's party in (side, role, hops, arc); the new frontier ``(sample, party)``."""
    target = g.target[a_idx]
    hops[s_idx, target] = hops[s_idx, g.source[a_idx]] + 1
    side[s_idx, target] = pull
    role[s_idx, target] = g.role[a_idx]
    via[s_idx, target] = a_idx
    return s_idx, target


def _grow_theatre(
    g: TieArrays, theatre: tuple[Any, Any], s_idx: Any, a_idx: Any, pull: Any, attack: int, seed: int,
    first: int,
    draws: Draws | None,
) -> Any:  # fmt: skip
    """Add the territory of each party joining a defending side that is struck; which samples grew."""
    grew = np.zeros(len(theatre[0]), dtype=bool)
    target = g.target[a_idx]
    growing = (g.role[a_idx] == ROLE_CODE[Role.ALLY]) & (pull != attack)
    if growing.any():  # a party joining a defending side: is its own territory struck?
        rows = np.flatnonzero(growing)
        joiner, joined_side = target[rows], pull[rows]
        p = g.strike_p[joiner, joined_side]
        struck = uniform(seed, g.strike_coin[joiner, joined_side], s_idx[rows] + first) < p
        growing[rows[~struck]] = False
        if draws is not None:
            asked = (p > 0) & (p < 1)
            draws.add(
                s_idx[rows[asked]] + first,
                g.strike_coin[joiner[asked], joined_side[asked]],
                struck[asked],
            )
    if growing.any():
        rows = s_idx[growing]
        grew[rows[g.strike(*theatre, rows, target[growing])]] = True
    return grew


def _pulls(g: TieArrays, side: Any, role: Any, theatre: tuple[Any, Any], s_idx: Any, a_idx: Any) -> Any:
    """Drop ties that cannot pull; the side each remaining tie pulls to (-3: waits for the theatre)."""
    # Cells of the flat (samples x actors) arrays: one index each instead of two.
    base = s_idx * side.shape[1]
    cell = base + g.target[a_idx]
    current_role = role.ravel()[cell]
    # A spreading source fights on side 0 or 1: its tie's pull is read off a table.
    pull = g.pull_of.ravel()[a_idx * 2 + side.ravel()[base + g.source[a_idx]]]
    keep = (current_role < 0) | ((current_role == ROLE_CODE[Role.SUPPORTER]) & g.upgrades[a_idx])
    keep &= pull != BLOCKED
    rows = np.flatnonzero(keep)
    s_idx, a_idx, cell, pull = s_idx[rows], a_idx[rows], cell[rows], pull[rows]
    upgrading = np.flatnonzero(current_role[rows] >= 0)  # a supporter: only to the side it backs
    if len(upgrading):
        keep = np.ones(len(a_idx), dtype=bool)
        keep[upgrading] = side.ravel()[cell[upgrading]] == pull[upgrading]
        s_idx, a_idx, pull = s_idx[keep], a_idx[keep], pull[keep]
    checked = g.checks_cover[a_idx]
    check = np.flatnonzero(checked)
    if len(check):
        starts = g.covers_start[a_idx[check]]
        counts = g.covers_start[a_idx[check] + 1] - starts
        reached = np.zeros(len(a_idx), dtype=bool)
        for part in chunks(counts, PROMISE_ROWS):  # each covered territory a row: bounded memory
            owner, entry = expand_ranges(starts[part], counts[part])
            rows = check[part][owner]
            seen = g.reaches(*theatre, s_idx[rows], g.covers_place[entry])
            reached[rows[seen]] = True
        pull = np.where(checked & ~reached, _WAITS, pull)
    return s_idx, a_idx, pull


def _choose(
    g: TieArrays, side: Any, role: Any, s_idx: Any, a_idx: Any, pull: Any, seed: int, first: int, attack: int,
    draws: Draws | None = None,
) -> Any:  # fmt: skip
    """One pull per (sample, party): promises first, then the strongest tie; torn ones stay out."""
    target = g.target[a_idx]
    held = _held_back(g, side, role, s_idx, target, pull, seed, first, attack, draws)
    s_idx, a_idx, pull, target = s_idx[~held], a_idx[~held], pull[~held], target[~held]
    if not len(a_idx):
        return s_idx, a_idx, pull
    # Best pull first within each (sample, party): strength, then (so that a party pulled
    # equally hard both ways sides with the attacked) the defending side, likelihood, order.
    party = s_idx * len(g.actors) + target
    order = np.lexsort((g.rank[a_idx], pull == attack, -g.strength[a_idx], party))
    s_idx, a_idx, pull, party = s_idx[order], a_idx[order], pull[order], party[order]
    leads = np.ones(len(a_idx), dtype=bool)  # the best pull of each (sample, party)
    leads[1:] = party[1:] != party[:-1]
    if attack < 0:  # no side attacks: a party pulled as hard to both sides stays out
        lead = np.flatnonzero(leads)
        group = np.cumsum(leads) - 1
        strength = g.strength[a_idx]
        torn = np.zeros(len(lead), dtype=bool)
        torn[group[(strength == strength[lead][group]) & (pull != pull[lead][group])]] = True
        leads[lead[torn]] = False
    return s_idx[leads], a_idx[leads], pull[leads]


def _held_back(
    g: TieArrays, side: Any, role: Any, s_idx: Any, target: Any, pull: Any, seed: int, first: int,
    attack: int, draws: Draws | None = None,
) -> Any:  # fmt: skip
    """Which pulls a neutrality or non-aggression promise toward a fighting partner stops."""
    held = np.zeros(len(target), dtype=bool)
    if not len(target) or not len(g.damp_partner):
        return held
    # Only promises to parties fighting in some sample matter: list those first.
    fighting = (role.view(np.uint8) <= ROLE_CODE[Role.ALLY]).any(axis=0)  # roles 0 and 1 (-1 is 255)
    live = np.flatnonzero(fighting[g.damp_partner])
    counts = np.bincount(g.damp_owner[live], minlength=len(g.actors))
    starts = np.cumsum(counts) - counts
    counts = counts[target]
    candidates = np.flatnonzero((role[s_idx, target] < 0) & (pull != NO_SIDE) & (counts > 0))
    # Each pull expands to one row per promise of its party: in chunks of at most PROMISE_ROWS
    # rows, so that a dense web of promises cannot take memory without bound.
    for part in chunks(counts[candidates], PROMISE_ROWS):  # never an empty part
        chunk = candidates[part]
        _hold(g, side, role, s_idx, target, pull, seed, first, attack, draws, held, chunk, live, starts,
              counts)  # fmt: skip
    return held


#: Rows (a pull and one promise of its party, or a tie and a territory it covers) at once.
PROMISE_ROWS = 1_000_000


def _hold(
    g: TieArrays, side: Any, role: Any, s_idx: Any, target: Any, pull: Any, seed: int, first: int,
    attack: int, draws: Draws | None, held: Any, rows: Any, live: Any, starts: Any, counts: Any,
) -> None:  # fmt: skip
    """Mark in ``held`` the pulls of ``rows`` that a promise toward a facing partner stops."""
    owner, position = expand_ranges(starts[target[rows]], counts[rows])
    rows, entry = rows[owner], live[position]
    facing = promise_faces(g, side, role, s_idx[rows], entry, pull[rows], attack)
    rows, entry = rows[facing], entry[facing]  # only then ask the promises' coins
    holds = uniform(seed, g.damp_coin[entry], s_idx[rows] + first) < g.damp_p[entry]
    held[rows[holds]] = True
    if draws is not None:
        asked = (g.damp_p[entry] > 0) & (g.damp_p[entry] < 1)
        draws.add(s_idx[rows[asked]] + first, g.damp_coin[entry[asked]], holds[asked])


def promise_faces(g: TieArrays, side: Any, role: Any, s_idx: Any, entry: Any, pull: Any, attack: int) -> Any:
    """Whether each promise ``entry`` (of a party pulled to ``pull`` in sample ``s_idx``) faces its partner.

    It does when the partner fights on the other side; toward a partner on the side that
    attacked (``attack``), only a non-aggression promise binds.
    """
    cell = s_idx * side.shape[1] + g.damp_partner[entry]
    partner_role, partner_side = role.ravel()[cell], side.ravel()[cell]
    facing = (partner_role >= 0) & (partner_role <= ROLE_CODE[Role.ALLY])
    facing &= (partner_side != NO_SIDE) & (partner_side != pull)
    return facing & ((partner_side != attack) | g.damp_binds[entry])


def _joinings(g: TieArrays, side: Any, role: Any, via: Any) -> tuple[Any, Any]:
    """Distinct rows ``(actor, side, role, *chain)`` of a batch (chains padded with -1), counts."""
    s_idx, actor = np.nonzero(role > ROLE_CODE[Role.BELLIGERENT])
    # The chain of each joining, walked back through the arcs that brought parties in.
    links = []
    current = actor
    step = via[s_idx, current].astype(np.int64)
    while (step >= 0).any():
        links.append(step)
        current = np.where(step >= 0, g.source[np.maximum(step, 0)], current)
        step = np.where(step >= 0, via[s_idx, current], -1)
    key = np.column_stack([actor, side[s_idx, actor], role[s_idx, actor], *reversed(links)]).astype(np.int64)
    return _sum_rows(key, np.ones(len(key), dtype=np.int64))


def _sum_rows(key: Any, counts: Any) -> tuple[Any, Any]:
    """Distinct rows of ``key`` and the sum of ``counts`` over each (by a checked 64-bit hash)."""
    digest = np.zeros(len(key), dtype=np.uint64)
    for column in key.T:
        digest = mix(digest ^ column.astype(np.uint64))
    _, first, inverse = np.unique(digest, return_index=True, return_inverse=True)
    if not (key == key[first[inverse]]).all():  # two rows with one hash: never seen, but exact
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return key[first], np.bincount(inverse.ravel(), weights=counts, minlength=len(first)).astype(np.int64)


#: Chains kept per (party, side): the most frequent; the rest still count in the probabilities.
CHAINS_KEPT = 32


def _tally(g: TieArrays, parts: list[tuple[Any, Any]], samples: int) -> Tally:
    tally = Tally(method="monte-carlo", samples=samples, outcomes=samples, requested=samples)
    parts = [(rows, counts) for rows, counts in parts if len(rows)]
    if not parts:
        return tally
    width = max(rows.shape[1] for rows, _ in parts)
    padded = [np.pad(rows, ((0, 0), (0, width - rows.shape[1])), constant_values=-1) for rows, _ in parts]
    rows, counts = _sum_rows(np.concatenate(padded), np.concatenate([c for _, c in parts]))
    roles, role_counts = _sum_rows(rows[:, :3], counts)
    for (actor, s, r), count in zip(roles.tolist(), role_counts.tolist(), strict=True):
        share = count / samples
        tally.probabilities[(g.actors[actor], s)] += share
        tally.roles[(g.actors[actor], s, ROLES[r])] = share
    # The most frequent chains of each (party, side), in a fixed order.
    order = np.lexsort((*rows[:, 3:].T[::-1], -counts, rows[:, 1], rows[:, 0]))
    rows, counts = rows[order], counts[order]
    new_group = np.ones(len(rows), dtype=bool)
    new_group[1:] = (rows[1:, 0] != rows[:-1, 0]) | (rows[1:, 1] != rows[:-1, 1])
    starts = np.flatnonzero(new_group)
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.append(starts, len(rows))))
    for row, count in zip(
        rows[rank < CHAINS_KEPT].tolist(), counts[rank < CHAINS_KEPT].tolist(), strict=True
    ):
        key = (g.actors[row[0]], row[1])
        chain = tuple(i for i in row[3:] if i >= 0)
        tally.chains[key][chain] = tally.chains[key].get(chain, 0.0) + count / samples
    return tally
