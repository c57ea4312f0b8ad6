"""The README cannot fall behind: every command is documented, and CI runs exactly the README's
test command."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths(group, prefix: str = "") -> list[str]:  # noqa: ANN001 - click group
    paths = []
    for name, command in getattr(group, "commands", {}).items():
        path = f"{prefix} {name}".strip()
        if getattr(command, "commands", None):
            paths += _command_paths(command, path)
        else:
            paths.append(path)
    return paths


def test_every_command_is_in_the_readme() -> None:
    paths = _command_paths(typer.main.get_command(app))
    assert len(paths) >= 20
    missing = [p for p in paths if f"`qualify {p}" not in README]
    assert not missing, f"commands missing from README: {missing}"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(
        line.strip()
        for line in ci.splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    )
    assert command in README


def test_readme_has_current_figures() -> None:
    assert "EVAL_TABLE" not in README and "BENCH_TABLE" not in README
