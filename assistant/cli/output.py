"""Printing helpers shared by the commands: JSON on stdout, tables with rich, errors on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def print_json(payload: Any) -> None:
    """Stable, machine-readable output: sorted keys stay as built, UTF-8, no colour codes."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def fail(message: str, code: int = 1) -> None:
    """One clear line on stderr and a non-zero exit; never a traceback for user errors."""
    import typer

    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    """A side remark (on stderr, so `--json` output stays clean)."""
    err_console.print(message, highlight=False, soft_wrap=True)
