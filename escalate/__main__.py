"""``python -m escalate``."""

from escalate.cli import app

if __name__ == "__main__":
    app(prog_name="escalate")
