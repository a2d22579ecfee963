"""The bundled scenarios ship inside the built wheel, and the installed wheel runs without the checkout."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / "pyproject.toml").is_file(), reason="not running from a source checkout")
def test_the_wheel_ships_the_graphs_and_runs_from_its_install(tmp_path):
    # hatchling is in the test extra so that this builds offline, without build isolation.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("escalate-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "escalate/graphs/nagorno-karabakh-2020.toml" in names
    assert "escalate/graphs/caucasus-2020.toml" in names

    # Installed on its own (the dependencies come from this venv), away from the checkout.
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import escalate, escalate.io.files as f; print(escalate.__file__); print(f.bundled_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    module, graphs = map(Path, where.stdout.splitlines())
    assert module.is_relative_to(site) and graphs == site / "escalate" / "graphs"
    # `escalate paths` with no --graph reads the bundled default scenario from the install.
    result = subprocess.run(
        [sys.executable, "-m", "escalate", "paths", "Armenia", "Azerbaijan"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Flare-up: Armenia vs Azerbaijan")
    assert "Scenario: nagorno-karabakh-2020" in result.stdout and "Russia" in result.stdout
