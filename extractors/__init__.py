"""Pure NLP: text in, qualification signals with evidence out. Knows nothing of storage.

Public API:
    extract(document, *, nlp=None) -> list[Signal]
    get_pipeline(model=None) -> spacy.language.Language
    resolve_stakeholders(signals_by_document) -> list[Stakeholder]
    EXTRACTOR_VERSION, RulesError, Stakeholder
"""

from extractors.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract
from extractors.pipeline import get_pipeline
from extractors.rules_io import RulesError, load_rules
from extractors.stakeholders import Stakeholder, resolve_stakeholders

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "RulesError",
    "Stakeholder",
    "extract",
    "get_pipeline",
    "load_rules",
    "resolve_stakeholders",
]
