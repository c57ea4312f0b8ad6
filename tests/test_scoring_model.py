"""Model files: every bad case is rejected with the file, the key and the reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from scoring import ModelError, default_model, load_model, parse_model  # noqa: E402
from scoring.model import DEFAULT_MODEL_PATH  # noqa: E402
from scoring.tomlwrite import dumps  # noqa: E402

TEXT = DEFAULT_MODEL_PATH.read_text(encoding="utf-8")


def _bad(old: str, new: str, count: int = 1) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, count)


def test_default_model_loads_with_content_hash_version() -> None:
    model = default_model()
    assert len(model.version) == 12
    assert parse_model(TEXT).version == model.version
    assert parse_model(TEXT + "\n# comment\n").version != model.version


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (_bad('scale = 100', 'scale = 100\ncolour = "red"'), "colour", "unknown key"),
        (_bad("budget = 12\n", "budget = 13\n"), "segments.enterprise",
         "weights sum to 61 but engagement declares 60"),
        (_bad("fit = 40", "fit = 45"), "(top level)", "must sum to scale 100"),
        (_bad("default = 120", "default = -5"), "segments.enterprise",
         "half-life of 'default' must be positive"),
        (_bad('{ dimension = "need", types = ["pain", "current_workflow"] }',
              '{ dimension = "money" }'), "segments.enterprise.stages.0.criteria.0.match.0",
         "gate names unknown dimension 'money'"),
        (_bad('"budget.amount" = 40', '"bugdet.amount" = 40'), "(top level)",
         "unknown dimension 'bugdet'"),
        (_bad('"budget.status.none" = -10', '"budget.status.none" = 10'), "(top level)",
         "must be <= 0"),
        (_bad('default = "sdr"', 'default = "cfo"'), "segments.enterprise.routing.default",
         "Input should be"),
        (_bad('name = "SQL"', 'name = "Won"'), "segments.enterprise.stages.2.name",
         "Input should be"),
        (TEXT + "\n[[[ broken", "(syntax)", "not valid TOML"),
        ('version = "x"\n' + TEXT, "version", "computed from the file content"),
    ],
)
def test_bad_model_is_rejected_with_key_and_reason(text: str, key: str, reason: str) -> None:
    with pytest.raises(ModelError) as info:
        parse_model(text, source="bad.toml")
    err = info.value
    assert err.file == "bad.toml"
    assert err.key == key
    assert reason in err.reason
    assert str(err).startswith(f"bad.toml: {key}: ") and "\n" not in str(err)


def test_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "nope.toml")


def test_model_round_trips_through_writer(tmp_path: Path) -> None:
    model = default_model()
    path = tmp_path / "copy.toml"
    path.write_text(dumps(model.model_dump(mode="json", exclude={"version"})), encoding="utf-8")
    again = load_model(path)
    assert again.model_dump(exclude={"version"}) == model.model_dump(exclude={"version"})
