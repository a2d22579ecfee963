"""README stays true: its output is the real output and its Python code runs."""

import re
from pathlib import Path

import escalate
from escalate.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_shows_the_real_first_output(runner):
    result = runner.invoke(app, ["paths", "Armenia", "Azerbaijan"])
    assert blocks("text")[0] == result.stdout


def test_readme_python_runs(capsys):
    exec(compile(blocks("python")[0], "README.md", "exec"), {})
    out = capsys.readouterr().out
    pact = __import__("escalate").LikelihoodTable().get("defense_pact")
    assert f"Russia Armenia {round(pact, 3)} ally" in out
    assert out.strip().endswith("0.0")


def test_readme_names_every_command():
    text = README.read_text(encoding="utf-8")
    for command in app.registered_commands:
        assert f"escalate {command.name}" in text


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text()
    command = next(line for b in blocks("sh") for line in b.splitlines() if "pytest" in line)
    assert command.strip() in ci


def test_all_is_sorted_and_complete():
    assert escalate.__all__ == sorted(escalate.__all__)
    public = {n for n in dir(escalate) if not n.startswith("_") and n[0].isupper() or n in escalate.__all__}
    modules = {"analysis", "cascade", "errors", "explain", "likelihoods", "loading", "model", "report", "cli"}
    assert public - modules <= set(escalate.__all__)


def test_every_public_name_has_a_docstring_with_an_example():
    import inspect

    missing = [n for n in escalate.__all__ if ">>>" not in (inspect.getdoc(getattr(escalate, n)) or "")]
    assert missing == []
