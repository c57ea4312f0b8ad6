"""Normalisers: money, relative dates against a fixed document date, security items."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors import extract
from extractors.dates import resolve_date
from extractors.money import normalize_money
from extractors.schema import Document, Utterance

REF = dt.date(2026, 3, 14)  # a Saturday in Q1

MONEY = [
    ("$50k", "", {"amount": 50000, "currency": "USD", "period": None}),
    ("50-75k", "", {"amount": 50000, "max": 75000, "currency": "USD"}),
    ("1.2M EUR", "", {"amount": 1200000, "currency": "EUR"}),
    ("six figures", "", {"amount": 100000, "max": 999999}),
    ("~40 grand", "", {"amount": 40000, "currency": "USD"}),
    ("£30,000", " a year for the team", {"amount": 30000, "currency": "GBP", "period": "year"}),
    ("$2,500/month", "", {"amount": 2500, "currency": "USD", "period": "month"}),
    ("$200-250k/yr", "", {"amount": 200000, "max": 250000, "period": "year"}),
    ("30 to 40k", "", {"amount": 30000, "max": 40000}),
    ("forty grand", "", {"amount": 40000}),
]


@pytest.mark.parametrize(("text", "after", "expected"), MONEY)
def test_money_normalizer(text: str, after: str, expected: dict) -> None:
    value = normalize_money(text, after)
    assert value is not None
    for key, want in expected.items():
        assert value.get(key) == want, (text, key, value)


DATES = [
    ("end of next quarter", "2026-06-30"),
    ("EOQ", "2026-03-31"),
    ("Q3", "2026-09-30"),
    ("Q1", "2026-03-31"),
    ("next fiscal year", "2027-01-01"),
    ("in six weeks", "2026-04-25"),
    ("end of May", "2026-05-31"),
    ("mid July", "2026-07-15"),
    ("March 27", "2026-03-27"),
    ("next Tuesday", "2026-03-17"),
    ("by Friday", "2026-03-20"),
    ("end of the year", "2026-12-31"),
    ("FY27", "2027-01-01"),
    ("EOQ2", "2026-06-30"),
    ("within two weeks", "2026-03-28"),
    ("January", "2027-01-31"),
    # spoken day numbers, and a weekday with a day of the month
    ("the eleventh of May", "2026-05-11"),
    ("the first of July", "2026-07-01"),
    ("thirty-first of August", "2026-08-31"),
    ("Thursday the 26th", "2026-03-26"),
    ("wed the twenty-second", "2026-04-22"),
    ("Thursday the 22nd", "2026-03-22"),  # no Thursday 22nd within 3 months: the next 22nd
]


@pytest.mark.parametrize(("phrase", "iso"), DATES)
def test_dates_resolve_against_document_date(phrase: str, iso: str) -> None:
    value = resolve_date(phrase, REF)
    assert value == {"date": iso, "phrase": phrase}


def test_unresolvable_date_gives_none_and_missing_reference_keeps_phrase() -> None:
    assert resolve_date("whenever the stars align", REF) is None
    assert resolve_date("Q3", None) == {"date": None, "phrase": "Q3"}


def _notes(line: str) -> Document:
    return Document(kind="notes", date=REF, text=line,
                    utterances=(Utterance(index=0, start=0, end=len(line), text=line),))


SECURITY = [
    ("needs SOC2 T2", "SOC 2 Type II"),
    ("they need SOC 2 Type 1", "SOC 2 Type I"),
    ("ISO27001 required", "ISO 27001"),
    ("HIPAA applies, BAA needed", "HIPAA"),
    ("must sign our data processing agreement", "DPA"),
    ("single sign-on via Okta is a must", "SSO"),
    ("SCIM provisioning required", "SCIM"),
    ("EU-only hosting required", "data residency"),
    ("security questionnaire (SIG Lite) to fill", "questionnaire"),
    ("wants our latest pen test report", "pen test"),
    ("vendor risk review takes 3 weeks", "vendor risk review"),
    ("has to run on-prem", "on-prem"),
    ("2FA for everyone", "MFA"),
    ("FedRAMP moderate needed", "FedRAMP"),
]


@pytest.mark.parametrize(("line", "item"), SECURITY)
def test_security_items_are_canonical(line: str, item: str) -> None:
    values = [s.value for s in extract(_notes(line)) if s.dimension == "security"]
    assert values and values[0] == item, (line, values)


def test_security_process_items_get_type_process() -> None:
    sigs = [s for s in extract(_notes("security questionnaire due; needs SSO"))
            if s.dimension == "security"]
    assert {(s.type, s.value) for s in sigs} == {("process", "questionnaire"),
                                                 ("requirement", "SSO")}


def test_budget_amount_in_a_document_is_normalised() -> None:
    sigs = extract(_notes("Budget $50-75k/yr approved"))
    amount = [s for s in sigs if s.type == "amount"]
    assert amount[0].value == {"amount": 50000, "currency": "USD", "period": "year",
                               "max": 75000}


def test_threshold_amounts_are_not_budget() -> None:
    sigs = extract(_notes("Anything over 100k needs board approval"))
    assert not [s for s in sigs if s.type == "amount"]
    assert [s for s in sigs if s.dimension == "authority"]


def test_target_date_resolved_from_document_date() -> None:
    sigs = [s for s in extract(_notes("go-live end of next quarter"))
            if s.dimension == "timeline"]
    assert sigs[0].value == {"date": "2026-06-30", "phrase": "end of next quarter"}
