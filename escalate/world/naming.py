"""Words for the world's data: grades of rivalry, names of alliances and of states.

Examples
--------
>>> dispute_grade((4, 1), (3, 0))
'fatal'
>>> unique_names({2: ("United States", "USA"), 3: ("Congo", "COP"), 4: ("Congo", "DRC")})[4]
'Congo (DRC)'
"""

from __future__ import annotations

from collections import defaultdict

#: Grades of rivalry, mildest first (the values of :class:`~escalate.model.HostilityLevel`).
GRADES = ("threat", "force", "fatal", "war")
GRADE_WORDS = {
    "threat": "threats or displays of force",
    "force": "force used, no deaths",
    "fatal": "force used, with deaths",
    "war": "war",
}


#: Names of a few well-known alliances by ATOP id (the data carries numbers only).
ALLIANCE_NAMES = {
    3075: "Rio Treaty",
    3180: "NATO",
    3205: "Arab League (Joint Defence Treaty)",
    4220: "Collective Security Treaty (CSTO)",
}


def dispute_grade(first: tuple[int, int], second: tuple[int, int]) -> str:
    """The grade of one dispute for a pair, from each one's (hostility level, fatality code)."""
    level = max(first[0], second[0])
    if level >= 5:
        return "war"
    if level == 4:
        return "fatal" if max(first[1], second[1]) > 0 else "force"
    return "threat"


def alliance_name(atopid: int, members: list[str], year: int) -> str:
    """An alliance's name (:data:`ALLIANCE_NAMES`), or if the data give only its number, its year and members.

    Examples
    --------
    >>> alliance_name(5090, ["Kenya", "Uganda", "Sudan", "Zambia", "Angola"], 2006)
    'ATOP 5090 of 2006: Kenya, Uganda, Sudan and 2 more'
    >>> alliance_name(3180, ["Belgium", "Canada", "Denmark"], 1949)
    'NATO'
    """
    if atopid in ALLIANCE_NAMES:
        return ALLIANCE_NAMES[atopid]
    shown = members[:3]
    more = f" and {len(members) - 3} more" if len(members) > 3 else ""
    listed = ", ".join(shown[:-1]) + (" and " if not more and len(shown) > 1 else ", " if more else "")
    return f"ATOP {atopid} of {year}: {listed}{shown[-1]}{more}"


def unique_names(states: dict[int, tuple[str, str]]) -> dict[int, str]:
    """Each state's COW name, with its abbreviation where two states share a name."""
    count: dict[str, int] = defaultdict(int)
    for title, _ in states.values():
        count[title] += 1
    return {
        c: title if count[title] == 1 else f"{title} ({abbreviation})"
        for c, (title, abbreviation) in states.items()
    }
