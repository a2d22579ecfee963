"""The ``escalate`` command line (the top layer: nothing in the library imports it).

Examples
--------
>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["graphs"]).stdout.split()[0]
'caucasus-2020'
"""

from escalate.cli.commands import app

__all__ = ["app"]
