"""Where the bundled data lives; a leaf module so `qualify --help` stays light."""

from __future__ import annotations

from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
