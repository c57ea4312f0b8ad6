"""Rule files: validated on load, and a malformed file names the file, the line and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors import RulesError, get_pipeline, load_rules
from extractors.rules_io import RULES_DIR


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    return folder


def test_packaged_rules_load_and_ids_are_unique() -> None:
    rules = load_rules()
    ids = [r.id for r in (*rules.entities, *rules.context, *rules.signals)]
    assert len(ids) == len(set(ids))
    assert {r.dimension for r in rules.signals} >= {
        "budget", "authority", "timeline", "security", "need", "competition", "next_step"}
    assert {r.category for r in rules.context} >= {
        "negation", "hypothetical", "uncertainty", "past", "other_party"}


def _append(path: Path, text: str) -> int:
    """Append a block and return the line number where it starts."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\n" + text, encoding="utf-8")
    return before.count("\n") + 2


def test_bad_regex_names_file_line_and_problem(rules_copy: Path) -> None:
    line = _append(rules_copy / "signals.toml", (
        '[[rule]]\nid = "budget.broken"\ndimension = "budget"\ntype = "status"\n'
        "pattern = '''(unclosed'''\n"))
    with pytest.raises(RulesError) as err:
        load_rules(rules_copy)
    msg = str(err.value)
    assert f"signals.toml:{line}" in msg
    assert "pattern" in msg and "regular expression" in msg


def test_unknown_dimension_is_refused(rules_copy: Path) -> None:
    line = _append(rules_copy / "signals.toml", (
        '[[rule]]\nid = "mood.happy"\ndimension = "mood"\ntype = "x"\npattern = "happy"\n'))
    with pytest.raises(RulesError) as err:
        load_rules(rules_copy)
    assert f"signals.toml:{line}" in str(err.value) and "dimension" in str(err.value)


def test_duplicate_id_is_refused(rules_copy: Path) -> None:
    line = _append(rules_copy / "context.toml", (
        '[[cue]]\nid = "neg.forward"\ncategory = "negation"\npattern = "nope"\n'))
    with pytest.raises(RulesError) as err:
        load_rules(rules_copy)
    assert f"context.toml:{line}" in str(err.value) and "duplicate" in str(err.value)


def test_toml_syntax_error_has_a_line(rules_copy: Path) -> None:
    _append(rules_copy / "entities.toml", '[[entity]]\nid = "money.x\n')
    with pytest.raises(RulesError) as err:
        load_rules(rules_copy)
    assert "entities.toml:" in str(err.value) and "syntax" in str(err.value)


def test_rule_without_pattern_or_entity_is_refused(rules_copy: Path) -> None:
    _append(rules_copy / "signals.toml",
            '[[rule]]\nid = "need.empty"\ndimension = "need"\ntype = "pain"\n')
    with pytest.raises(RulesError, match="pattern"):
        load_rules(rules_copy)


def test_missing_file_is_a_clear_error(rules_copy: Path) -> None:
    (rules_copy / "signals.toml").unlink()
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(rules_copy)


def test_pipeline_is_built_once_and_falls_back_to_blank() -> None:
    nlp = get_pipeline()
    assert nlp is get_pipeline()
    assert nlp.pipe_names[-5:] == ["qualify_segment", "qualify_entities", "qualify_triggers",
                                   "qualify_people", "qualify_context"]
    fallback = get_pipeline("no_such_model_package")
    assert fallback.lang == "en" and "qualify_context" in fallback.pipe_names


def test_rule_ids_reach_the_evidence() -> None:
    from extractors import extract
    from extractors.schema import Document, Utterance

    text = "We have 80k approved for this."
    doc = Document(kind="notes", text=text,
                   utterances=(Utterance(index=0, start=0, end=len(text), text=text),))
    reasons = {r for s in extract(doc) for r in s.evidence.reasons}
    assert "rule:budget.amount.money" in reasons and "rule:budget.status.approved" in reasons
