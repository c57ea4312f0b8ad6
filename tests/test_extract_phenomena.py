"""Language phenomena, not fixture wording: new sentences per dimension, half of them traps.

Each positive case is a prospect line that a sales manager would want flagged (with the
dimension, and where it matters the type and polarity); each trap is a line that looks like
the phenomenon to a keyword tracker but is not evidence for that dimension. Names of tools and
people are invented so that no list of known vendors can carry the result.
"""

from __future__ import annotations

import datetime as dt

import pytest

from extractors import extract
from extractors.schema import Document, Participant, Signal, Utterance

DOC_DATE = dt.date(2026, 3, 2)
ANY = "*"


def prospect(line: str, kind: str = "call") -> list[Signal]:
    """Signals of one prospect turn in a two-person call (or chat)."""
    prefix = "Noor Haddad: "
    text = prefix + line + "\n"
    utt = Utterance(index=0, speaker="Noor Haddad", role="prospect", start=len(prefix),
                    end=len(prefix) + len(line), text=line)
    doc = Document(kind=kind, date=DOC_DATE, text=text, utterances=(utt,),
                   participants=(Participant(name="Noor Haddad", role="prospect"),))
    return extract(doc)


# (dimension, expected type or ANY, expected polarity or None, line)
POSITIVE: list[tuple[str, str, str | None, str]] = [
    # ---- need: pain stated as plain facts and costs
    ("need", "pain", "for", "Our quote turnaround is eleven days right now."),
    ("need", "pain", "for", "We lose about three renewals a quarter to slow follow-up."),
    ("need", "pain", "for", "It takes two analysts a full week to close the books."),
    ("need", "pain", "for", "Reps spend hours every Friday updating the forecast sheet."),
    ("need", "pain", "for", "Honestly we're flying blind on pipeline."),
    ("need", "pain", "for", "Customer churn jumped to nine percent this year."),
    ("need", "pain", "for", "The billing team keeps making errors on invoices."),
    ("need", "pain", "for", "We missed two filing deadlines in March."),
    ("need", "pain", "for", "There's a backlog of about 400 tickets in the queue."),
    ("need", "pain", "for", "Each audit cycle eats about two FTEs for a month."),
    ("need", "pain", "for", "No-shows cost us roughly forty slots a week."),
    ("need", "pain", "for", "By the time finance sees the report the numbers are stale."),
    ("need", "pain", "for", "We keep double-booking technicians."),
    ("need", "pain", "for", "Our win rate dropped from thirty to eighteen percent."),
    ("need", "pain", "for", "The examiners gave us a finding on weak documentation."),
    ("need", "pain", "for", "Nobody knows which contracts are about to lapse."),
    ("need", "pain", "for", "The front desk retypes every intake form by hand."),
    ("need", "pain", "for", "Shipments go out with the wrong labels about once a week."),
    ("need", "current_workflow", "for",
     "Today we keep the vendor list in a shared spreadsheet."),
    ("need", "current_workflow", "for", "Right now the schedule lives in one person's head."),
    ("need", "current_workflow", "for", "Orders come in by phone, text and email."),
    ("need", "current_workflow", "for",
     "We track renewals in a Google Sheet that three people edit."),
    ("need", "current_workflow", "for", "Our dispatchers juggle a whiteboard and a shared inbox."),
    ("need", "current_workflow", "for", "Onboarding is still paper packets mailed to head office."),
    ("need", "no_need", "against", "I'm just doing some research for a class project."),
    ("need", "no_need", "against", "I'm a grad student, this is for my thesis."),
    ("need", "no_need", "against", "Honestly we're fine with what we have today."),
    ("need", "no_need", "against", "We're just researching options, nothing planned."),
    # ---- competition: names not in any list
    ("competition", "incumbent", None, "We use Trackwise for approvals today."),
    ("competition", "incumbent", None, "We're on Fleetbase at the moment."),
    ("competition", "incumbent", None, "Currently using Rotaly for the staff schedule."),
    ("competition", "incumbent", None, "We're switching from Ledgerly next spring."),
    ("competition", "incumbent", None, "We're moving off Pipewise because it's too slow."),
    ("competition", "alternative", None, "We're also looking at Brindle."),
    ("competition", "alternative", None, "We're evaluating Quorra as well."),
    ("competition", "alternative", None, "Honestly we're comparing you with Stackhouse."),
    ("competition", "alternative", None, "We're also talking to Voxa about this."),
    ("competition", "chosen", "against", "We signed with Tallyo last week."),
    ("competition", "chosen", "against", "We went with Corvexa in the end."),
    ("competition", "chosen", "against", "We just renewed with Harbormetrics."),
    ("competition", "incumbent", None, "Our contract with Nimbly ends in June."),
    ("competition", "incumbent", None, "we use shiftly for rotas but it's clunky"),
    ("competition", "alternative", None, "we're also looking at gorvo tbh"),
    ("competition", "incumbent", None, "Our telematics provider is Roadlink."),
    ("competition", "alternative", None, "Helpdeskr quoted us a lower price."),
    ("competition", "alternative", None, "We had a demo with Payloom in February."),
    # ---- budget
    ("budget", "amount", "for", "We've got roughly 40 grand for this."),
    ("budget", "amount", "for", "The range we're thinking is 30 to 45k a year."),
    ("budget", "amount", "for", "Somewhere around twenty-five thousand a year works for us."),
    ("budget", "amount", "for", "We can spend about 1.2 million over three years."),
    ("budget", "amount", "for", "Under 150 pounds a month all in would be fine."),
    ("budget", "status", "for", "The money side is sorted."),
    ("budget", "status", "for", "Finance gave us the green light on Tuesday."),
    ("budget", "status", "for", "It's in next year's plan."),
    ("budget", "status", "for", "We have to go through a budget request first."),
    ("budget", "status", "against", "All budgets are frozen until the audit closes."),
    ("budget", "status", "against", "There's no spend until the new fiscal year."),
    ("budget", "source", "for", "It would come out of the security budget."),
    ("budget", "source", "for", "We'd pay for it from the operations budget."),
    ("budget", "pushback", "against", "That's pricey for a team our size."),
    ("budget", "pushback", "against", "It's more than we expected to pay."),
    ("budget", "pushback", "against", "Bit of sticker shock on our side when we saw the quote."),
    ("budget", "pushback", "against", "Your quote came in well above what we had in mind."),
    ("budget", "pushback", "against", "The other vendor came in about 30 percent cheaper."),
    ("budget", "status", "for", "The CFO approved the spend in December."),
    ("budget", "status", "for", "Funding is confirmed for this initiative."),
    # ---- authority
    ("authority", ANY, "for", "My boss has the final word on this."),
    ("authority", ANY, "for", "Priya signs off on anything over 10k."),
    ("authority", "approval_chain", "for", "This needs VP approval before we can sign."),
    ("authority", "committee", "for", "It goes to committee next month."),
    ("authority", "no_authority", "against", "I can recommend it, but the decision isn't mine."),
    ("authority", "economic_buyer", "for", "The cheque book is mine."),
    ("authority", "decision_maker", "for", "Picking the vendor is on me."),
    ("authority", "decision_maker", "for", "I own the vendor decision."),
    ("authority", "approval_chain", "for", "Our CFO has to approve anything over 25 thousand."),
    ("authority", "committee", "for", "I chair the committee that makes the call."),
    ("authority", "no_authority", "against", "I honestly couldn't tell you who would sign this."),
    ("authority", "economic_buyer", "for", "She's the one who signs the contracts."),
    ("authority", "economic_buyer", "for", "He holds the pen on vendor contracts."),
    ("authority", ANY, "for", "Anything over 20k goes to the board treasurer."),
    # ---- stakeholders: names with titles in many shapes
    ("stakeholder", ANY, None, "Dana (our CFO) will want to see the numbers."),
    ("stakeholder", ANY, None, "I'll bring in Raj from finance."),
    ("stakeholder", ANY, None, "Our head of IT, Marcus, runs the security review."),
    ("stakeholder", ANY, None, "our ops manager Lena handles the rollout"),
    ("stakeholder", ANY, None, "Talk to Wendell, he's our controller."),
    ("stakeholder", ANY, None, "Priya from procurement will send the paperwork."),
    # ---- timeline
    ("timeline", ANY, "for", "We need this running by the end of the year."),
    ("timeline", ANY, "for", "We want it in place before the summer."),
    ("timeline", "urgency", "for", "As soon as possible, honestly."),
    ("timeline", ANY, "for", "We need it live for the fall intake."),
    ("timeline", "compelling_event", "for", "Our contract renews in April."),
    ("timeline", "procurement", "for", "Legal takes about three weeks to review."),
    ("timeline", "procurement", "for", "Procurement needs three quotes for anything over 20k."),
    ("timeline", "compelling_event", "for", "The new warehouse opens on the first of July."),
    ("timeline", "compelling_event", "for", "Our fiscal year flips on May 1."),
    ("timeline", ANY, "for", "The regulator wants a remediation plan by September 30th."),
    ("timeline", "no_timeline", "against", "Nothing moves until after the August results."),
    ("timeline", "no_timeline", "against", "No rush on our side."),
    ("timeline", ANY, "for", "We'd like to sign this quarter."),
    ("timeline", ANY, "for", "The examiners are back in August."),
    # ---- next steps
    ("next_step", ANY, "for", "Let's get something on the calendar for next week."),
    ("next_step", ANY, "for", "Send me the deck and I'll take a look."),
    ("next_step", ANY, "for", "I'll loop in our IT lead."),
    ("next_step", ANY, "for", "Let's circle back next week."),
    ("next_step", ANY, "for", "I'll share this with the team on Monday."),
    ("next_step", ANY, "for", "Shoot me the proposal by Friday."),
    ("next_step", ANY, "for", "Let's reconvene after the board meeting."),
    ("next_step", ANY, "for", "I'll set up time with our CFO."),
]

# (dimension that must NOT fire with polarity "for" (or at all, when None), line)
TRAPS: list[tuple[str, str | None, str]] = [
    # ---- need
    ("need", None, "No problem, I can send that over."),
    ("need", None, "Sorry for the slow reply this week."),
    ("need", None, "I'm running late, be there in five."),
    ("need", None, "Our office is behind the train station."),
    ("need", None, "We had a great quarter, numbers are up."),
    ("need", None, "Our team of four handles about 200 accounts."),
    ("need", None, "The weather has been lovely."),
    ("need", None, "Thanks for the deck, the team loved it."),
    ("need", None, "We do not need an on-prem deployment."),
    ("need", None, "We store customer records, so encryption at rest matters."),
    ("need", None, "I lost my badge, so I'll dial in instead."),
    ("need", None, "Our process for vendors is fixed by the state."),
    ("need", None, "The price went up at the last renewal."),
    ("need", None, "Let me start with the problem we want to solve next year."),
    # ---- competition
    ("competition", None, "We use spreadsheets for everything."),
    ("competition", None, "We're on an in-house tool that one engineer built."),
    ("competition", None, "We use email and a shared drive."),
    ("competition", None, "We're looking at Q3 for the rollout."),
    ("competition", None, "We're looking at the pricing page now."),
    ("competition", None, "Currently using Excel and a lot of patience."),
    ("competition", None, "We're comparing notes internally next week."),
    ("competition", None, "We're on Monday calls with the board every week."),
    ("competition", None, "We use Google Workspace for email."),
    ("competition", None, "We signed with our bank for a new credit line."),
    ("competition", None, "We're evaluating January as a start date."),
    ("competition", None, "About a third of our patients prefer Spanish."),
    ("competition", None, "We're looking at Tuesday for the workshop."),
    ("competition", None, "I'm on leave from Friday."),
    # ---- budget
    ("budget", None, "We raised 20 million in our last round."),
    ("budget", None, "We have 40k customers across Europe."),
    ("budget", None, "Our revenue is about 12 million."),
    ("budget", None, "We process about $2M in claims a month."),
    ("budget", None, "Each empty slot costs us about 200 dollars."),
    ("budget", None, "We paid 2,000 in overtime last month."),
    ("budget", None, "Our average deal size is around 15k."),
    ("budget", None, "The fine could be up to 50k."),
    ("budget", None, "I set it aside last week, the reminder I mean."),
    ("budget", None, "We cannot afford another outage like that."),
    ("budget", None, "Every empty slot is roughly 220 dollars we don't bill."),
    ("budget", None, "We ship about 30k orders a month."),
    ("budget", None, "The request is in with IT for a new laptop."),
    # ---- authority
    ("authority", None, "I signed up for the newsletter."),
    ("authority", None, "Sign me up for the webinar."),
    ("authority", None, "Please sign the NDA and send it back."),
    ("authority", None, "Who signs off on purchases like this?"),
    ("authority", None, "Marta signed off on the security questionnaire already."),
    ("authority", None, "Every vendor signs our standard data privacy agreement."),
    ("authority", None, "We're deciding between pizza and sushi for lunch."),
    ("authority", None, "The committee votes monthly on all sorts of things."),
    # ---- stakeholder
    ("stakeholder", None, "Happy Friday everyone!"),
    ("stakeholder", None, "Boston was cold this week."),
    ("stakeholder", None, "We use Salesforce and Slack."),
    ("stakeholder", None, "Thanks again for the call on Monday."),
    ("stakeholder", None, "The weather in Denver is great."),
    # ---- timeline
    ("timeline", None, "I was on vacation in August."),
    ("timeline", None, "My birthday is in May."),
    ("timeline", None, "We founded the company in 2019."),
    ("timeline", None, "It takes me twenty minutes to drive in."),
    ("timeline", None, "Every quote takes us about two days to write."),
    ("timeline", None, "Our average shipment is in transit for two days."),
    ("timeline", None, "Quick update after two weeks live."),
    ("timeline", None, "Katrin is pushing back on price per seat."),
    ("timeline", None, "We have 22 agents, 35 in peak season."),
    ("timeline", None, "Month-end close takes us 12 days."),
    # ---- next step
    ("next_step", None, "We had a call with them last week."),
    ("next_step", None, "Thanks for the demo yesterday."),
    ("next_step", "for", "Please don't follow up, we're not interested."),
    ("next_step", None, "I'll be out of office next week."),
    ("next_step", None, "We meet every Monday for pipeline review."),
    ("next_step", None, "The team sends reports by hand every Friday."),
]


def test_the_tables_are_big_and_balanced() -> None:
    assert len(POSITIVE) + len(TRAPS) >= 150
    assert abs(len(POSITIVE) - len(TRAPS)) <= len(POSITIVE) // 2


@pytest.mark.parametrize(("dimension", "kind", "polarity", "line"), POSITIVE,
                         ids=[c[3][:40] for c in POSITIVE])
def test_phenomenon_is_found(dimension: str, kind: str, polarity: str | None, line: str) -> None:
    found = [s for s in prospect(line) if s.dimension == dimension]
    assert found, f"no {dimension} signal in: {line}"
    if kind != ANY:
        assert kind in {s.type for s in found}, [(s.type, s.value) for s in found]
    if polarity is not None:
        assert polarity in {s.polarity for s in found}


@pytest.mark.parametrize(("dimension", "polarity", "line"), TRAPS,
                         ids=[c[2][:40] for c in TRAPS])
def test_trap_does_not_fire(dimension: str, polarity: str | None, line: str) -> None:
    found = [s for s in prospect(line) if s.dimension == dimension]
    if polarity is not None:
        found = [s for s in found if s.polarity == polarity]
    assert not found, [(s.type, s.value, s.evidence.quote) for s in found]


COMPETITOR_NAMES = [
    ("We use Trackwise for approvals today.", "Trackwise"),
    ("We're moving off Pipewise because it's too slow.", "Pipewise"),
    ("We're evaluating Quorra as well.", "Quorra"),
    ("We went with Corvexa in the end.", "Corvexa"),
    ("Our contract with Nimbly ends in June.", "Nimbly"),
]


@pytest.mark.parametrize(("line", "name"), COMPETITOR_NAMES)
def test_unknown_vendor_name_is_the_value(line: str, name: str) -> None:
    found = [s for s in prospect(line) if s.dimension == "competition"]
    assert any(isinstance(s.value, dict) and s.value.get("name") == name for s in found)


def test_lowercase_vendor_in_a_chat_is_found() -> None:
    found = [s for s in prospect("we're on shiftly for rotas rn", kind="chat")
             if s.dimension == "competition"]
    assert found and found[0].value == {"name": "shiftly"}
