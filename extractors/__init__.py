"""Pure NLP: text in, qualification signals with evidence out. Knows nothing of storage.

Public API:
    extract(document, *, nlp=None) -> list[Signal]
    get_pipeline(model=None) -> spacy.language.Language
    resolve_stakeholders(signals_by_document) -> list[Stakeholder]
    EXTRACTOR_VERSION, RulesError, Stakeholder

Names load lazily: importing `extractors.schema` (which every layer does) must not pull in
spaCy (and through it torch), so `qualify --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_EXPORTS = {
    "EXTRACTOR_NAME": "extractors.extract",
    "EXTRACTOR_VERSION": "extractors.extract",
    "extract": "extractors.extract",
    "get_pipeline": "extractors.pipeline",
    "RulesError": "extractors.rules_io",
    "load_rules": "extractors.rules_io",
    "Stakeholder": "extractors.stakeholders",
    "resolve_stakeholders": "extractors.stakeholders",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'extractors' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


class _Package(types.ModuleType):
    """Keeps `extractors.extract` the function: the submodule of the same name would otherwise
    replace it on the package when it is first imported (it stays in sys.modules)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "extract" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
