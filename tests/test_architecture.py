"""Layering: tui -> assistant -> scoring -> extractors, enforced on every import statement
(including imports inside functions), plus a check that every module imports cleanly."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["tui", "assistant", "scoring", "extractors"]  # each may import only those after it


def _modules() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (ROOT / layer).rglob("*.py"))


def _imported_top_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path: Path) -> None:
    layer = path.relative_to(ROOT).parts[0]
    allowed = set(LAYERS[LAYERS.index(layer) :])
    forbidden = _imported_top_packages(path) - allowed
    assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)} (upward)"


def test_import_linter_contract_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'layers = ["tui", "assistant", "scoring", "extractors"]' in text


def test_only_the_store_writes_sql() -> None:
    offenders = []
    for path in _modules():
        rel = path.relative_to(ROOT)
        if rel.parts[:2] == ("assistant", "store"):
            continue
        text = path.read_text(encoding="utf-8")
        if "import sqlite3" in text or ".execute(" in text or "sqlite_utils" in text:
            offenders.append(str(rel))
    assert not offenders, f"SQL outside assistant/store: {offenders}"


@pytest.mark.parametrize(
    "module",
    sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in _modules()
        if p.parts[-2:] != ("tui", "__main__.py")
    ),
)
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)
