"""The `qualify` command line. Commands live in small modules; this one holds the root app,
the global options and the translation of known errors into one clear line."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from assistant.cli import state


class QualifyGroup(TyperGroup):
    """Turns the project's known errors into one clear line and exit code 1, for the console
    script and for tests driving the app through typer's runner alike."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]  # noqa: ANN001
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if isinstance(exc, known_errors()):
                message = str(exc).splitlines()[0] if str(exc) else repr(exc)
                typer.echo(f"error: {message}", err=True)
                raise typer.Exit(1) from exc
            raise


app = typer.Typer(
    cls=QualifyGroup,
    name="qualify",
    help="Qualification assistant: signals with evidence, scores and discovery, in the terminal.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        from assistant import __version__

        typer.echo(f"qualify {__version__}")
        try:
            from extractors.models import model_status

            status = model_status()
            typer.echo(
                f"embedding model: {status.name} ({'active' if status.available else 'off'}:"
                f" {status.reason or status.path})"
            )
        except Exception as exc:  # noqa: BLE001 - version must never crash
            typer.echo(f"embedding model: off ({exc})")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", help="SQLite file (default: per-user data dir; env QUALIFY_DB)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show versions."
    ),
) -> None:
    """Without a command, open the terminal UI."""
    state.configure(db=db)
    if ctx.invoked_subcommand is None:
        from assistant.cli.commands_tui import run_tui

        run_tui()


def _register() -> None:
    from assistant.cli import (
        commands_audit,
        commands_discover,
        commands_extract,
        commands_ingest,
        commands_leads,
        commands_score,
        commands_tui,
    )

    for module in (
        commands_ingest,
        commands_leads,
        commands_extract,
        commands_score,
        commands_discover,
        commands_audit,
        commands_tui,
    ):
        module.register(app)


_register()


def known_errors() -> tuple[type[BaseException], ...]:
    from assistant.ingest import IngestError
    from assistant.service import ServiceError
    from assistant.store import StoreError

    errors: list[type[BaseException]] = [IngestError, ServiceError, StoreError]
    try:
        from scoring import ScoringError

        errors.append(ScoringError)
    except ImportError:  # pragma: no cover - scoring always ships
        pass
    try:
        from extractors import RulesError

        errors.append(RulesError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def main(tui_launcher=None) -> None:  # noqa: ANN001 - Callable[[Service], None]
    """Console entry point: run the app, turn known errors into one line and exit code 1."""
    state.set_tui_launcher(tui_launcher)
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: nothing partial was written (one transaction per item)\n")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # usage errors: click's message
            exc.show()
            sys.exit(exc.exit_code)
        raise
    finally:
        state.close()
    sys.exit(code if isinstance(code, int) else 0)
