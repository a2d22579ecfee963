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


def all_problems(module):
    """What is wrong with ``module.__all__``: unsorted, names it lacks, names that do not exist."""
    import inspect

    problems = []
    listed = list(module.__all__)
    if listed != sorted(listed):
        problems.append("__all__ is not sorted")
    public = {n for n in dir(module) if not n.startswith("_") and not inspect.ismodule(getattr(module, n))}
    problems += [f"{n} is public but not in __all__" for n in sorted(public - set(listed))]
    problems += [f"{n} is in __all__ but does not exist" for n in listed if not hasattr(module, n)]
    return problems


def test_all_is_sorted_and_complete():
    assert all_problems(escalate) == []


def test_the_all_check_catches_a_missing_an_extra_and_an_unsorted_name(monkeypatch):
    def stray():
        """A public function the package forgot to export."""

    monkeypatch.setattr(escalate, "stray", stray, raising=False)
    assert all_problems(escalate) == ["stray is public but not in __all__"]
    monkeypatch.delattr(escalate, "stray")
    listed = list(escalate.__all__)
    monkeypatch.setattr(escalate, "__all__", [*listed, "zz_not_there"])
    assert all_problems(escalate) == ["zz_not_there is in __all__ but does not exist"]
    monkeypatch.setattr(escalate, "__all__", listed[::-1])
    assert all_problems(escalate) == ["__all__ is not sorted"]


def test_every_public_name_has_a_docstring_with_an_example():
    import inspect

    missing = [n for n in escalate.__all__ if ">>>" not in (inspect.getdoc(getattr(escalate, n)) or "")]
    assert missing == []
