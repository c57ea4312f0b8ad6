"""The `qualify` console script: the CLI, with the terminal UI plugged in as the default
command. It lives in `tui` (the top layer) so that `assistant` never imports `tui`."""

from __future__ import annotations


def launch(service) -> None:  # noqa: ANN001 - assistant.service.Service
    """Open the Textual app on the service's database."""
    from tui.app import make_app

    make_app(service).run()


def main() -> None:
    """Entry point: `qualify [COMMAND]`; with no command, the terminal UI opens."""
    from assistant.cli import main as cli_main

    cli_main(tui_launcher=launch)
