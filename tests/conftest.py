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
