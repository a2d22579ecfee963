"""Ask about a flare-up: who could be drawn in, on whose side, how likely, and how.

Examples
--------
>>> from escalate import build_scenario
>>> s = build_scenario(actors={"A": {}, "B": {}, "C": {}, "D": {}},
...     relations=[{"type": "defense_pact", "between": ["A", "C"], "likelihood": 0.5},
...                {"type": "backing", "from": "D", "to": "B", "level": "military",
...                 "likelihood": 0.2}])
>>> result = escalation_paths(s, "A", "B")
>>> [(p.actor, p.side, p.probability) for p in result.parties]
[('C', 'A', 0.5), ('D', 'B', 0.2)]
>>> result.parties[0].paths[0].explanation
'C has a mutual defense pact with A covering its territory (likelihood 0.5)'
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from escalate.analysis.explain import cite, explain_step
from escalate.analysis.result import EscalationData, Party, Path, Step
from escalate.analysis.tables import parties_frame, result_html
from escalate.engine.chains import chain_probability, chain_side, most_likely_chains, strikes_in
from escalate.engine.compile import compile_scenario
from escalate.engine.exact import fighting_sides, pulled_sides, run_cascade
from escalate.engine.tally import Tally
from escalate.engine.ties import NO_SIDE, Compiled, FlareUp
from escalate.errors import FlareUpError
from escalate.io import load_likelihoods, load_scenario
from escalate.likelihoods import LikelihoodTable
from escalate.model import Role, Scenario


@dataclass(frozen=True)
class Escalation(EscalationData):
    """The answer about one flare-up: every party that could be drawn in, most likely first.

    Draws itself (:meth:`draw`, :meth:`save`) and shows as a table and a diagram in Jupyter.

    Examples
    --------
    >>> result = escalation_paths(None, "Armenia", "Azerbaijan")
    >>> from escalate.likelihoods import LikelihoodTable as escalate_table
    >>> pact = escalate_table().get("defense_pact")  # the scenario's pact sets no likelihood
    >>> result.method, len(result), result.probability("Russia", "Armenia") == pact
    ('exact', 5, True)
    """

    def to_frame(self) -> Any:
        """The parties as a pandas DataFrame, one row per party and side (needs pandas)."""
        return parties_frame(self)

    def _repr_html_(self) -> str:
        return result_html(self)

    def _repr_png_(self) -> bytes | None:
        """The diagram as PNG bytes, for Jupyter, once matplotlib is in use; None before.

        Jupyter asks every displayed object for a PNG, so rendering waits until the
        notebook has imported matplotlib (for example by ``result.draw()``).
        """
        import sys

        if "matplotlib" not in sys.modules:
            return None
        import tempfile

        from escalate.render.drawing import save

        with tempfile.TemporaryDirectory() as folder:
            return save(self, os.path.join(folder, "result.png"), dpi=80).read_bytes()

    def draw(self, ax: Any = None, **options: Any) -> Any:
        """Draw the result on a matplotlib Axes and return it (see :func:`escalate.render.drawing.draw`)."""
        from escalate.render.drawing import draw

        return draw(self, ax=ax, **options)

    def save(self, path: str | os.PathLike[str], **options: Any) -> Any:
        """Write the diagram to a .png, .svg or .pdf file (see :func:`escalate.render.drawing.save`)."""
        from escalate.render.drawing import save

        return save(self, path, **options)


def escalation_paths(
    scenario: Scenario | str | os.PathLike[str] | None,
    a: str,
    b: str,
    *,
    initiator: str | None = None,
    with_a: Iterable[str] = (),
    with_b: Iterable[str] = (),
    theatre: Iterable[str] | None = None,
    as_of: dt.date | str | None = None,
    max_hops: int | None = None,
    top: int = 3,
    method: str = "auto",
    samples: int = 10_000,
    seed: int = 0,
    likelihoods: LikelihoodTable | Mapping[str, float] | str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Escalation:
    """Which outside parties a flare-up between ``a`` and ``b`` could draw in, and how.

    Parameters
    ----------
    scenario : Scenario, bundled name or path (None: the bundled default)
    a, b : the belligerents; each leads a side. Names resolve through aliases and case.
    initiator : the belligerent that attacks, and its side with it (None: both sides defend)
    with_a, with_b : others fighting beside ``a`` (``b``) from the start: coalitions
    theatre : territories where the fighting is (default: every belligerent's own)
    as_of : date; relations not in force then are ignored (default: the scenario's)
    max_hops : how long a chain of commitments may be (None: ``MAX_HOPS``, 100, which also caps it)
    top : how many paths to keep per party
    method : ``"auto"`` (exact when feasible), ``"exact"`` or ``"monte-carlo"``
    samples, seed : Monte Carlo sample count and seed
    likelihoods : a table, changes to the default (``{"defense_pact": 0.5}``), or ``"wars"``, a TOML file

    Raises
    ------
    UnknownActorError : a name is not in the scenario
    FlareUpError : the question does not make sense (same actor twice, ...)

    Examples
    --------
    >>> result = escalation_paths(None, "Armenia", "Azerbaijan", theatre=["Nagorno-Karabakh"])
    >>> result.probability("Russia", "Armenia")
    0.0
    """
    question = _question(
        initiator=initiator, with_a=with_a, with_b=with_b, theatre=theatre, max_hops=max_hops
    )
    _check_types(a=a, b=b, top=top, method=method, samples=samples, seed=seed, **question)
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    flare_up = make_flare_up(scenario, a, b, as_of=as_of, **question)
    likelihoods = _table(likelihoods)
    compiled = compile_scenario(scenario, flare_up, likelihoods)
    try:
        tally = run_cascade(compiled, method=method, samples=samples, seed=seed, progress=progress)
    except ValueError as exc:
        raise FlareUpError(str(exc)) from exc
    return _escalation(scenario, compiled, tally, top=top, seed=seed, likelihoods=likelihoods)


def _question(**options: Any) -> dict[str, Any]:
    """The flare-up's options with each list of names read once, into a tuple (a generator too)."""
    for name in ("with_a", "with_b", "theatre"):
        names = options[name]
        if names is None and name != "theatre":
            names = ()
        if isinstance(names, Iterable) and not isinstance(names, str | bytes | Mapping):
            names = tuple(names)
        options[name] = names
    return options


def _check_types(**options: Any) -> None:
    """Each option of :func:`escalation_paths` of the type it needs, or a FlareUpError naming it."""
    for name in ("a", "b", "initiator"):
        value = options[name]
        if not isinstance(value, str) and not (name == "initiator" and value is None):
            raise FlareUpError(f"{name} must be an actor's name, not {value!r}")
    for name, what in (("with_a", "actors'"), ("with_b", "actors'"), ("theatre", "territories'")):
        names = options[name]
        if names is None and name == "theatre":
            continue
        if not isinstance(names, tuple) or not all(isinstance(t, str) for t in names):
            raise FlareUpError(f"{name} must be a list of {what} names, not {names!r}")
    for name, least in (("samples", 1), ("top", 1), ("seed", None), ("max_hops", 1)):
        value = options[name]
        if value is None and name == "max_hops":
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise FlareUpError(f"{name} must be a whole number, not {value!r}")
        if least is not None and value < least:
            raise FlareUpError(f"{name} must be at least {least}, not {value}")
    if options["method"] not in ("auto", "exact", "monte-carlo"):
        raise FlareUpError(f"method must be auto, exact or monte-carlo, not {options['method']!r}")


def _table(
    likelihoods: LikelihoodTable | Mapping[str, float] | str | os.PathLike[str] | None,
) -> LikelihoodTable | None:
    """The likelihood table meant: given, changes to the default, or read as ``--likelihoods`` reads."""
    if likelihoods is None or isinstance(likelihoods, LikelihoodTable):
        return likelihoods
    if isinstance(likelihoods, str | os.PathLike):
        return load_likelihoods(likelihoods if isinstance(likelihoods, str) else os.fspath(likelihoods))
    if isinstance(likelihoods, Mapping):
        try:
            return LikelihoodTable().updated(dict(likelihoods))
        except ValueError as exc:
            raise FlareUpError(str(exc)) from exc
    raise FlareUpError(f"likelihoods must be a table, a mapping of changes or a file, not {likelihoods!r}")


def _escalation(
    scenario: Scenario,
    compiled: Compiled,
    tally: Tally,
    *,
    top: int,
    seed: int,
    likelihoods: LikelihoodTable | None,
) -> Escalation:
    """The answer from the cascade's tally: the question as asked, how it was run, the parties."""
    flare_up = compiled.flare_up
    return Escalation(
        scenario=scenario,
        belligerents=flare_up.belligerents,
        initiator=flare_up.initiator,
        coalitions=flare_up.coalitions,
        theatre=tuple(sorted(flare_up.theatre)),  # as asked, or every belligerent's territory
        as_of=flare_up.as_of,  # type: ignore[arg-type]
        method=tally.method,
        samples=tally.samples,
        seed=seed if tally.samples else None,
        outcomes=tally.outcomes,
        parties=_parties(scenario, compiled, tally, top),
        likelihoods=likelihoods.origin if likelihoods else "defaults",
        samples_requested=tally.requested,
    )


def make_flare_up(
    scenario: Scenario,
    a: str,
    b: str,
    *,
    initiator: str | None = None,
    with_a: Iterable[str] = (),
    with_b: Iterable[str] = (),
    theatre: Iterable[str] | None = None,
    as_of: dt.date | str | None = None,
    max_hops: int | None = None,
) -> FlareUp:
    """Resolve names and defaults into a :class:`~escalate.engine.ties.FlareUp`."""
    first, second = scenario.resolve(a), scenario.resolve(b)
    if first == second:
        raise FlareUpError(f"the two belligerents are the same actor ({first}); name two")
    coalitions = _coalitions(scenario, (first, second), (with_a, with_b))
    chosen = None
    if initiator is not None:
        chosen = scenario.resolve(initiator)
        if chosen not in (first, second):
            raise FlareUpError(f"the initiator must be {first} or {second}, not {chosen}")
    fighting = (first, second, *coalitions[0], *coalitions[1])
    # An alliance has no territory of its own.
    names = (
        [scenario.resolve(t) for t in theatre]
        if theatre
        else [a for a in fighting if not scenario.actors[a].members]
    )
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise FlareUpError(f"bad date {as_of!r}; write it as 2020-09-28") from exc
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise FlareUpError(f"as_of must be a date such as '2020-09-28', not {as_of!r}")
    if max_hops is not None and max_hops < 1:
        raise FlareUpError(f"max_hops must be at least 1, not {max_hops}")
    return FlareUp(
        belligerents=(first, second),
        initiator=chosen,
        theatre=frozenset(names),  # each with the regions in it
        as_of=as_of if as_of is not None else scenario.as_of,
        max_hops=max_hops,
        coalitions=coalitions,
    )


def _coalitions(
    scenario: Scenario, leaders: tuple[str, str], named: tuple[Iterable[str], Iterable[str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each side's further belligerents, resolved; each actor on one side only, once."""
    sides = tuple(tuple(scenario.resolve(n) for n in names) for names in named)
    seen: set[str] = set()
    for actor in (*leaders, *sides[0], *sides[1]):
        if actor in seen:
            raise FlareUpError(f"{actor} is named twice among the belligerents; name each once, on one side")
        seen.add(actor)
    for side in (0, 1):
        for alliance in (leaders[side], *sides[side]):
            for member in (leaders[1 - side], *sides[1 - side]):
                if member in scenario.actors[alliance].members:
                    raise FlareUpError(
                        f"{member} is a member of {alliance}: an alliance does not fight its own member"
                    )
    return sides[0], sides[1]


def _parties(scenario: Scenario, compiled: Any, tally: Tally, top: int) -> tuple[Party, ...]:
    flare = compiled.flare_up
    wanted = {actor for (actor, side), p in tally.probabilities.items() if p > 0.0}  # parties only
    likeliest = most_likely_chains(compiled, wanted) if tally.method == "monte-carlo" else {}
    fighting = fighting_sides(compiled, tally)
    explained: dict[int, Step] = {}  # each tie's step, in words once: chains share their first ties
    parties = []
    for (actor, side), probability in tally.probabilities.items():
        if probability <= 0.0:
            continue
        roles = {role.value: p for role in Role if (p := tally.roles.get((actor, side, role), 0.0)) > 0.0}
        chains = dict(tally.chains[(actor, side)])
        if tally.method == "monte-carlo" and len(chains) < top and actor in likeliest:
            # Sampling may miss an unlikely chain: add the most likely one (best-path search).
            _, chain = likeliest[actor]
            if chain_side(compiled, chain) == side:
                chains.setdefault(chain, 0.0)
        # Rank chains cheaply, then explain only the top ones (and any tied with the last).
        ranked = sorted((-round(chain_probability(compiled, chain), 12), -round(share, 12), chain)
                        for chain, share in chains.items())  # fmt: skip
        cut = ranked[min(top, len(ranked)) - 1][:2] if ranked else None
        paths = [
            Path(_steps(scenario, compiled, chain, explained), -probability, -share)
            for probability, share, chain in ranked
            if (probability, share) <= cut  # type: ignore[operator]
        ]
        paths.sort(key=lambda p: (-p.probability, -p.share, p.explanation))
        parties.append(
            Party(
                actor=actor,
                side=None if side == NO_SIDE else flare.belligerents[side],
                role=max(roles, key=lambda r: (roles[r], r)),
                probability=round(probability, 12),  # drop float noise from summing outcomes
                stderr=round(tally.stderr(actor, side), 12),
                cross_pressured=len(pulled_sides(compiled, tally, actor, fighting) - {NO_SIDE}) > 1,
                paths=tuple(paths[:top]),
                roles=roles,
            )
        )
    parties.sort(key=lambda p: (-p.probability, p.actor, p.side or ""))
    return tuple(parties)


def _steps(
    scenario: Scenario, compiled: Any, chain: tuple[int, ...], explained: dict[int, Step]
) -> tuple[Step, ...]:
    """A chain's steps in words, with a step for each strike that invokes a joiner's allies.

    ``explained`` keeps each tie's step once made.
    """
    strikes = strikes_in(compiled, chain)
    steps: list[Step] = []
    for position, index in enumerate(chain):
        if position in strikes:
            struck, p = strikes[position]
            steps.append(Step(source=struck, target=struck, relation="strike", likelihood=p,
                              explanation=f"the other side strikes {struck}'s own territory, "
                              f"so {struck} is attacked"))  # fmt: skip
        if index not in explained:
            explained[index] = _step(scenario, compiled, compiled.arcs[index])
        steps.append(explained[index])
    return tuple(steps)


def _step(scenario: Scenario, compiled: Any, arc: Any) -> Step:
    leaning = compiled.leaning.get(arc.target) if arc.toward_defender else None
    return Step(
        source=arc.source,
        target=arc.target,
        relation=arc.relation.type.value,
        likelihood=arc.likelihood,
        explanation=explain_step(
            scenario,
            arc.relation,
            source=arc.source,
            target=arc.target,
            attacker=arc.offensive,
            follower=arc.follows,
            coalition=arc.key == "stand_by.coalition",
            bound_to=None if leaning is None else compiled.flare_up.belligerents[leaning],
        ),
        citation=cite(scenario, arc.relation),
        quote=arc.relation.quote,
    )
