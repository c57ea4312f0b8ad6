"""Resolve people across a lead's documents: "Dana", "Dana Ortiz" and "our CFO" are one.

Merging needs textual support: a mention that carries both a name and a title ("Dana Ortiz,
our CFO") links that title to that name; a first name links to the one full name it starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from extractors.schema import Signal


class Stakeholder(BaseModel):
    """One person on the buying side, with every mention that refers to them."""

    key: str
    name: str | None = None
    title: str | None = None
    department: str | None = None
    buying_role: str | None = None
    stance: str = "neutral"
    present: bool = False
    mentions: list[tuple[Any, int, int]] = Field(default_factory=list)


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _items(
    signals_by_document: Mapping[Any, Sequence[Signal]] | Sequence[Sequence[Signal]],
) -> Iterable[tuple[Any, Signal]]:
    pairs = (
        signals_by_document.items()
        if isinstance(signals_by_document, Mapping)
        else enumerate(signals_by_document)
    )
    for doc_key, signals in pairs:
        for sig in signals:
            if sig.dimension == "stakeholder" and isinstance(sig.value, dict):
                yield doc_key, sig


def resolve_stakeholders(
    signals_by_document: Mapping[Any, Sequence[Signal]] | Sequence[Sequence[Signal]],
) -> list[Stakeholder]:
    """People across documents (a mapping doc id -> signals, or a list in document order)."""
    items = list(_items(signals_by_document))
    full_names = {_norm(s.value.get("name")) for _, s in items if " " in _norm(s.value.get("name"))}
    title_to_name: dict[str, set[str]] = {}
    for _, sig in items:
        name, title = _norm(sig.value.get("name")), _norm(sig.value.get("title"))
        if name and title:
            title_to_name.setdefault(title, set()).add(name)

    def canonical_name(name: str) -> str:
        if " " in name or not name:
            return name
        matches = [f for f in full_names if f.split()[0] == name]
        return matches[0] if len(matches) == 1 else name

    # a title links to a name only when exactly one name was ever given that title
    title_link = {
        t: canonical_name(next(iter(ns)))
        for t, ns in title_to_name.items()
        if len({canonical_name(n) for n in ns}) == 1
    }
    people: dict[str, Stakeholder] = {}
    for doc_key, sig in items:
        value = sig.value
        name = canonical_name(_norm(value.get("name")))
        title = _norm(value.get("title"))
        key = name or title_link.get(title) or (f"title:{title}" if title else "")
        if not key:
            continue
        person = people.get(key)
        if person is None:
            person = people[key] = Stakeholder(key=key)
        display = value.get("name")
        if display and (person.name is None or len(display) > len(person.name)):
            person.name = display
        if value.get("title") and (
            person.title is None or (person.department is None and value.get("department"))
        ):
            person.title = value["title"]  # "CFO" (finance) says more than "boss"
        person.department = person.department or value.get("department")
        role = value.get("buying_role")
        if role == "blocker":
            person.buying_role, person.stance = "blocker", "negative"
        elif role and person.buying_role in (None, "champion"):
            person.buying_role = role
            if role == "champion" and person.stance == "neutral":
                person.stance = "positive"
        person.present = person.present or sig.evidence.role == "prospect" and (
            "self" in " ".join(sig.evidence.reasons)
        )
        person.mentions.append((doc_key, sig.evidence.start, sig.evidence.end))
    return sorted(people.values(), key=lambda p: (-len(p.mentions), p.key))
