"""Stakeholder phrasing families: how buyers name and describe people, and look-alike traps.

Each positive line names a person on the buying side (or the speaker's own role) in a way the
people rules must read; each trap has a capitalised word, a paren or a "runs"/"I'm" that is not
a person. Names, places and products are invented for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from extractors import extract
from extractors.schema import Document, Participant, Signal, Utterance

DOC_DATE = dt.date(2026, 4, 14)
SPEAKER = "Ines Calloway"


def _doc(line: str, kind: str) -> Document:
    prefix = f"{SPEAKER}: "
    text = prefix + line + "\n"
    utt = Utterance(index=0, speaker=SPEAKER, role="prospect", start=len(prefix),
                    end=len(prefix) + len(line), text=line)
    return Document(kind=kind, date=DOC_DATE, text=text, utterances=(utt,),
                    participants=(Participant(name=SPEAKER, role="prospect"),))


def people(line: str, kind: str = "call") -> list[Signal]:
    """Stakeholder signals of one prospect turn."""
    return [s for s in extract(_doc(line, kind)) if s.dimension == "stakeholder"]


def named(line: str, kind: str = "call") -> set[str]:
    return {s.value.get("name") for s in people(line, kind) if s.value.get("name")}


# (line, expected name or None for a title-only / speaker mention, kind)
POSITIVE: list[tuple[str, str | None, str]] = [
    # appositive after a clause break: "NAME, our TITLE"
    ("We showed the mock-ups to Oriel Banks, our VP of Ops, last week.", "Oriel Banks", "call"),
    ("Tomasz, our team lead in Gdansk, wants to see the rota view.", "Tomasz", "call"),
    ("Anything signed goes past Wilma, our GC, first.", "Wilma", "call"),
    ("Ferdie Collins, our fleet safety manager, will ask about the app.", "Ferdie Collins",
     "call"),
    ("Brannagh Lowe, warehouse director", "Brannagh Lowe", "notes"),
    ("Kit Osman, our FD, approves anything over ten grand.", "Kit Osman", "call"),
    ("Ossian Reyes, our ops director, wants a say on rollout.", "Ossian Reyes", "call"),
    # a role noun in front of the name
    ("Please send the architecture notes to my platform lead, Yusuf.", "Yusuf", "call"),
    ("The diagrams went to our head of platform, Corin Walsh.", "Corin Walsh", "call"),
    ("our security bloke, Lorcan, will ask for the pen test", "Lorcan", "chat"),
    ("Mick Farrow, our IT contractor, checks every cloud vendor.", "Mick Farrow", "call"),
    ("Our IT is one fella called Ambrose, two days a week.", "Ambrose", "call"),
    # "NAME, who runs X" and progressive "NAME's running X"
    ("Delphine Ardent, who runs AP, flagged the duplicate invoices.", "Delphine Ardent", "call"),
    ("Quint Hallam, who runs our Benelux field team, will join.", "Quint Hallam", "call"),
    ("Pell, who manages our Leeds office, keeps asking about it.", "Pell", "call"),
    ("Saoirse's running onboarding now, so she'd own it day to day.", "Saoirse", "call"),
    ("Radek (cc'd), who runs legal ops, will own the rollout.", "Radek", "email"),
    ("Imelda here manages the front desks.", "Imelda", "call"),
    ("Greer runs the vendor security review.", "Greer", "notes"),
    ("Oskar in infra looks after our identity provider.", "Oskar", "call"),
    # notes shorthand "NAME = role"
    ("- Maribel = champion, very keen", "Maribel", "notes"),
    ("- Thaddeus = decision maker on tooling", "Thaddeus", "notes"),
    # surname particles and prefixes are part of the name
    ("Attendees: Liesbeth van Dijk (Head of Claims)", "Liesbeth van Dijk", "notes"),
    ("Attendees: Fergus MacAllister (Dir. Client Support)", "Fergus MacAllister", "notes"),
]

# the speaker's own role, or a bare title as the subject: a mention without a name
ROLE_ONLY: list[str] = [
    "I am heading HR for the whole group.",
    "I'm heading IT for the trust, so servers come through me.",
    "I chair the procurement committee.",
    "Yeah, COO, so I'm mostly here to ask about cost.",
    "CMO keeps asking for attribution reports.",
    "The new dashboards broke twice, CFO was not impressed.",
    "I'll run the evaluation and make the recommendation.",
]

# lines with nothing that names a person on the buying side
TRAPS: list[tuple[str, str]] = [
    ("- change freeze 20 Dec - 6 Jan (peak season)", "notes"),
    ("Shortlist is us vs. Klarbau (Stuttgart)", "notes"),
    ("- Personalrat (staff council) must be consulted", "notes"),
    ("Discovery call: Ormond Freight Forwarders (Perth, WA)", "notes"),
    ("Our contract with Tallyhub runs until 31 March.", "email"),
    ("Our sister site at Westholm runs Fleetlogic and loves it.", "call"),
    ("Quality will love that.", "call"),
    ("Policy says three quotes for anything over ten grand.", "call"),
    ("I'm a bit frazzled today, sorry.", "call"),
    ("I'm in the site office this morning.", "call"),
    ("I'm running on about four hours of sleep.", "call"),
    ("The train from Swindon was forty minutes late.", "call"),
    ("Come out to Brackley Downs on the ninth and we'll show you.", "call"),
    ("Our ops director left in January, so it's unclear who signs.", "call"),
    ("Greystone runs about 900 vans across the region.", "notes"),
]


@pytest.mark.parametrize(("line", "name", "kind"), POSITIVE)
def test_person_phrasing_is_found(line: str, name: str | None, kind: str) -> None:
    found = named(line, kind)
    assert name in found, f"{name!r} not found in {line!r}: {found}"


@pytest.mark.parametrize("line", ROLE_ONLY)
def test_role_without_name_is_found(line: str) -> None:
    assert people(line), f"no stakeholder in {line!r}"


@pytest.mark.parametrize(("line", "kind"), TRAPS)
def test_trap_is_not_a_person(line: str, kind: str) -> None:
    assert not people(line, kind), [(s.evidence.quote, s.value) for s in people(line, kind)]


def test_stance_against_in_an_appositive() -> None:
    found = people("Rowan Pike, who runs the depot, is dead against changing anything.")
    assert [s.polarity for s in found] == ["against"]


def test_notes_stance_without_a_verb() -> None:
    found = people("- Henrietta skeptical of yet another dashboard tool", "notes")
    assert found and found[0].value.get("name") == "Henrietta"
    assert found[0].polarity == "against"


def test_appositive_keeps_name_and_title_together() -> None:
    found = people("I took it to Carys Doyle, our head of finance, on Monday.")
    assert len(found) == 1
    assert found[0].value.get("name") == "Carys Doyle"
    assert found[0].value.get("title", "").lower() == "head of finance"
