"""Default likelihoods: how often each kind of tie draws a party in, and why.

One table serves hand-made scenarios and world graphs alike. Where history can tell (the
ties the world data records, whose effect shows in who joined the COW wars) the value is
*fitted*: ``escalate calibrate`` found it by maximum likelihood under the whole cascade (the
reasoned value below weighing as a few events of its own: where history says little, the
fit stays near it), and it is stored with what it was fitted on in ``fitted_likelihoods.toml``
beside this module.
Where it cannot (diplomatic and material backing, entente, mediation: they make
supporters and mediators, which the war data does not record, and a patron's military
backing of a client, which ATOP does not code) the value is *reasoned*, and says so.

A relation's own ``likelihood`` overrides its key here; a whole table can be overridden
from a TOML file (``escalate paths ... --likelihoods FILE``) such as::

    defense_pact = 0.7
    [backing]
    military = 0.5

Examples
--------
>>> table = LikelihoodTable()
>>> table.get("backing", "military")
0.5
>>> table.basis("defense_pact"), table.basis("mediation")
('fitted', 'reasoned')
"""

from __future__ import annotations

import dataclasses
import functools
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

from escalate.errors import close_matches, did_you_mean


class Entry(NamedTuple):
    """One key of the table: its reasoned value, whether history fits it, and why."""

    key: str
    reasoned: float
    fitted: bool
    reason: str
    literature: str = ""


#: Every key, in the documented order. ``reasoned`` is the value used before any fit (and
#: for keys that history cannot fit); fitted keys take their value from the fitted table.
ENTRIES: tuple[Entry, ...] = (
    Entry("defense_pact", 0.3, True,
          "A mutual defence pact, once a protected party is attacked.",
          "Leeds, Long and Mitchell 2000: honoured in 74.5% of invocations, 1816-1944; "
          "Berkemeier and Fuhrmann 2018: 41% to 2003, 22% after 1945"),
    Entry("guarantee", 0.3, True,
          "A one-way defence obligation, once the protected party is attacked.",
          "Leeds et al. 2000 find no lower reliability for asymmetric pledges"),
    Entry("collective_defense.acts", 0.3, True,
          "An alliance whose casus foederis arises acts as one (one decision per flare-up).",
          "Berkemeier and Fuhrmann 2018: alliance obligations fulfilled 22% of the time after 1945"),
    Entry("collective_defense.member", 0.5, True,
          "Each member fights, given that its alliance acts.",
          "Fitted; no comparable figure in the literature (members of one alliance fight unevenly)"),
    Entry("stand_by.pact", 0.02, True,
          "A party bound to defend a belligerent that attacked: no casus foederis, but partners "
          "of an attacker often stand by it (one decision per pact).",
          "Fitted; in the MID data 1.7% of the defence partners of a dispute's initiators join them "
          "after 1990 (76 of 81 on the initiators' side), 0.9% before"),
    Entry("stand_by.alliance", 0.02, True,
          "An alliance one of whose members attacked acts for it as one all the same (one "
          "decision per flare-up); its members then fight with their own chance.",
          "Fitted; in MID 5.0 since 1946, 0.3-0.4% of an alliance's other members joined a lone "
          "member that struck first"),
    Entry("stand_by.coalition", 0.3, True,
          "An alliance two or more of whose members attacked together acts for them as one (a "
          "coalition; one decision per flare-up); its members then fight with their own chance.",
          "Fitted; Afghanistan 2001, Libya 2011. In MID 5.0, 14 of 26 such alliances drew other "
          "members in after 1990, none of 23 before"),
    Entry("stand_by.coalition_member", 0.5, True,
          "Each member fights, given that its alliance acts as a coalition: members that chose war "
          "together, not members called on by a treaty (collective_defense.member).",
          "Fitted; Kosovo 1999, Afghanistan 2001, Libya 2011: coalitions drew in many members at once"),
    Entry("follow.pact", 0.02, True,
          "A party bound to defend a party that joined the fighting (by whatever tie): no "
          "casus foederis (its partner was not attacked), but partners follow each other into wars "
          "(one decision per pact).",
          "Fitted; Korea 1950, Vietnam 1965: allies of the United States joined after it, unattacked"),
    Entry("follow.alliance", 0.02, True,
          "An alliance one of whose members joined the fighting (by whatever tie) acts for it as one "
          "all the same (one decision per flare-up); its members then fight with their own chance.",
          "Fitted; SEATO and ANZUS members followed the United States into Vietnam"),
    Entry("offense_pact", 0.05, True,
          "A promise to join a partner's attack (ATOP's offence obligation).",
          "Fitted; offence obligations as ATOP codes them (Leeds et al. 2002)"),
    Entry("backing.military", 0.5, False,
          "A patron arming, advising or basing forces with its client (not coded by ATOP): "
          "it fights beside the client in a war roughly half the time.",
          "Reasoned; on interventions for clients, Regan 2000, 'Civil Wars and Foreign Powers'"),
    Entry("backing.material", 0.6, False,
          "Money, arms sales and supplies continue in wartime more often than not; as a supporter.",
          "Reasoned; supporters are not recorded in the war data"),
    Entry("backing.diplomatic", 0.8, False,
          "Statements of support are cheap and usually repeated once fighting starts; as a supporter.",
          "Reasoned; supporters are not recorded in the war data"),
    Entry("entente", 0.3, False,
          "Close political ties short of an alliance, as an analyst judges them: a weak pull toward support.",
          "Reasoned; supporters are not recorded in the war data"),
    Entry("consultation_pact", 0.05, False,
          "A treaty promise to consult in a crisis (ATOP's consultation obligation, most often inside "
          "a regional organisation): it rarely turns into open support of one side.",
          "Reasoned; ATOP codes consultation as a promise of talks, not of aid (Leeds et al. 2002)"),
    Entry("hostility.war", 0.1, True,
          "Rivals whose disputes of the window came to war (MID hostility level 5).",
          "Fitted; Joyce, Ghosn and Bayer 2013: 27% of wars gain another state"),
    Entry("hostility.fatal", 0.05, True,
          "Rivals whose disputes used force with deaths (MID level 4, fatalities).",
          "Fitted; rivalry studies (Colaresi, Rasler and Thompson 2007)"),
    Entry("hostility.force", 0.02, True,
          "Rivals whose disputes used force without deaths (MID level 4).",
          "Fitted"),
    Entry("hostility.threat", 0.01, True,
          "Rivals whose disputes went no further than threats and displays (MID levels 2-3).",
          "Fitted"),
    Entry("hostility.declared", 0.25, False,
          "A hostility a scenario's author judged, with no grade: open enmity.",
          "Reasoned; rivals join wars against their rivals far more often than other states"),
    Entry("co_belligerence", 0.05, True,
          "States that fought on the same side of a militarized dispute in the window: coalitions recur.",
          "Fitted; on coalition recurrence, Wolford 2015, 'The Politics of Military Coalitions'"),
    Entry("mediation", 0.9, False,
          "A party already working for a settlement nearly always engages when fighting resumes.",
          "Reasoned; mediation is not recorded in the war data"),
    Entry("border", 0.03, True,
          "A neighbour by land may be drawn in when fighting spills over (on the side its ties "
          "bind it to, else the defending side).",
          "Fitted; Most and Starr 1980 on diffusion across borders"),
    Entry("vicinity", 0.005, True,
          "A state two land borders from a fighting party (a neighbour's neighbour) may be drawn in "
          "as the fighting spreads through its region (on the side its ties bind it to, else the "
          "defending side).",
          "Fitted; Siverson and Starr 1991, 'The Diffusion of War': war spreads through proximity"),
    Entry("major_power", 0.04, True,
          "A major power may intervene in any war (one decision per flare-up; on the side its "
          "ties bind it to, else the defending side).",
          "Fitted; COW major powers"),
    Entry("struck.bordering", 0.5, True,
          "A party that joins beside a defender, and borders a fighting party of the other "
          "side, has its own territory struck: its allies' defence obligations then apply.",
          "Fitted; July 1914: Russia backs Serbia, Germany strikes Russia, France is bound"),
    Entry("struck.distant", 0.2, True,
          "As above, for a joiner that borders no fighting party of the other side.",
          "Fitted"),
    Entry("neutrality_pact", 0.8, True,
          "The chance that a neutrality promise holds against joining the partner's enemies.",
          "Fitted; Leeds et al. 2000 on neutrality pledges"),
    Entry("nonaggression_pact", 0.8, True,
          "The chance that a non-aggression promise keeps the partners from fighting each other.",
          "Fitted"),
)  # fmt: skip

_BY_KEY = {entry.key: entry for entry in ENTRIES}
KEYS = tuple(_BY_KEY)
#: Keys that history can fit (``escalate calibrate``).
FITTED_KEYS = tuple(entry.key for entry in ENTRIES if entry.fitted)

#: Keys whose likelihood history tells mostly through their product with others: a member
#: fights only when its alliance acts (by its casus foederis, standing by or following), so
#: a fit sees the pairs' products far better than either. ``(key, others)``: a fit also moves
#: ``key`` with ``others`` keeping their products with it (:func:`escalate.world.ascent.fit_draws`).
RIDGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("collective_defense.member", ("collective_defense.acts", "stand_by.alliance", "follow.alliance")),
    ("stand_by.coalition_member", ("stand_by.coalition",)),
)

#: The file the package's fitted values live in, with what they were fitted on: the default
#: table, fitted on every conflict (COW wars and MID disputes).
FITTED_FILE = "fitted_likelihoods.toml"
#: Other fitted tables shipped with the package, by the name ``--likelihoods NAME`` takes.
BUNDLED_TABLES = {"wars": "fitted_likelihoods_wars.toml"}
#: The key of a table file that says what it was fitted on (text, not a likelihood).
FITTED_ON = "fitted_on"

#: The years over which a fit's weight of a conflict halves, by default
#: (:func:`escalate.world.calibrate.era_weight`). The habits of joining changed: after 1945
#: alliances were larger and each member honoured them less often (defence pacts fulfilled 41%
#: of the time over 1816-2003, 22% after 1945: Berkemeier and Fuhrmann 2018). Fitted on every
#: conflict alike, the disputes before 1990 expected 1.10 to 1.26 times the joiners of the
#: disputes after (seeds 0 to 3); weighing them by era (one of 1949 counting half as much as one
#: of 1989), 0.86 to 1.06. Leaving one war out weighs every war alike: 95 wars are too few to
#: spare. The weights are not rescaled, so the prior's ten events weigh more against a weighted
#: history (all 95 wars weigh 34 at 40 years, the 2,436 disputes 1,200).
HALF_LIFE = 40.0


@functools.cache
def _fitted_defaults() -> tuple[dict[str, float], str]:
    """The shipped fitted values and a line saying what they were fitted on."""
    text = resources.files("escalate").joinpath(FITTED_FILE).read_text(encoding="utf-8")
    data = flat_keys(tomllib.loads(text))
    values = {k: float(v) for k, v in data.items() if k in FITTED_KEYS}
    return values, str(data.get(FITTED_ON, ""))


def default_values() -> dict[str, float]:
    """Every key's default: fitted where history can tell, reasoned elsewhere."""
    fitted, _ = _fitted_defaults()
    return {e.key: fitted.get(e.key, e.reasoned) for e in ENTRIES}


def reasoned_values() -> dict[str, float]:
    """Every key's reasoned value, as before any fit (calibration's starting point)."""
    return {e.key: e.reasoned for e in ENTRIES}


def fitted_on() -> str:
    """What the shipped fitted values were fitted on (data, wars, command)."""
    return _fitted_defaults()[1]


@functools.cache  # asked for every relation of every graph compiled: a few dozen answers
def key_of(relation_type: str, level: str | None = None) -> str:
    """The table key of a relation type at a level; a hostility without one is ``declared``.

    Examples
    --------
    >>> key_of("backing", "military"), key_of("hostility"), key_of("border")
    ('backing.military', 'hostility.declared', 'border')
    """
    if str(relation_type) == "hostility":
        level = level or "declared"
    return f"{relation_type}.{level}" if level else str(relation_type)


@dataclass(frozen=True)
class LikelihoodTable:
    """Likelihoods per relation type (and level), with their reasons.

    Examples
    --------
    >>> LikelihoodTable().updated({"hostility.threat": 0.1}).get("hostility", "threat")
    0.1
    """

    values: Mapping[str, float] = field(default_factory=default_values)
    origin: str = "defaults"

    def get(self, relation_type: str, level: str | None = None) -> float:
        """The likelihood of a type, or of a type at a level (``backing``, ``hostility``)."""
        return self.values[key_of(relation_type, level)]

    def reason(self, key: str) -> str:
        """Why the default for ``key`` is what it is."""
        return _BY_KEY[key].reason

    def literature(self, key: str) -> str:
        """What the literature says beside the value of ``key``."""
        return _BY_KEY[key].literature

    def basis(self, key: str) -> str:
        """``"fitted"`` when history fits ``key`` (``escalate calibrate``), else ``"reasoned"``."""
        return "fitted" if _BY_KEY[key].fitted else "reasoned"

    def updated(self, changes: Mapping[str, float], origin: str = "custom") -> LikelihoodTable:
        """Return a table with some values replaced; keys as in :data:`ENTRIES`."""
        for key, value in changes.items():
            if key not in _BY_KEY:
                raise ValueError(f"unknown likelihood key {key!r}{did_you_mean(close_matches(key, KEYS))}")
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"likelihood {key!r} must be a number from 0 to 1, not {value!r}")
        return dataclasses.replace(self, values={**self.values, **changes}, origin=origin)

    def rows(self) -> list[tuple[str, float, str]]:
        """``(key, likelihood, reason)`` rows in the documented order."""
        return [(e.key, self.values[e.key], e.reason) for e in ENTRIES]

    def to_toml(self, note: str) -> str:
        """The table as the TOML that ``--likelihoods`` reads; ``note`` says what it was fitted on."""
        lines = [f"{FITTED_ON} = {json.dumps(note, ensure_ascii=False)}"]
        plain = [(k, v) for k, v, _ in self.rows() if "." not in k]
        lines += [f"{k} = {v!r}" for k, v in plain]
        sections: dict[str, list[str]] = {}
        for k, v, _ in self.rows():
            if "." in k:
                section, name = k.split(".", 1)
                sections.setdefault(section, []).append(f"{name} = {v!r}")
        for section, entries in sections.items():
            lines += ["", f"[{section}]", *entries]
        return "\n".join(lines) + "\n"


def flat_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """A table's keys as ``type`` or ``type.level`` (``[backing] military`` is ``backing.military``)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            flat[key] = value
    return flat
