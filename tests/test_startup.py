"""`qualify --help` must answer at once: nothing heavy may load before a command needs it.

The budget is half a second; the store (sqlite-utils), the parsers, spaCy and torch together
cost several times that, so the test checks they stay unloaded rather than timing the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlite_utils", "assistant.service", "assistant.store", "assistant.ingest", "spacy",
         "torch", "transformers", "extractors.pipeline", "textual")

PROBE = f"""
import json, sys
sys.argv = ["qualify", "--help"]
from tui.main import main
try:
    main()
except SystemExit:
    pass
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_help_loads_none_of_the_heavy_modules() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert "Usage" in out.stdout
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"qualify --help imported {loaded}"
