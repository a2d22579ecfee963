"""The README's bounds, tested: adversarial scenarios finish in 60 s within 1 GiB of address space."""

import os
import resource
import subprocess
import sys

import pytest

from .adversarial import covered_regions, dense, nested_regions, ring, star, wide_regions

GiB = 1 << 30


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GiB, GiB))


@pytest.mark.parametrize(
    ("name", "text", "command"),
    [
        ("dense50", dense(50), ["paths", "S0", "S1"]),  # once 3.4 GB
        ("dense120", dense(120), ["paths", "S0", "S1"]),  # once 9.5 GB
        ("dense120", dense(120), ["paths", "S0", "S1", "--method", "exact"]),
        ("dense149", dense(149), ["draw", "S0", "S1", "--all", "-o", "{out}"]),  # once 90 s
        ("ring10000", ring(10_000), ["draw", "S0", "S1", "--all", "-o", "{out}"]),  # 5,000 once past 300 s
        ("dense300", dense(300), ["paths", "S0", "S1"]),  # once 1.4 GB
        ("wide3000", wide_regions(3000), ["paths", "S1", "S0", "--initiator", "S1"]),  # once past 21 GB
        ("nested20000", nested_regions(20_000), ["paths", "S1", "S0"]),  # once 110 s and 9.3 GB
        ("covered", covered_regions(100, 2000), ["paths", "A", "B"]),  # 10 x 100 once 850 MB
        ("star", star(20_000), ["paths", "S1", "S2"]),  # 400 million neighbours' neighbours: refused
    ],
    ids=[
        "dense50",
        "dense120",
        "dense120-exact",
        "dense149-draw-all",
        "ring10000-draw-all",
        "dense300",
        "wide-regions",
        "nested-regions",
        "covered-regions",
        "star-of-borders",
    ],  # fmt: skip
)
def test_an_adversarial_scenario_finishes_within_the_ceiling(tmp_path, name, text, command):
    graph = tmp_path / f"{name}.toml"
    graph.write_text(text)
    args = [a.replace("{out}", str(tmp_path / "out.png")) for a in command]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-m", "escalate", *args, "-g", str(graph)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited,
        env=env,
    )
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    if done.returncode:  # a clean refusal: one line per problem
        assert all(line.startswith("Error: ") for line in done.stderr.splitlines()), done.stderr
    else:
        assert done.stdout or done.stderr.startswith("Wrote ")


def test_borders_that_would_put_too_many_parties_two_borders_apart_are_refused(tmp_path):
    from escalate import GraphFileError, LikelihoodTable, escalation_paths, load_scenario
    from escalate.model.relation_checks import MAX_VICINITY_TIES

    path = tmp_path / "star.toml"
    path.write_text(star(448))  # 448 x 447 = 200,256 ties
    with pytest.raises(GraphFileError) as refused:
        load_scenario(path)
    (problem,) = refused.value.problems
    assert problem.startswith(f"{path}:2: 'S0' borders 448 parties") and f"{MAX_VICINITY_TIES:,}" in problem
    path.write_text(star(447))  # 199,362: allowed, and every leaf two borders from the others
    certain = LikelihoodTable().updated({"vicinity": 1.0})
    result = escalation_paths(
        load_scenario(path), "S1", "S2", initiator="S1", samples=200, likelihoods=certain
    )
    assert result.probability("S3", "S2") == 1.0  # two borders from both, drawn to the defender
