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
    ("need", "pain", "for", "Invoices sit for weeks because no one checks the shared inbox."),
    ("need", "pain", "for", "Claims stall since nobody owns the handoff and it's always too late."),
    ("need", "no_need", "against", "I'm just doing some research for a class project."),
    ("need", "no_need", "against", "I'm a grad student, this is for my thesis."),
    ("need", "no_need", "against", "Honestly we're fine with what we have today."),
    ("need", "no_need", "against", "We're just researching options, nothing planned."),
    # ---- competition: names not in any list
    ("competition", "incumbent", None, "We use Trackwise for approvals today."),
    ("competition", "incumbent", None, "Our current vendor is Ostara, and it shows."),
    ("authority", "approval_chain", "for", "I would need to run it past my manager first."),
    ("next_step", "meeting", "for", "Let us pick this up again on the 14th."),
    ("competition", "alternative", None, "Finance would rather build it in-house."),
    ("competition", "alternative", None, "Our IT team could probably build something similar."),
    ("competition", "alternative", None, "Honestly Quillon looks stronger on reporting."),
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
    ("competition", ANY, None, 'Fleetwise is our current provider.'),
    ("competition", ANY, None, 'We got quotes from Ardent and Bluefin.'),
    ("competition", ANY, None, 'A rep from Corelink called me twice this week.'),
    ("competition", ANY, None, "We'd use it instead of Tallysheet."),
    ("competition", ANY, None, "We've had Workstream for about four years."),
    ("competition", ANY, None, 'We already pay for Notably.'),
    ("competition", ANY, None, 'We evaluated Brightfile in the spring.'),
    # ---- more shapes of the same phenomena (probe sentences)
    ("need", ANY, None, 'Our average handle time is 14 minutes per call.'),
    ("need", ANY, None, 'We lose two deals a month to faster competitors.'),
    ("need", ANY, None, 'It takes three people a week to reconcile the accounts.'),
    ("need", ANY, None, 'Reps spend hours on data entry.'),
    ("need", ANY, None, 'Everything is in spreadsheets.'),
    ("need", ANY, None, 'The whole process is manual.'),
    ("need", ANY, None, 'We have no visibility into what the field teams are doing.'),
    ("need", ANY, None, 'Churn is our biggest issue this year.'),
    ("need", ANY, None, 'We get a lot of errors in the shipping addresses.'),
    ("need", ANY, None, 'Renewals get missed all the time.'),
    ("need", ANY, None, 'The support backlog is out of control.'),
    ("need", ANY, None, 'Today we do the scheduling in Excel.'),
    ("need", ANY, None, 'Today approvals happen over email.'),
    ("need", ANY, None, 'Right now we copy the numbers from one system into another.'),
    ("need", ANY, None, "We've had three compliance incidents since January."),
    ("need", ANY, None, 'Our nurses spend half their shift on paperwork.'),
    ("need", ANY, None, 'Nobody trusts the forecast.'),
    ("need", ANY, None, "We can't tell which campaigns actually work."),
    ("need", ANY, None, "It's a really time-consuming process."),
    ("need", ANY, None, 'About 20 percent of our invoices get disputed.'),
    ("need", ANY, None, "We're paying people overtime just to keep up."),
    ("need", ANY, None, 'Customers wait up to a week for a reply.'),
    ("need", ANY, None, 'Every month-end we scramble to pull the numbers together.'),
    ("need", ANY, None, 'The data is scattered across five systems.'),
    ("need", ANY, None, 'Managers have no way to coach reps at scale.'),
    ("need", ANY, None, 'We rely on tribal knowledge.'),
    ("need", ANY, None, 'Our onboarding takes six weeks per hire.'),
    ("need", ANY, None, "We're growing fast and the current setup won't last."),
    ("need", ANY, None, 'Tickets bounce between teams for days.'),
    ("need", ANY, None, 'Our techs drive to the wrong site a few times a week.'),
    ("need", ANY, None, 'We had to hire two temps just to process claims.'),
    ("need", ANY, None, 'Audit prep eats up the whole quarter.'),
    ("need", ANY, None, "We don't know who is on site at any given time."),
    ("need", ANY, None, 'Currently each branch keeps its own list.'),
    ("need", ANY, None, 'At the moment the rota is a whiteboard in the kitchen.'),
    ("need", ANY, None, 'We process everything on paper and scan it later.'),
    ("need", ANY, None, 'The biggest headache is chasing signatures.'),
    ("need", ANY, None, 'We want to get rid of the double entry.'),
    ("need", ANY, None, 'We need a better way to track certifications.'),
    ("budget", ANY, None, "We've got about 60k earmarked for tooling this year."),
    ("budget", ANY, None, 'The budget is somewhere in the low six figures.'),
    ("budget", ANY, None, 'We were thinking something like 2,500 a month.'),
    ("budget", ANY, None, 'Our ceiling is 80 thousand.'),
    ("budget", ANY, None, 'We can probably stretch to 90k if the value is there.'),
    ("budget", ANY, None, 'I have around 12 grand left for the year.'),
    ("budget", ANY, None, 'The CFO already signed off on the budget.'),
    ("budget", ANY, None, 'The spend has been approved at the exec level.'),
    ("budget", ANY, None, 'Funding is in place.'),
    ("budget", ANY, None, 'We got budget for it in the new year.'),
    ("budget", ANY, None, "We'll need to put together a business case for finance."),
    ("budget", ANY, None, "We'd have to request it in the next planning cycle."),
    ("budget", ANY, None, "There's no budget for this right now."),
    ("budget", ANY, None, 'Spending is on hold until Q3.'),
    ("budget", ANY, None, 'Everything non-essential is frozen.'),
    ("budget", ANY, None, 'It comes out of the IT budget.'),
    ("budget", ANY, None, 'Marketing is funding this one.'),
    ("budget", ANY, None, 'The money would come from our innovation fund.'),
    ("budget", ANY, None, "Honestly it's out of our price range."),
    ("budget", ANY, None, 'We were hoping for something cheaper.'),
    ("budget", ANY, None, "That's a lot more than what we pay today."),
    ("budget", ANY, None, 'Your price is double what we pay now.'),
    ("budget", ANY, None, "We can't justify that spend for ten users."),
    ("budget", ANY, None, 'The cost is a concern for us.'),
    ("budget", ANY, None, "Budget isn't an issue."),
    ("authority", ANY, None, "I'm the one who signs."),
    ("authority", ANY, None, 'I make the call on tooling.'),
    ("authority", ANY, None, "Ultimately it's my decision."),
    ("authority", ANY, None, 'The final decision rests with our CEO.'),
    ("authority", ANY, None, 'Our COO has the last word.'),
    ("authority", ANY, None, "I'd have to get my director's blessing."),
    ("authority", ANY, None, 'My manager needs to approve it.'),
    ("authority", ANY, None, 'It has to go up to the VP.'),
    ("authority", ANY, None, 'Legal needs to sign off as well.'),
    ("authority", ANY, None, "I can champion it internally but I don't control the budget."),
    ("authority", ANY, None, "I'm not the decision maker, that's Ruth."),
    ("authority", ANY, None, 'The buying decision is made by a committee of four.'),
    ("authority", ANY, None, 'It will be a group decision with IT and finance.'),
    ("authority", ANY, None, 'The board has to approve anything over 100k.'),
    ("authority", ANY, None, 'Anything above 50k needs the CFO.'),
    ("authority", ANY, None, 'The owner signs all the checks.'),
    ("authority", ANY, None, 'I have signing authority up to 25k.'),
    ("authority", ANY, None, 'I run the budget for the whole team.'),
    ("authority", ANY, None, 'The decision is mine.'),
    ("authority", ANY, None, "She'll make the final call."),
    ("timeline", ANY, None, 'We need to be up and running by the end of the year.'),
    ("timeline", ANY, None, "We'd like to have something in place by Q2."),
    ("timeline", ANY, None, 'The goal is to go live in September.'),
    ("timeline", ANY, None, 'Our current contract expires at the end of June.'),
    ("timeline", ANY, None, 'Our license runs out in the spring.'),
    ("timeline", ANY, None, 'We have to be compliant by January 1st.'),
    ("timeline", ANY, None, 'The new regulation kicks in next year.'),
    ("timeline", ANY, None, "We're opening three new stores in the fall."),
    ("timeline", ANY, None, "We're hiring 40 reps in Q3."),
    ("timeline", ANY, None, "There's no hard deadline."),
    ("timeline", ANY, None, "It's not urgent, maybe next year."),
    ("timeline", ANY, None, 'This is a priority for this quarter.'),
    ("timeline", ANY, None, 'We need this yesterday.'),
    ("timeline", ANY, None, 'Legal review usually takes a month.'),
    ("timeline", ANY, None, 'Security review takes about six weeks here.'),
    ("timeline", ANY, None, 'Procurement is a two-month process.'),
    ("timeline", ANY, None, 'We need to decide by the end of the month.'),
    ("timeline", ANY, None, 'The board meets in March to sign off.'),
    ("timeline", ANY, None, 'Our busy season starts in October, so it has to be done before then.'),
    ("timeline", ANY, None, 'We want to roll it out after the summer.'),
    ("timeline", ANY, None, 'Before the audit in May would be ideal.'),
    ("stakeholder", ANY, None, 'Our CFO, Helen Park, will want to see this.'),
    ("stakeholder", ANY, None, "I'll need to bring in Tomasz, our security lead."),
    ("stakeholder", ANY, None, 'Marguerite runs IT for us.'),
    ("stakeholder", ANY, None, 'You should meet Ade from legal.'),
    ("stakeholder", ANY, None, 'my boss Kwame is the one to convince'),
    ("stakeholder", ANY, None, 'Our VP of Sales is Renata Ilic.'),
    ("stakeholder", ANY, None, 'Jonas Weber (procurement) will handle the contract.'),
    ("stakeholder", ANY, None, 'Our IT director wants SSO.'),
    ("stakeholder", ANY, None, 'Fatima on my team will run the pilot.'),
    ("competition", ANY, None, "We've been with Sendloop for about six years."),
    ("competition", ANY, None, 'Our Fieldnote contract is up in October.'),
    ("competition", ANY, None, 'Brightwell offers something similar for less.'),
    ("competition", ANY, None, "We're comparing you against Taskforge and Opsly."),
    ("competition", ANY, None, "Their pricing is cheaper than Marketpoint's."),
    ("competition", ANY, None, 'We looked at Gridwise, Pavlo and Tessera so far.'),
    ("competition", ANY, None, "We're thinking of switching to Clearpath."),
    ("competition", ANY, None, 'our whole team lives in trellio all day'),
    ("competition", ANY, None, 'Stackmate is also on our shortlist.'),
    ("competition", ANY, None, "We're currently with Lumenary for payroll."),
]

# (dimension that must NOT fire with polarity "for" (or at all, when None), line)
TRAPS: list[tuple[str, str | None, str]] = [
    # ---- need
    ("need", None, "No problem, I can send that over."),
    ("competition", None, "We build bridges for a living."),
    ("competition", None, "We are not going to build it ourselves."),
    # "better" about a quarter or our own product is not a competitor
    ("competition", None, "Q3 looks better for us than Q2 did."),
    ("competition", None, "The new version is better at search."),
    # not shopping around is good news for us, not a missing need
    ("need", "against", "We are not looking at anyone else right now."),
    ("need", "against", "Honestly we're not looking at other vendors."),
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
    # ---- more traps
    ("competition", None, "We've been with the company for six years."),
    ("competition", None, "We're thinking of switching to a four-day week."),
    ("competition", None, 'Our contract with the landlord ends in June.'),
    ("competition", None, "We're comparing notes with the finance team."),
    ("competition", None, 'We looked at the numbers together on Friday.'),
    ("competition", None, 'Our lease is up in October.'),
    ("competition", None, "I'm with Marketing, by the way."),
    ("competition", None, "We're moving to Denver next year."),
    ("need", None, "We're a team of twelve based in Leeds."),
    ("need", None, 'The demo was really clear, thanks.'),
    ("need", None, 'We keep you posted on the timing.'),
    ("need", None, "I'm happy to walk you through our setup."),
    ("need", None, "Sorry, I'm a few minutes late."),
    ("need", None, 'Our CEO spends a lot of time with customers, which is great.'),
    ("need", None, 'We hired two new account executives in March.'),
    ("need", None, 'Our security team will want the pen test report.'),
    ("need", None, 'The integration with our CRM needs to be solid.'),
    ("need", None, 'Business has been great, we grew forty percent.'),
    ("budget", None, 'We have 300 employees across four sites.'),
    ("budget", None, 'We handle about 1,200 shipments a month.'),
    ("budget", None, 'Our ticket volume is 9,000 a month.'),
    ("budget", None, "We've got 150 users on the old system."),
    ("budget", None, 'The fine print in the contract matters to us.'),
    ("budget", None, 'Parking downtown costs a fortune, by the way.'),
    ("budget", None, 'We run about 500 jobs a week.'),
    ("budget", None, 'We lost about 40k on that account.'),
    ("authority", None, 'I signed the guest book on the way in.'),
    ("authority", None, 'The committee is meeting monthly about the office move.'),
    ("authority", None, 'My manager is on holiday this week.'),
    ("authority", None, "I'll sign it and send it back today."),
    ("authority", None, 'Nobody knows who owns the old server room.'),
    ("timeline", None, 'We opened our first office in 2015.'),
    ("timeline", None, 'Our annual party is in December.'),
    ("timeline", None, 'I started here in January.'),
    ("timeline", None, 'It took two weeks to get my laptop.'),
    ("timeline", None, 'The summer interns were great this year.'),
    ("timeline", None, "Our kids' school starts in September."),
    ("stakeholder", None, 'Salesforce and HubSpot both came up.'),
    ("stakeholder", None, 'March was a busy month for us.'),
    ("stakeholder", None, 'Great talking with you today.'),
    ("next_step", None, 'We send invoices by email every month.'),
    ("next_step", None, 'I sent them the deck last week.'),
    ("next_step", None, 'Our reps share notes in Slack every day.'),
    ("next_step", None, 'The team will review candidates every Monday.'),
    # ---- everyday talk that only looks like a signal
    ("competition", None, 'A rep from our bank called about the loan.'),
    ("competition", None, 'We pay our staff every two weeks.'),
    ("competition", None, 'We already have a process for that.'),
    ("competition", None, "Let's do email instead of a meeting."),
    ("competition", None, 'We got quotes from three contractors for the roof.'),
    ("competition", None, 'The fridge is our main supplier of snacks, ha.'),
    ("need", None, 'Our team loves the new office.'),
    ("need", None, 'I joined the company two years ago as an analyst.'),
    ("need", None, 'Can you tell me more about your roadmap?'),
    ("need", None, "The kids have been sick all week, so I'm a bit slow today."),
    ("need", None, "We're growing about twenty percent a year."),
    ("need", None, 'Our customers are mostly in the Midwest.'),
    ("need", None, "I'll forward you the errors page from your docs, just a typo."),
    ("need", None, 'Thanks for being patient with the scheduling.'),
    ("need", None, 'We close the books in five days, which is fine.'),
    ("need", None, 'The office is closed on Monday for the holiday.'),
    ("need", None, 'The weekly review is on Thursdays.'),
    ("need", None, 'We have twelve people in the support team.'),
    ("need", None, 'The board meeting went well.'),
    ("need", None, 'Our product ships to forty countries.'),
    ("need", None, "I'm the operations manager for the north region."),
    ("need", None, 'We moved into a bigger warehouse last spring.'),
    ("need", None, 'Please send the invoice to accounts payable.'),
    ("need", None, "We're on the east coast, so mornings work best."),
    ("need", None, 'Happy to share our org chart.'),
    ("budget", None, 'We have about 250 staff.'),
    ("budget", None, 'Our fleet is 120 trucks.'),
    ("budget", None, 'We grew revenue to 30 million last year.'),
    ("budget", None, 'We did 4,000 orders a month at peak.'),
    ("budget", None, 'The team handles 800 tickets a week.'),
    ("budget", None, 'We have 3 million members.'),
    ("budget", None, 'Our average order is about 60 dollars.'),
    ("budget", None, "We're a 50 million dollar company."),
    ("budget", None, "It's a 200-bed hospital."),
    ("budget", None, 'The project was approved by the architecture board.'),
    ("budget", None, 'Our seed round closed in May.'),
    ("budget", None, "I'd rather not spend the whole call on logistics."),
    ("budget", None, 'Each technician makes about 30 visits a month.'),
    ("budget", None, 'The building is 40,000 square feet.'),
    ("budget", None, 'Our ARR is about 8 million.'),
    ("authority", None, 'I decided to take the train today.'),
    ("authority", None, 'The CEO announced the reorg last week.'),
    ("authority", None, 'Who would be the right person to talk to about billing?'),
    ("authority", None, 'We approve timesheets every Friday.'),
    ("authority", None, 'My manager is great, very supportive.'),
    ("authority", None, 'Our board has seven members.'),
    ("authority", None, 'The committee for the holiday party meets Tuesday.'),
    ("authority", None, 'I make the coffee around here, ha.'),
    ("authority", None, 'He signs his emails with just his initials.'),
    ("authority", None, 'She decides what goes on the lunch menu.'),
    ("authority", None, 'We decided to paint the office blue.'),
    ("authority", None, "I can't decide between the two hotels for the offsite."),
    ("timeline", None, 'Our office moved in 2021.'),
    ("timeline", None, 'The conference was in April.'),
    ("timeline", None, 'I was out sick last Tuesday.'),
    ("timeline", None, 'We have a team lunch on Friday.'),
    ("timeline", None, 'The weather in May is usually nice here.'),
    ("timeline", None, 'My commute takes about forty minutes.'),
    ("timeline", None, "We've been in business for thirty years."),
    ("timeline", None, 'Our founder retired in 2019.'),
    ("timeline", None, 'My vacation is in July.'),
    ("timeline", None, 'We got the new coffee machine in March.'),
    ("timeline", None, 'Payroll runs every two weeks.'),
    ("timeline", None, 'We hold a town hall every quarter.'),
    ("stakeholder", None, 'The weather has been lovely.'),
    ("stakeholder", None, 'Our offices are in Austin and Boston.'),
    ("stakeholder", None, 'We use Slack and Zoom every day.'),
    ("stakeholder", None, 'The meeting was moved to Thursday.'),
    ("stakeholder", None, 'Thanks, talk soon.'),
    ("stakeholder", None, 'Happy New Year to you too.'),
    ("competition", None, 'We use paper forms for intake.'),
    ("competition", None, "We're evaluating our options."),
    ("competition", None, 'We signed with the union last year.'),
    ("competition", None, 'Currently using a spreadsheet and a lot of patience.'),
    ("competition", None, "We're looking at a four-day work week."),
    ("competition", None, 'We looked at the data together.'),
    ("competition", None, "We're talking to our lawyers about the lease."),
    ("competition", None, 'We went with the blue logo in the end.'),
    ("competition", None, "We're switching to a new office in May."),
    ("competition", None, "We're comparing two internal options."),
    ("competition", None, 'Our team lives in email all day.'),
    ("competition", None, "We're on a call with the board right after this."),
    ("competition", None, "We're still with the same accountant."),
    ("competition", None, 'We renewed our office lease for two years.'),
    ("competition", None, "We're moving to Chicago next year."),
    ("next_step", None, 'We had a kickoff last month.'),
    ("next_step", None, 'The team meets every Tuesday.'),
    ("next_step", None, "I'll be on vacation next week."),
    ("next_step", None, 'Our weekly sync is on Mondays.'),
    ("next_step", None, 'I sent the questionnaire back yesterday.'),
    ("next_step", None, 'We book meetings through Calendly internally.'),
    ("next_step", None, 'The last call was really useful.'),
    ("next_step", None, 'Our reps send follow-ups by hand.'),
    ("next_step", None, 'We review the pipeline every Monday.'),
    ("next_step", None, "I'll be honest, the demo felt long."),
    ("security", None, 'We had a great holiday party.'),
    ("security", None, 'The team is based in Dublin.'),
    ("security", None, 'Our CFO loves spreadsheets.'),
    ("need", None, "I'm just checking the time zone for our call."),
    ("need", None, 'We have four offices in the region.'),
    ("budget", None, 'We have 20 people in sales and 40 in ops.'),
    ("authority", None, 'The board game night is on Friday.'),
    ("timeline", None, 'Our fiscal year is the calendar year, nothing special.'),
    ("next_step", None, 'Thanks for sending the deck yesterday.'),
    ("competition", None, 'We moved off the old building last year.'),
    ("stakeholder", None, 'Lisbon was lovely in the spring.'),
    ("need", None, "Our NPS is 62, which we're proud of."),
    ("budget", None, 'We hire about 100 seasonal staff each year.'),
    ("timeline", None, 'The last audit was in March and went fine.'),
    ("authority", None, "We're deciding where to go for lunch."),
    ("next_step", None, "We'll see how the quarter goes."),
    ("need", None, 'Everything is running smoothly on the ops side.'),
]


def test_the_tables_are_big_and_balanced() -> None:
    assert len(POSITIVE) + len(TRAPS) >= 150
    assert abs(len(POSITIVE) - len(TRAPS)) <= len(POSITIVE) // 2


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


def test_the_first_character_shortcut_finds_exactly_the_same_matches() -> None:
    """The speed gate on rule patterns must never change what a rule matches."""
    import re

    from extractors.rules_io import _lowered, default_rules, lower_same_length

    text = "\n".join(c[3] for c in POSITIVE) + "\n" + "\n".join(c[2] for c in TRAPS)
    lowered = lower_same_length(text)
    assert lowered is not None
    rules = default_rules()
    checked = 0
    for rule in (*rules.signals, *rules.entities):
        if not rule.pattern or rule.case_sensitive:
            continue
        fast = _lowered(rule.pattern)
        assert fast is not None
        plain = re.compile(rule.pattern, re.IGNORECASE)
        assert [m.span() for m in fast.finditer(lowered)] == [
            m.span() for m in plain.finditer(text)], rule.id
        checked += 1
    assert checked > 40


def test_he_is_our_cfo_belongs_to_the_person_just_named() -> None:
    from extractors import resolve_stakeholders

    found = prospect("My boss, Henrik Dahl, has the final word, he is our CFO.")
    people = resolve_stakeholders([[s for s in found if s.dimension == "stakeholder"]])
    assert [(p.name, p.title, p.buying_role) for p in people] == [
        ("Henrik Dahl", "CFO", "economic_buyer")
    ]


def test_he_with_two_people_named_stays_a_bare_title() -> None:
    found = prospect("Nadia Rahman and Tom Becker joined, and she is our CFO.")
    titled = [s.value for s in found if s.dimension == "stakeholder" and s.value.get("title")]
    assert titled and all("name" not in v for v in titled), titled


# 0.6.0 families: pain as time/cost/risk/workarounds, money folded into programmes, pushback
# that carries its own negation, approvals to spelled-out titles, incumbents at end of life.
FAMILIES_060: list[tuple[str, str, str | None, str]] = [
    ("need", "pain", "for", "The planners burn about three days a month rebuilding the rota."),
    ("need", "pain", "for", "Our couriers miss collections at least twice a week."),
    ("need", "pain", "for", "We end up reissuing half the certificates by hand."),
    ("need", "pain", "for", "The grocer put us on formal notice about late deliveries."),
    ("need", "pain", "for", "Only Bertrand knows how to restart the label printer."),
    ("need", "pain", "for", "Nobody in the office can edit the old quoting tool."),
    ("need", "pain", "for", "Our accounts team re-keys every remittance into the ledger."),
    ("need", "current_workflow", "for", "Stock counts are kept on a laminated sheet by the door."),
    ("budget", "source", "for", "The licences got folded into the wider estates programme."),
    ("budget", "source", "for", "The cost sits in the facilities team's operating plan."),
    ("budget", "pushback", "against", "We can't justify another subscription this year."),
    ("budget", "pushback", "against", "We can't afford that."),
    ("budget", "pushback", "against", "Our treasurer hates multi-year contracts."),
    ("budget", "status", "for", "The trustees signed off the spend in February."),
    ("authority", "approval_chain", "for", "It goes to our chief financial officer after that."),
    ("competition", "incumbent", "for", "They've told us the current version is end of life."),
    ("competition", "alternative", "neutral", "Quorvex is the one we're seriously weighing."),
    ("need", "pain", "for", "We lose about one in four applicants before the interview."),
    ("need", "pain", "for", "On a busy week that's six hundred parcels."),
    ("authority", "economic_buyer", "for", "The bursar makes the award after the panel."),
]

TRAPS_060: list[tuple[str, str | None, str]] = [
    ("need", None, "If we ended up re-keying everything we'd be in trouble."),
    ("need", None, "Do your drivers miss pickups?"),
    ("need", None, "I'll spend two days next week on the onboarding with you."),
    ("competition", None, "If your product went end of life we'd have to move."),
    ("budget", "against", "Honestly the price is not too expensive."),
    ("need", None, "What are the wait times for your support team?"),
]


# 0.6.5-0.6.10 families, from the unseen-wording rounds: money kept aside and pushed back on
# in other words and currencies, signing limits, residency for any country, identity providers,
# pain said as volumes/findings/outages, rivals brought in or disliked.
FAMILIES_065: list[tuple[str, str, str | None, str]] = [
    ("budget", "status", "for", "We've squirrelled away about twelve lakhs for a tool like this."),
    ("budget", "status", "against", "Honestly the cupboard is bare until April."),
    ("budget", "pushback", "against", "That per-site pricing felt steep to our finance lead."),
    ("budget", "amount", "against", "Your 90k licence fee is on the higher side for us."),
    ("authority", "decision_maker", "for", "I can sign anything up to forty grand myself."),
    ("authority", "approval_chain", "for", "I can't sign anything over twenty thousand."),
    ("authority", "economic_buyer", "for", "Priya holds the purse strings for software."),
    ("authority", "decision_maker", "for", "Marek owns the vendor decision on this one."),
    ("security", "requirement", "for", "Customer records have to stay in New Zealand."),
    ("security", "requirement", "for", "Patient files can't leave Ireland, that's the law."),
    ("security", "requirement", "for", "It has to plug straight into Okta for our staff."),
    ("security", "requirement", "for", "Starters and leavers need to provision automatically."),
    ("need", "pain", "for", "Our auditors flagged the approval trail as a weakness."),
    ("need", "pain", "for", "The booking site was down four hours on Saturday."),
    ("need", "pain", "for", "Two of our best planners quit over the rota chaos."),
    ("need", "pain", "for", "Month-end close eats roughly two days of my week."),
    ("need", "current_workflow", "for", "We push through about 3,000 invoices a month."),
    ("competition", "alternative", "neutral", "We had Tallyfold in last Tuesday for a look."),
    ("competition", "alternative", "for", "Honestly I'm not keen on Quorvane at all."),
    ("competition", "incumbent", "for", "Brindlebox drives me up the wall most days."),
    ("competition", "chosen", "against", "Our Leeds office already signed up to Paxwell."),
    ("timeline", "compelling_event", "for", "Their licence auto-renews on the 30th of June."),
    ("timeline", "no_timeline", "against", "The reporting piece can wait, that's a 2028 problem."),
    ("next_step", "meeting", "against", "Let's skip the pricing call for now."),
]

TRAPS_065: list[tuple[str, str | None, str]] = [
    ("budget", None, "Anything over fifty lakhs goes to the board for approval."),
    ("budget", None, "We wrote off about nine grand of spoiled stock."),
    ("security", None, "Our US parent runs everything under SOC 2."),
    ("competition", None, "Our sister hospital uses a tool called Wardly."),
    ("need", None, "Apologies for the slow reply this week."),
    ("next_step", None, "We've a demo with Tallyfold on Thursday as well."),
]


# 0.6.11 families: workflow said through its channel or medium, pain said as a worsening metric
# or a miss rate, rivals said loosely, picks and signing limits, budgets sanctioned or still to
# clear, pushback as idiom, steps that eat weeks, a day that "works", residency on any soil.
FAMILIES_0611: list[tuple[str, str, str | None, str]] = [
    ("need", "current_workflow", "for", "All our supplier queries land in one shared mailbox."),
    ("need", "current_workflow", "for", "It's one giant workbook with a tab per warehouse."),
    ("need", "current_workflow", "for", "Offer letters get printed, signed and scanned back."),
    ("need", "current_workflow", "for", "Coordinators flip back and forth between three systems."),
    ("need", "current_workflow", "for", "Payroll is me plus one contractor on Thursdays."),
    ("need", ANY, "for", "We field about 9,000 enquiries a month on the phones."),
    ("need", "pain", "for", "Our CSAT slid from 88 to 71 over the winter."),
    ("need", "pain", "for", "Claims keep falling through the cracks between teams."),
    ("need", "pain", "for", "Quote requests sit in the inbox for a fortnight."),
    ("need", "pain", "for", "The month-end pack takes her three full days."),
    ("need", "pain", "for", "We miss roughly one in four inbound calls at lunch."),
    ("need", "pain", "for", "The old scheduler just can't cope with split shifts."),
    ("competition", "alternative", "neutral", "Marrowline are sniffing around our ops team."),
    ("competition", "alternative", "against", "Our COO has taken a shine to Tessaway."),
    ("competition", "incumbent", "for", "Honestly nobody will miss the old Quantix install."),
    ("competition", "incumbent", "against", "The depots stay on Hollerway for now."),
    ("authority", "decision_maker", "for", "At the end of the day Ines picks the platform."),
    ("authority", "economic_buyer", "for", "Final approval will sit with our managing director."),
    ("authority", "approval_chain", "for", "This needs the trustees to sign off before we commit."),
    ("budget", "status", "for", "Fourteen lakhs has been sanctioned by the board."),
    ("budget", "status", "for", "The number still has to clear finance next week."),
    ("budget", "pushback", "against", "Those per-user fees made my eyes water, frankly."),
    ("timeline", "procurement", "for", "Vendor onboarding usually eats three to four weeks."),
    ("timeline", "compelling_event", "for", "Our current licence rolls over on the 1st of March."),
    ("next_step", "meeting", "for", "Wednesday the ninth works, any time after lunch."),
    ("security", "requirement", "for", "Candidate data has to stay on Canadian soil."),
    # 0.6.12
    ("competition", "alternative", "neutral", "We saw Plumbline last week, slick demo."),
    ("competition", "alternative", "neutral", "Finance wants a second quote from Ostervale."),
    ("competition", "alternative", "neutral", "Corvina has quoted us much lower, to be fair."),
    ("authority", "decision_maker", "for", "In a tie our chair has the casting vote."),
    ("authority", "economic_buyer", "for", "Rhea is the one who signs the order form."),
    ("authority", "economic_buyer", "for", "Final signature is with our managing partner."),
    ("authority", "approval_chain", "for", "Nothing moves until the COO has given it the nod."),
    ("budget", "status", "against", "For this fiscal year the pot is completely empty."),
    ("budget", "pushback", "against", "Honestly the onboarding fee is the sticking point."),
    ("timeline", "procurement", "for", "The committee next sits on the 9th of June."),
    ("timeline", "compelling_event", "for", "Our ISO recert is the week of 14 September."),
    ("need", "pain", "for", "Freight costs overshot budget by nearly a fifth."),
    ("need", "pain", "for", "We're sitting on about nine hundred unpaid invoices."),
    ("need", "current_workflow", "for", "Engineers log faults on paper slips at the line."),
    # 0.6.13
    ("competition", "incumbent", "neutral", "Tillory, our current booking tool, renews in May."),
    ("competition", "incumbent", "for", "Honestly the finance team are well and truly over it."),
    ("competition", "incumbent", "for", "Their reporting module is rubbish, to be blunt."),
    ("competition", "alternative", "neutral", "Our COO keeps banging on about Rostervale."),
    ("competition", "alternative", "against", "Our CFO prefers Ledgerbrook, if I'm honest."),
    ("need", "pain", "for", "Cart abandonment is sitting at about seventy percent."),
    ("need", "pain", "for", "We're leaving thirty grand a month on the table."),
    ("need", "current_workflow", "for", "Dispatch forwards the jobs to drivers by text."),
    # 0.6.14
    ("next_step", "meeting", "for", "Tuesday the 16th, half ten, at your office?"),
    ("next_step", "commitment", "for", "I'll dig out last year's overtime report for you."),
    ("timeline", "compelling_event", "for", "Our external audit is in September."),
    ("authority", "approval_chain", "for", "Anything over forty thousand lands on her desk."),
    ("budget", "status", "for", "The trustees ok'd it at Tuesday's meeting."),
    ("budget", "status", "for", "The money is pencilled into the 2027 budget."),
    ("need", "pain", "for", "Roughly four grand of stock goes in the bin weekly."),
    ("need", "current_workflow", "for", "Each of our clinics keeps its own waiting list."),
    # 0.6.15
    ("next_step", "meeting", "for", "How about fri 3pm GMT?"),
    ("authority", "approval_chain", "for", "Any contract above ten lakh also needs our MD."),
    ("authority", ANY, "for", "I can sign it off myself up to twenty grand."),
    ("authority", "economic_buyer", "for", "Signer = Odile Marchand, our CFO."),
    ("budget", "status", "against", "Honestly Q3 is frozen for any new software."),
    ("budget", "pushback", "against", "That's a bit rich for a team of six."),
    ("competition", "alternative", "neutral", "We're also in discussions with Pallaton."),
    ("security", "requirement", "for", "Hosting must be in the EU for us."),
    ("need", "pain", "for", "We keep sending the wrong orders out to stores."),
]

TRAPS_0611: list[tuple[str, str | None, str]] = [
    ("need", None, "Sorry, the heating's out again and I'm frozen."),
    ("need", None, "Honestly that's not our problem, the landlord sorts it."),
    ("competition", None, "We tried Quantix for a bit back in 2023."),
    ("competition", None, "Our vendor questionnaire has to be filled in first."),
    ("next_step", None, "I'll bring Maria from payroll along."),
    ("next_step", None, "Group IT will send over their usual questionnaire."),
    ("competition", None, "Our scans can't leave Australia, the regulator is clear."),
    ("competition", None, "We had a go with Quantix about five years back."),
    ("timeline", None, "Everything has to sit on servers in the UK."),
    ("competition", None, "We're leaving a lot of money on the table there."),
    ("competition", None, "We looked at Quantix the year before last."),
    ("budget", None, "Ostrava came in cheaper, to be fair to them."),
    ("timeline", None, "We are in the middle of a reorg and nobody has time."),
    ("next_step", None, "Did the call on Tuesday go ahead in the end?"),
    ("budget", None, "Any PO above five lakh also needs our CFO to countersign."),
    # 0.6.16
    ("security", None, "Marguerite okayed it and the final sig is hers."),
]


def _cases_found() -> list[tuple[str, str, str | None, str]]:
    return [*POSITIVE, *FAMILIES_060, *FAMILIES_065, *FAMILIES_0611]


def _cases_trap() -> list[tuple[str, str | None, str]]:
    return [*TRAPS, *TRAPS_060, *TRAPS_065, *TRAPS_0611]


@pytest.mark.parametrize(("dimension", "kind", "polarity", "line"), _cases_found(),
                         ids=[c[3][:40] for c in _cases_found()])
def test_phenomenon_is_found(dimension: str, kind: str, polarity: str | None, line: str) -> None:
    found = [s for s in prospect(line) if s.dimension == dimension]
    assert found, f"no {dimension} signal in: {line}"
    assert any((kind == ANY or s.type == kind) and (polarity is None or s.polarity == polarity)
               for s in found), [(s.type, s.polarity, s.value) for s in found]


@pytest.mark.parametrize(("dimension", "polarity", "line"), _cases_trap(),
                         ids=[c[2][:40] for c in _cases_trap()])
def test_trap_does_not_fire(dimension: str, polarity: str | None, line: str) -> None:
    found = [s for s in prospect(line) if s.dimension == dimension
             and (polarity is None or s.polarity == polarity)]
    assert not found, [(s.type, s.value, s.evidence.quote) for s in found]


def test_the_anchored_scan_finds_exactly_the_same_matches() -> None:
    """On long texts rules run only where their literal starts occur: same spans as finditer,
    for every rule, and the case-sensitive skip-ahead keeps the plain pattern's matches."""
    import re

    from extractors.rules_io import (
        _SCAN_ANCHORS,
        _anchored_finditer,
        _anchors,
        _compiled,
        _lowered,
        default_rules,
        lower_same_length,
    )

    lines = [c[3] for c in _cases_found()] + [c[2] for c in _cases_trap()]
    text = "\n".join(lines)
    lowered = lower_same_length(text)
    assert lowered is not None
    rules = default_rules()
    anchored = 0
    for rule in (*rules.signals, *rules.entities):
        if not rule.pattern:
            continue
        if rule.case_sensitive:
            assert [m.span() for m in _compiled(rule.pattern, True).finditer(text)] == [
                m.span() for m in re.compile(rule.pattern).finditer(text)], rule.id
            continue
        fast = _lowered(rule.pattern)
        assert fast is not None
        starts = _anchors(fast.pattern, _SCAN_ANCHORS)
        if starts is None:
            continue
        assert [m.span() for m in _anchored_finditer(fast, lowered, starts)] == [
            m.span() for m in fast.finditer(lowered)], rule.id
        anchored += 1
    assert anchored > 30


def test_values_are_normalised_the_way_the_words_mean_them() -> None:
    """Lakh in rupees, a document's only currency for bare amounts, day-first dotted dates,
    US holidays, and a pushed-back price as one fact (the amount, against)."""
    def first(line: str, dimension: str, kind: str) -> Signal:
        return next(s for s in prospect(line) if s.dimension == dimension and s.type == kind)

    assert first("We've set aside eighteen lakh for this.", "budget", "amount").value == {
        "amount": 1_800_000, "currency": "INR", "period": None}
    assert first("About 30k a year, all in EUR.", "budget", "amount").value["currency"] == "EUR"
    assert first("We need it live by 31.05.2026.", "timeline", "target_date").value["date"] == (
        "2026-05-31")
    assert first("We want it running by Labor Day.", "timeline", "target_date").value["date"] == (
        "2026-09-07")
    found = prospect("Your 90k licence fee is on the higher side for us.")
    budget = [(s.type, s.polarity) for s in found if s.dimension == "budget"]
    assert budget == [("amount", "against")], budget


def test_a_vendor_named_earlier_is_a_complaint_when_it_is_complained_about() -> None:
    line = ("We use Brackenlog for dispatch. Honestly the Brackenlog mobile app keeps crashing "
            "on the drivers.")
    comp = [s for s in prospect(line) if s.dimension == "competition"]
    assert comp and all(s.value == {"name": "Brackenlog"} for s in comp), comp
    assert "for" in {s.polarity for s in comp}
