import os

os.environ.setdefault("TERMINAL_WIDTH", "200")  # before anything imports the CLI
os.environ.setdefault("MPLBACKEND", "Agg")

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from escalate import Scenario, build_scenario  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def G() -> Scenario:
    """A small scenario built in code: two camps, an alliance, a mediator, a rival."""
    return build_scenario(
        name="small",
        actors={
            "Ruritania": {},
            "Freedonia": {},
            "Enclave": {"kind": "region", "located_in": "Freedonia"},
            "Bigland": {},
            "Farland": {},
            "Pact": {"kind": "alliance", "members": ["Ruritania", "Farland"], "collective_defense": True},
            "Peaceland": {},
            "Rivalia": {},
        },
        relations=[
            {"type": "defense_pact", "between": ["Bigland", "Freedonia"], "likelihood": 0.6},
            {
                "type": "backing",
                "from": "Rivalia",
                "to": "Ruritania",
                "level": "diplomatic",
                "likelihood": 0.5,
            },
            {"type": "mediation", "from": "Peaceland", "to": ["Ruritania", "Freedonia"], "likelihood": 0.9},
        ],
    )


@pytest.fixture
def graph_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text to a file in tmp_path and return its path."""
    counter = iter(range(1000))

    def write(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"scenario{next(counter)}.toml")
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# -- the world: a small data folder laid out as shared/data ---------------------------------


def write(folder: Path, relative: str, text: str) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="latin-1")


@pytest.fixture
def data(tmp_path):
    states = [
        ("AAA", 1, "Alpha"),
        ("BBB", 2, "Beta"),
        ("CCC", 3, "Gamma"),
        ("DDD", 4, "Delta"),
        ("OLD", 5, "Oldland"),
    ]
    write(
        tmp_path,
        "cow_state_system_v2016/states2016.csv",
        "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
        + "".join(f"{a},{c},{n},1900,1,1,2016,12,31,2016\n" for a, c, n in states),
    )
    write(
        tmp_path,
        "cow_state_system_v2016/system2016.csv",
        "stateabb,ccode,year,version\n"
        + "".join(f"{a},{c},2000,2016\n" for a, c, _ in states[:4])
        + "OLD,5,1990,2016\n",
    )
    write(tmp_path, "atop_v5.1/atop5_1_ddyr_obligations.csv",
          "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
          "1,2,2000,1,0,0,0,0\n2,1,2000,1,0,0,0,0\n"  # both ways: a defence pact
          "3,1,2000,1,1,0,0,0\n"  # one way: a guarantee, and offensive backing
          "1,4,2000,0,0,1,1,1\n4,1,2000,0,0,0,0,1\n"  # neutrality, non-aggression, consultation
          "1,5,2000,1,0,0,0,0\n"  # Oldland is not a member in 2000
          "1,3,1999,1,0,0,0,0\n")  # another year  # fmt: skip
    write(tmp_path, "cow_state_system_v2016/majors2016.csv",
          "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version\n"
          "DDD,4,1990,1,1,2016,12,31,2016\n")  # fmt: skip
    write(tmp_path, "cow_contiguity_v3.2/contdir_v3.2_master_records.csv",
          "statelno,statehno,conttype,begin,end\n2,4,1,199001,201612\n1,3,2,199001,201612\n")  # fmt: skip
    members = "atopid,member,yrent,yrexit,defense,defcoadv,defcoloc,defcocon,defconum,defcodem\n"
    write(tmp_path, "atop_v4.01/atop-member-level.csv", members + "".join(
        f"9000,{c},1995,0,1,0,0,0,1,0\n" for c in (2, 3, 4)) + "9100,1,1990,1999,1,0,0,0,0,0\n")  # fmt: skip
    write(tmp_path, "cow_mid_v5.0/MIDB 5.0.csv",
          "dispnum,stabb,ccode,stday,stmon,styear,endday,endmon,endyear,sidea,revstate,revtype1,revtype2,fatality,fatalpre,hiact,hostlev,orig,version\n"
          "7,BBB,2,1,1,1995,1,2,1995,1,1,1,0,0,0,0,3,1,5\n7,DDD,4,1,1,1995,1,2,1995,0,0,0,0,0,0,0,3,1,5\n"
          "8,AAA,1,1,1,1980,1,2,1980,1,1,1,0,0,0,0,3,1,5\n8,CCC,3,1,1,1980,1,2,1980,0,0,0,0,0,0,0,3,1,5\n")  # fmt: skip
    return tmp_path


def add_system_year(folder: Path, year: int) -> None:
    """Make the four fixture states (COW codes 1-4) system members in ``year`` too."""
    system = (folder / "cow_state_system_v2016/system2016.csv").read_text()
    write(
        folder,
        "cow_state_system_v2016/system2016.csv",
        system + "".join(f"X,{c},{year},2016\n" for c in (1, 2, 3, 4)),
    )


MID_HEADER = (
    "dispnum,stabb,ccode,stday,stmon,styear,endday,endmon,endyear,sidea,revstate,revtype1,revtype2,"
    "fatality,fatalpre,hiact,hostlev,orig,version\n"
)


def mid(number, ccode, day, month, year, side_a, orig, hostility=3, end=None):
    """A MIDB row: the participant from ``day``/``month``/``year`` to 1 December of ``end`` (default ``year``)."""
    end = year if end is None else end
    return f"{number},S{ccode},{ccode},{day},{month},{year},1,12,{end},{side_a},0,0,0,0,0,0,{hostility},{orig},5\n"


@pytest.fixture
def disputes(data):
    """Two disputes among the four fixture states, one a year.

    MID 7 (2000): Beta (side A, so the initiator) against Delta; Gamma joins Delta later.
    MID 9 (2001): Alpha (side A) against Delta; Gamma joins Alpha later.
    """
    write(data, "cow_mid_v5.0/MIDB 5.0.csv", MID_HEADER
          + mid(7, 2, 1, 3, 2000, 1, 1) + mid(7, 4, 1, 3, 2000, 0, 1) + mid(7, 3, 9, 4, 2000, 0, 0)
          + mid(9, 1, 1, 3, 2001, 1, 1) + mid(9, 4, 1, 3, 2001, 0, 1) + mid(9, 3, 2, 5, 2001, 1, 0))  # fmt: skip
    add_system_year(data, 2001)
    return data
