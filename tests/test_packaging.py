"""The bundled scenarios ship inside the installed package, not only in the checkout."""

import importlib.metadata
import subprocess
import sys
import zipfile

import pytest

from escalate.io.files import bundled_dir


def test_installed_distribution_ships_the_graphs():
    dist = importlib.metadata.distribution("escalate")
    files = {str(f) for f in dist.files or ()}
    if not any(f.startswith("escalate/") and f.endswith(".py") for f in files):
        pytest.skip("escalate is installed in editable mode; the wheel test below covers it")
    assert "escalate/graphs/nagorno-karabakh-2020.toml" in files


@pytest.mark.slow
def test_wheel_contains_graphs(tmp_path):
    pytest.importorskip("hatchling")
    root = bundled_dir().parent if bundled_dir().name == "graphs" else None
    if root is None or not (root / "pyproject.toml").exists():
        pytest.skip("not running from a source checkout")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(root),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("escalate-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "escalate/graphs/nagorno-karabakh-2020.toml" in names
    assert "escalate/graphs/caucasus-2020.toml" in names
