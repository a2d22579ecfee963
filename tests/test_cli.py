"""CLI wiring: arguments, exit codes, which stream got what."""

import json

import pytest

from escalate.cli import app


def test_paths_default(runner):
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan"])
    assert result.exit_code == 0
    assert "Russia" in result.stdout and "Turkey" in result.stdout
    assert "mutual defense pact" in result.stdout
    assert result.stderr == ""


def test_paths_json_is_pure_json(runner):
    result = runner.invoke(app, ["paths", "ARM", "azeri", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["belligerents"] == ["Armenia", "Azerbaijan"]


def test_unknown_actor_exits_2_with_suggestion(runner):
    result = runner.invoke(app, ["paths", "Armenia", "Azerbajan"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "Error: unknown actor 'Azerbajan'; did you mean 'Azerbaijan'?"


def test_unknown_graph_name_exits_2(runner):
    result = runner.invoke(app, ["paths", "A", "B", "--graph", "caucasus"])
    assert result.exit_code == 2
    assert "did you mean 'caucasus-2020'" in result.stderr


def test_bad_option_exits_2(runner):
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--samples", "0"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--as-of", "yesterday"])
    assert result.exit_code == 2
    assert "bad date" in result.stderr


def test_bad_file_exits_1_with_file_and_line(runner, graph_file):
    path = graph_file('[actors]\nA = {}\nB = {}\n[[relations]]\ntype = "hostilty"\nbetween = ["A", "B"]\n')
    result = runner.invoke(app, ["paths", "A", "B", "--graph", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {path}:4: relation #1: unknown relation type 'hostilty'; did you mean 'hostility'?"
    )
    assert "Traceback" not in result.stderr


def test_no_party_drawn_in_notes_on_stderr(runner, graph_file):
    path = graph_file("[actors]\nA = {}\nB = {}\n")
    result = runner.invoke(app, ["paths", "A", "B", "-g", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["parties"] == []
    assert "no outside party" in result.stderr


def test_env_var_selects_graph(runner):
    result = runner.invoke(
        app, ["paths", "Armenia", "Azerbaijan", "--json"], env={"ESCALATE_GRAPH": "caucasus-2020"}
    )
    assert json.loads(result.stdout)["graph"] == "caucasus-2020"


def test_monte_carlo_options(runner):
    args = [
        "paths",
        "Armenia",
        "Azerbaijan",
        "--method",
        "monte-carlo",
        "--samples",
        "500",
        "--seed",
        "1",
        "--json",
    ]
    one, two = runner.invoke(app, args), runner.invoke(app, args)
    assert one.exit_code == 0 and one.stdout == two.stdout
    assert json.loads(one.stdout)["samples"] == 500


def test_likelihoods_file(runner, graph_file):
    table = graph_file("defense_pact = 0.5\n", name="table.toml")
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--likelihoods", str(table), "--json"])
    russia = next(p for p in json.loads(result.stdout)["parties"] if p["actor"] == "Russia")
    assert russia["probability"] == 0.5
    bad = graph_file("defence_pact = 0.5\n", name="bad.toml")
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--likelihoods", str(bad)])
    assert result.exit_code == 1
    assert "did you mean 'defense_pact'" in result.stderr


def test_graphs_lists_bundled(runner):
    result = runner.invoke(app, ["graphs"])
    assert result.exit_code == 0
    assert "nagorno-karabakh-2020  Nagorno-Karabakh flare-up" in result.stdout


def test_likelihoods_command_shows_reasons(runner):
    result = runner.invoke(app, ["likelihoods"])
    assert "defense_pact" in result.stdout and "Leeds" in result.stdout
    # The columns line up whatever a value's width (0.000313 once pushed its row one place right),
    # and the literature sits under the reason.
    rows = [line for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    basis = {max(line.find(" fitted "), line.find(" reasoned ")) for line in rows}
    literature = {line.index("Literature:") for line in result.stdout.splitlines() if "Literature:" in line}
    assert len(rows) > 20 and len(basis) == 1 and literature == {basis.pop() + 11}


def test_every_command_has_help(runner):
    for command in ("paths", "graphs", "likelihoods"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example: escalate" in result.stdout


def test_ctrl_c_exits_130_with_a_short_message(runner, monkeypatch):
    import escalate.cli.commands

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(escalate.cli.commands, "escalation_paths", interrupted)
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan"])
    assert result.exit_code == 130
    assert result.stderr == "Interrupted; nothing was written.\n"
    assert result.stdout == ""


def test_paths_never_imports_matplotlib():
    import subprocess
    import sys

    code = "import sys, escalate.cli; print(sorted(m for m in sys.modules if m.startswith('matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_table_lists_parties_above_a_threshold_and_counts_the_rest(runner):
    from escalate import escalation_paths

    below = [
        p for p in escalation_paths("caucasus-2020", "Armenia", "Azerbaijan").parties if p.probability < 0.01
    ]
    assert below  # the case needs parties under 1%
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "-g", "caucasus-2020"])
    assert result.exit_code == 0
    assert f"... and {len(below)} more below 1% (--min-probability 0 lists them all)" in result.stdout
    every = runner.invoke(
        app, ["paths", "Armenia", "Azerbaijan", "-g", "caucasus-2020", "--min-probability", "0"]
    )
    assert "more below" not in every.stdout
    rows = [line.split("  ")[0].rstrip(" *") for line in every.stdout.splitlines()[4:] if line.strip()]
    assert all(p.actor in rows for p in below)
    bad = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--min-probability", "2"])
    assert bad.exit_code == 2
    nan = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--min-probability", "nan"])
    assert nan.exit_code == 2 and "must be a number from 0 to 1, not nan" in nan.stderr


@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("command", [["paths", "Armenia", "Azerbaijan"], ["graphs"], ["likelihoods"]])
def test_a_full_disk_on_stdout_is_a_one_line_error_not_a_traceback(command):
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "escalate", *command],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: cannot write the result: No space left on device"


def test_a_closed_stdout_is_a_one_line_error_not_a_traceback():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "escalate", "paths", "Armenia", "Azerbaijan"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60,
        preexec_fn=lambda: __import__("os").close(1),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: cannot write the result: standard output is closed"


def test_a_warning_is_one_line_before_the_error_not_pythons_two(tmp_path, runner):
    path = tmp_path / "lone.csv"
    path.write_text("From,To,Type,Source\nArmenia,Azerbaijan,hostility,x\n")
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "-g", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Warning: {path}: no lone-actors.csv beside it; actors are taken as plain states",
        f"Error: {path}:2: relation #1 (Armenia <-> Azerbaijan): unknown source 'x'; define it under [sources]",
    ]


def test_world_commands_refuse_a_bad_output_before_any_work(tmp_path, runner):
    # The data folder does not exist: the output is what is refused, so nothing was read.
    missing = str(tmp_path / "no-data")
    folder = runner.invoke(app, ["calibrate", "--data", missing, "-o", str(tmp_path)])
    assert folder.exit_code == 1
    assert folder.stderr == f"Error: cannot write {tmp_path}: it is a folder; give a file path\n"
    suffix = runner.invoke(app, ["import", "atop", "--data", missing, "--year", "2014", "-o", "w.xyz"])
    assert suffix.exit_code == 2 and "unknown scenario format 'xyz'" in suffix.stderr
    nowhere = runner.invoke(
        app, ["import", "atop", "--data", missing, "--year", "2014", "-o", f"{missing}/w.toml"]
    )
    assert nowhere.exit_code == 1 and f"there is no folder {missing}" in nowhere.stderr


def test_further_belligerents_on_the_command_line(runner):
    result = runner.invoke(
        app, ["paths", "Armenia", "Azerbaijan", "--with-b", "turkey", "--initiator", "Azerbaijan"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Flare-up: Armenia vs Azerbaijan with Turkey (Azerbaijan attacks)")
    assert "theatre: Armenia, Azerbaijan, Turkey" in result.stdout.splitlines()[0]
    data = json.loads(
        runner.invoke(app, ["paths", "Armenia", "Azerbaijan", "--with-b", "Turkey", "--json"]).stdout
    )
    assert data["coalitions"] == [[], ["Turkey"]]
    assert "Turkey" not in {p["actor"] for p in data["parties"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--with-a", "Turky"], "Error: unknown actor 'Turky'; did you mean 'Turkey'?"),
        (
            ["--with-a", "Azerbaijan"],
            "Error: Azerbaijan is named twice among the belligerents; name each once, on one side",
        ),
    ],
)
def test_bad_further_belligerents_exit_2(runner, args, message):
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == message
