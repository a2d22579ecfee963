"""Read the data sets of a folder laid out as ``shared/data`` (see its SOURCES.md).

Every file is read with Python's csv module as Latin-1, as the COW and ATOP files are
distributed; a missing file or column, or a row that does not parse, raises
:class:`~escalate.errors.GraphFileError` naming the file and row.
"""

from __future__ import annotations

import calendar
import csv
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from escalate.errors import GraphFileError

#: Relative paths of the files escalate reads, by role.
FILES = {
    "states": "cow_state_system_v2016/states2016.csv",
    "system": "cow_state_system_v2016/system2016.csv",
    "atop": "atop_v5.1/atop5_1_ddyr_obligations.csv",
    "mids": "cow_mid_v5.0/MIDB 5.0.csv",
    "wars": "cow_interstate_war_v4.0/Inter-StateWarData_v4.0.csv",
    "contiguity": "cow_contiguity_v3.2/contdir_v3.2_master_records.csv",
    "majors": "cow_state_system_v2016/majors2016.csv",
    "atop_members": "atop_v4.01/atop-member-level.csv",
}


def data_file(folder: str | os.PathLike[str], role: str) -> Path:
    """The path of one data set in ``folder``; a clear error when it is missing."""
    path = Path(folder) / FILES[role]
    if not path.is_file():
        raise GraphFileError(
            path, [f"{path}: no such file; --data must be laid out as shared/data ({FILES[role]})"]
        )
    return path


@contextmanager
def _reader(
    folder: str | os.PathLike[str], role: str, columns: tuple[str, ...]
) -> Iterator[tuple[Path, Any]]:
    path = data_file(folder, role)
    with path.open(newline="", encoding="latin-1") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise GraphFileError(path, [f"{path}:1: missing column {', '.join(map(repr, missing))}"])
        yield path, reader


def columns_of(folder: str | os.PathLike[str], role: str) -> list[str]:
    """The header of one data set in ``folder``."""
    with _reader(folder, role, ()) as (_, reader):
        return list(reader.fieldnames or [])


def rows(
    folder: str | os.PathLike[str], role: str, columns: tuple[str, ...], blank: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, int]]]:
    """Yield ``(line, row)`` with ``columns`` parsed as integers (those in ``blank`` 0 when empty)."""
    with _reader(folder, role, columns + blank) as (path, reader):
        for row in reader:
            try:
                found = {c: int(row[c]) for c in columns}
                yield reader.line_num, found | {c: int(row[c].strip() or 0) for c in blank}
            except (TypeError, ValueError) as exc:
                raise GraphFileError(
                    path,
                    [f"{path}:{reader.line_num}: {', '.join(columns + blank)} must be whole numbers ({exc})"],
                ) from exc


def text_rows(
    folder: str | os.PathLike[str], role: str, columns: tuple[str, ...], whole: tuple[str, ...] = ()
) -> Iterator[dict[str, str]]:
    """Yield rows with ``columns`` as text (for names); those in ``whole`` must be whole numbers."""
    with _reader(folder, role, columns) as (path, reader):
        for row in reader:
            found = {c: (row[c] or "").strip() for c in columns}
            wrong = [c for c in whole if not found[c].lstrip("-").isdigit()]
            if wrong:
                value = found[wrong[0]]
                message = f"{path}:{reader.line_num}: {wrong[0]} must be a whole number, not {value!r}"
                raise GraphFileError(path, [message])
            yield found


def checked_start(
    path: Path, line: int, row: dict[str, int], date: tuple[str, str, str], side: tuple[str, tuple[int, int]],
    end: str | None = None,
) -> None:  # fmt: skip
    """A row's start date (month and day -9 or 0 when unknown) and side, or an error at file:line.

    With ``end``, the column of the row's end year, that year must not come before the start's.
    """
    year, month, day = (row[c] for c in date)
    problem = None
    if not 1816 <= year <= 2100:
        problem = f"{date[0]} {year} is not a year of the data (1816 on)"
    elif month not in (-9, 0) and not 1 <= month <= 12:
        problem = f"{date[1]} {month} is not a month (1-12, or -9 when unknown)"
    elif day not in (-9, 0) and not 1 <= day <= calendar.monthrange(year, max(month, 1))[1]:
        problem = f"{date[2]} {day} is not a day of that month (or -9 when unknown)"
    elif row[side[0]] not in side[1]:
        problem = f"{side[0]} {row[side[0]]} is not one of {side[1][0]} or {side[1][1]}"
    elif end is not None and row[end] < year:
        problem = f"{end} {row[end]} is before {date[0]} {year}"
    if problem:
        raise GraphFileError(path, [f"{path}:{line}: {problem}"])


#: The data sets as scenario sources: what each relation of the world cites.
SOURCES = {
    "atop": {
        "title": "Alliance Treaty Obligations and Provisions (ATOP) v5.1, directed dyad-year obligations",
        "publisher": "Leeds, Ritter, Mitchell and Long 2002; Leeds 2022 (codebook v5.1); via peacesciencer",
    },
    "cow_states": {
        "title": "Correlates of War State System Membership List v2016, with its major powers",
        "publisher": "Correlates of War Project 2017",
    },
    "atop_members": {
        "title": "ATOP v4.01 member-level data (alliance membership and conditions)",
        "publisher": "Leeds et al. 2002; Leeds 2018 (codebook v4.0); CSV export by Joshua Alley",
    },
    "cow_contiguity": {
        "title": "Correlates of War Direct Contiguity v3.2 (land and river borders)",
        "publisher": "Stinnett et al. 2002, Conflict Management and Peace Science 19(2); via peacesciencer",
    },
    "mid": {
        "title": "Militarized Interstate Disputes v5.0 (MIDB)",
        "publisher": "Palmer et al. 2022, Conflict Management and Peace Science 39(4)",
    },
}
