"""`qualify tui` (and `qualify` alone): the terminal UI; `qualify models`: model status."""

from __future__ import annotations

import os

import typer

from assistant.cli import state
from assistant.cli.output import console, fail, print_json


def run_tui() -> None:
    """Open the terminal UI through the launcher the console script plugged in."""
    launcher = state.tui_launcher()
    if launcher is None:
        fail("the terminal UI is not available here; run `qualify` from the installed script")
    try:
        launcher(state.service())
    except ImportError as exc:
        fail(f"the terminal UI could not start ({exc}); the other commands still work")


def tui() -> None:
    """Open the terminal UI (same as running `qualify` with no command)."""
    run_tui()


def models(as_json: bool = typer.Option(False, "--json")) -> None:
    """Which NLP models are active (rules pipeline, embedding model, heads)."""
    from extractors import EXTRACTOR_VERSION

    info: dict[str, object] = {"rules": f"qualify-rules@{EXTRACTOR_VERSION}"}
    try:
        from extractors.models import model_status

        status = model_status(load=True)
        info["embedding"] = status.model_dump(mode="json")
    except Exception as exc:  # noqa: BLE001 - status must never crash
        info["embedding"] = {"available": False, "reason": str(exc)}
    info["heads"] = _heads()
    if as_json:
        print_json(info)
        return
    console.print(f"rules: {info['rules']}", highlight=False)
    for kind, head in info["heads"].items():
        on = f" on {head['base_model']}" if head.get("base_model") else ""
        console.print(
            f"{kind} head: {head.get('version', '-')}{on} ({head.get('source')}) "
            f"{head.get('path')}{' ' + head['error'] if head.get('error') else ''}",
            highlight=False,
        )
    emb = info["embedding"]
    assert isinstance(emb, dict)
    state_word = "active" if emb.get("available") else "off (rules-only)"
    console.print(
        f"embedding model: {emb.get('name', '-')} {state_word} {emb.get('path') or ''}"
        f" {emb.get('reason') or ''}",
        highlight=False,
    )


def _heads() -> dict[str, dict[str, object]]:
    """Which classification heads extraction uses: one `qualify train` accepted into the data
    directory wins over the shipped one."""
    from extractors import heads

    trained_dir = state.settings().heads_dir
    out: dict[str, dict[str, object]] = {}
    for kind in ("semantic", "sentiment"):
        trained = trained_dir / f"{kind}.json"
        use_trained = kind == "semantic" and trained.is_file()
        path = trained if use_trained else heads.HEADS_DIR / f"{kind}.json"
        entry: dict[str, object] = {
            "source": "trained from reviews" if use_trained else "shipped",
            "path": str(path),
        }
        try:
            meta = heads.load(path, kind=kind).meta
            entry |= {"version": meta.version, "trained_at": meta.trained_at,
                      "metrics": meta.metrics}
        except heads.HeadError as exc:
            entry["error"] = str(exc).splitlines()[0]
        out[kind] = entry
    out["tuned"] = _tuned()
    return out


def _tuned() -> dict[str, object]:
    """The fine-tuned sentence classifier (extractors/tuned.py): files and metadata only. One
    `qualify train --tuned` wrote into the data directory wins over the shipped one. A head
    trained from reviews adds sentences on top of it, it does not replace it."""
    from extractors import tuned

    trained = state.service().tuned_dir()
    folder = tuned.tuned_folder(trained)
    if trained is not None:
        source = "trained (qualify train --tuned)"
    else:
        source = tuned.TUNED_DIR_ENV if os.environ.get(tuned.TUNED_DIR_ENV) else "shipped"
    entry: dict[str, object] = {"source": source, "path": str(folder / tuned.WEIGHTS_FILE)}
    try:
        meta = tuned.read_meta(folder)
        entry |= {"version": meta.version, "trained_at": meta.trained_at, "rank": meta.rank,
                  "add_threshold": meta.add_threshold, "veto_threshold": meta.veto_threshold,
                  "metrics": meta.metrics, "base_model": meta.base_model}
        # where the encoder it runs on is (MPNet is unpacked from its packages on first use)
        entry["base_path"] = str(tuned.base_model_dir(meta.base_model))
    except Exception as exc:  # noqa: BLE001 - status must never crash
        entry["error"] = str(exc).splitlines()[0]
    return entry


def register(app: typer.Typer) -> None:
    app.command()(tui)
    app.command()(models)
