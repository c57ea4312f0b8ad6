"""People on the buying side: names, titles, departments and buying roles in a clause.

Names are found only where the text supports them (next to a title, after "loop in", or a
known participant of the document), because capitalised words in sales talk are mostly tools,
months and sentence starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = r"(?:Mc|Mac|O')?[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
# "Marloes de Vries", "Joost van Dam", "Shauna MacLeod": surname particles and prefixes
_PARTICLE = r"(?:(?:de|van|von|der|den|da|das|dos|del|della|di|du|la|le|ter|ten|bin|al)\s){1,2}"
NAME = rf"{_WORD}(?:\s(?:[A-Z]\.|{_PARTICLE}{_WORD}|{_WORD}))?"
_NAME_RE = re.compile(rf"^{NAME}$")
STOP_NAMES = frozenset({
    "I", "We", "You", "They", "He", "She", "It", "The", "Our", "My", "Your", "Their", "His",
    "Data", "Files", "Records",
    "Her", "Hi", "Hey", "Hello", "Thanks", "Thank", "Yes", "Yeah", "Yep", "No", "Nope", "Ok",
    "OK", "Okay", "So", "And", "But", "Also", "Sure", "Great", "Sounds", "Good", "Perfect",
    "Cool", "Right", "Well", "Oh", "Ah", "Um", "Uh", "Just", "Let", "Lets", "Can", "Could",
    "Would", "Will", "Should", "Do", "Does", "Did", "Is", "Are", "Was", "Were", "Have", "Has",
    "What", "When", "Where", "Who", "Why", "How", "Which", "That", "This", "These", "Those",
    "There", "Here", "If", "Then", "Now", "Today", "Tomorrow", "Yesterday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Q1", "Q2", "Q3", "Q4", "CRM", "SOC", "ISO", "AI", "API", "EU", "US", "UK", "USA", "SSO",
    "SAML", "SCIM", "MFA", "HIPAA", "GDPR", "CEO", "CFO", "CTO", "CIO", "CISO", "COO", "VP",
    "SVP", "EVP", "IT", "HR", "Finance", "Legal", "Procurement", "Security", "Sales",
    "Marketing", "Engineering", "Ops", "Operations", "Team", "Board", "Slack", "Zoom", "Teams",
    "Google", "Microsoft", "Excel", "Sheets", "Email", "Gmail", "Outlook", "LinkedIn", "Best",
    "Regards", "Cheers", "Kind", "Sent", "Re", "Fwd", "Note", "Notes", "Budget", "Timeline",
    "Authority", "Need", "Next", "Steps", "Step", "Action", "Items", "Call", "Meeting", "Demo",
    "Agenda", "Summary", "Attendees", "Speaker", "Rep", "Prospect", "Customer", "Company", "Inc",
    "LLC", "Ltd", "Corp", "Mr", "Ms", "Mrs", "Dr", "Sir", "Madam", "Dear", "Fine", "Not",
    "Maybe", "Honestly", "Actually", "Basically", "Totally", "Absolutely", "Definitely",
    "Probably", "Anyway", "Alright", "All", "Any", "Some", "Most", "Everyone", "Nobody",
    "Somebody", "Someone", "Everybody", "Everything", "Anything", "Nothing", "Something",
    "Anyone", "Anybody", "Each", "Every", "Both", "Either", "Neither", "Responses", "Compliance",
    "Please", "Sorry", "Again", "Still", "Even", "Only", "Sadly", "Frankly", "Obviously", "One",
    "Two", "Three", "Four", "Five", "Six", "Seven", "Eight",
    "Nine", "Ten", "Head", "Director", "Manager", "Lead", "Chief", "Officer", "President",
    "Vice", "Senior", "Junior", "Principal", "Controller", "Founder", "Owner", "Partner",
    "Counsel", "Engineer", "Architect", "Analyst", "Admin", "Europe", "America", "Canada",
    "Germany", "London", "Paris", "Berlin", "New", "York", "Boston", "Chicago", "Austin",
    "Texas", "California", "Christmas", "Thanksgiving", "Easter", "FY", "Eoq", "Eoy",
})
# capitalised words that start a clause but name no person: months, functions, numbers
_NOT_PEOPLE = frozenset({
    "Me", "Us", "Him", "Them", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
    "Oct", "Nov", "Dec", "Quality", "Facilities", "Policy", "Payroll", "Accounts", "Infra",
    "Treasury", "Audit", "Tax", "Support", "Product", "Logistics", "Management", "Leadership",
    "Exec", "Insurance", "Money", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy",
    "Eighty", "Ninety", "Hundred", "Eleven", "Twelve", "Fifteen", "Half",
})
TITLE_ROLE = [
    (re.compile(r"\b(?:CFO|finance|controller|comptroller|treasur)", re.I), "economic_buyer"),
    (re.compile(r"\b(?:CEO|COO|president|founder|owner|managing director|GM|general manager)"
                r"\b", re.I), "economic_buyer"),
    (re.compile(r"\b(?:CISO|security|infosec|cyber|compliance|risk|privacy|DPO)\b", re.I),
     "security_reviewer"),
    (re.compile(r"\b(?:procurement|purchasing|sourcing|buyer|vendor management)\b", re.I),
     "procurement"),
    (re.compile(r"\b(?:legal|counsel|lawyer|attorney)\b", re.I), "legal"),
    (re.compile(r"\b(?:CTO|CIO|IT|engineer\w*|architect|platform|infrastructure|data|"
                r"sysadmin|admin|developer|dev)\b", re.I), "technical_evaluator"),
    (re.compile(r"\b(?:rep|reps|SDR|AE|user|users|analyst|coordinator|agent)s?\b", re.I),
     "end_user"),
    (re.compile(r"\b(?:VP|head|director|manager|lead|CRO|CMO|RevOps|operations|ops)\b",
                re.I), "champion"),
]
DEPARTMENTS = [
    (re.compile(r"\b(?:CFO|finance|controller)\b", re.I), "finance"),
    (re.compile(r"\b(?:CISO|security|infosec|cyber)\b", re.I), "security"),
    (re.compile(r"\b(?:procurement|purchasing|sourcing)\b", re.I), "procurement"),
    (re.compile(r"\b(?:legal|counsel)\b", re.I), "legal"),
    (re.compile(r"\b(?:CTO|CIO|IT|engineering|platform|infrastructure)\b", re.I), "IT"),
    (re.compile(r"\b(?:RevOps|revenue operations|sales ops)\b", re.I), "revops"),
    (re.compile(r"\b(?:CRO|sales)\b", re.I), "sales"),
    (re.compile(r"\b(?:CMO|marketing)\b", re.I), "marketing"),
    (re.compile(r"\b(?:COO|operations|ops)\b", re.I), "operations"),
    (re.compile(r"\b(?:HR|people|CHRO)\b", re.I), "HR"),
    (re.compile(r"\b(?:compliance|risk)\b", re.I), "compliance"),
]
BLOCKER = re.compile(
    r"\b(?:skeptic\w*|against (?:it|this|the idea)|opposed|pushing back|push(?:es)? back|"
    r"not (?:a fan|convinced|sold|on board|thrilled)|hates?|blocker|blocking|resist\w*|"
    r"dead (?:set )?against|sceptic\w*|the one to worry about|win (?:him |her |them )?over|"
    r"won'?t (?:approve|sign|support)|doesn'?t (?:like|want|see the value))\b",
    re.I,
)
CHAMPION = re.compile(
    r"\b(?:champion\w*|excited|loves?|big fan|on board|pushing for|advocat\w+|sold on|"
    r"really wants|bought in)\b",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    """A person mention: where, who, what they do."""

    start: int
    end: int
    rule_id: str
    name: str | None
    title: str | None
    is_speaker: bool = False


def looks_like_name(text: str, tools: frozenset[str]) -> bool:
    """A capitalised one- or two-word name that is not a stop word or a tool."""
    if not _NAME_RE.match(text):
        return False
    parts = text.split()
    if parts[0] in _NOT_PEOPLE or parts[0].split("-")[0] in _NOT_PEOPLE:
        return False
    if parts[0].split("'")[0] in STOP_NAMES:
        return False  # "We're", "They'll", "It's"
    return parts[0] not in STOP_NAMES and text.lower() not in tools and parts[0].lower() not in (
        tools
    ) and not (len(parts) > 1 and parts[1] in STOP_NAMES)


def buying_role(title: str | None, clause: str) -> str | None:
    """Buying role from a title, with stance words deciding blocker or champion."""
    if BLOCKER.search(clause):
        return "blocker"
    if title:
        for pattern, role in TITLE_ROLE:
            if pattern.search(title):
                return role
    if CHAMPION.search(clause):
        return "champion"
    return None


def department(title: str | None) -> str | None:
    """Department implied by a title ("VP Finance" -> finance)."""
    if not title:
        return None
    for pattern, dept in DEPARTMENTS:
        if pattern.search(title):
            return dept
    return None


_PRONOUN_SUBJECT = re.compile(r"\b(?:he|she)(?:'s|\s+is|\s+was)\s+(?:the\s+|our\s+|their\s+)+"
                              r"(?:new\s+|interim\s+|acting\s+)?$", re.I)
_DET = re.compile(r"(?:\b(?:our|my|the|their|his|her|your|she'?s|he'?s|she is|he is)\s+"
                  r"(?:the\s+|our\s+)?(?:new\s+|interim\s+|acting\s+)?)$",
                  re.I)
_LEFT_NAME = re.compile(rf"({NAME})(?:,\s*|\s+\(|'s\s+|\s*=\s*|\s+(?:is|as|who is|who's)\s+)"
                        rf"(?:our\s+|the\s+|my\s+)?(?:(?i:finance|it|hr|ops|operations|sales|marketing|"
                        rf"security|legal|procurement|engineering|data|people|clinical|"
                        rf"commercial|hse|safety|quality|compliance|risk|site|plant)\s+)?$")
_RIGHT_NAME = re.compile(rf"^(?:,\s*|\s+\(|\s+(?:is|was|=|-|–)\s+|:\s*|\s+)"
                         rf"(?:(?:Dr|Mr|Mrs|Ms|Prof|Professor|Sir|Dame|Cllr|Councillor)\.?\s+)?({NAME})")
_VERB_NAME = re.compile(
    rf"(?i:\b(?:loop(?:ing|ed)? in|bring(?:ing)? in|cc(?:'d|ed|ing)?|includ(?:e|ing)|"
    rf"check(?:ing)? with|talk(?:ed|ing)? to|spoke (?:to|with)|speak(?:ing)? (?:to|with)|"
    rf"run (?:it|this|that) (?:by|past)|introduce you to|intro(?:duce)? you to|connect you "
    rf"with|ask(?:ed)?|and|with|from|to|by|me and|meet(?:ing)? with|forward(?:ed)? (?:it|this) "
    rf"to)\s)({NAME})\b(?!\.\w)"
)
_VERB_AFTER = re.compile(
    r"^\s+(?:is|was|will|would|wants|needs|signs|owns|runs|leads|manages|handles|heads|"
    r"approves|decides|has|had|said|says|thinks|mentioned|asked|can|should|must|and I|from|"
    r"on|in|at|\(|,)\b",
)
# "come out to Acacia Ridge on the 19th", "back from Noosa on Monday": a place, not a person
_PLACE_AFTER = re.compile(r"^\s+(?:on|in|at)\b")
_SELF = re.compile(
    rf"(?i:\b(?:i'?m|i am|this is|my name is|name'?s))\s({NAME})\b|"
    r"(?i:\b(?:i'?m|i am|i run|i lead|i head(?: up)?|i own|i manage|i look after|i oversee)\s"
    r"(?:the\s|our\s|a\s|an\s)?)(?=\S)"
)


_PAREN_AFTER = re.compile(rf"\b({NAME})\s\(((?:[A-Za-z][\w.&/ -]{{1,40}}))(?:,[^)]{{0,40}})?\)")
_OUR_SIDE = frozenset({"us", "we", "ours", "our side", "our team", "me", "rep", "ae", "sdr"})
_NAME_TEAM = re.compile(
    rf"\b({NAME})'s\s(?:team|group|org|department|people|budget|call|sign-?off)\b"
)
_NAME_SAYS = re.compile(
    rf"\b({NAME})\s(?:said|says|sent|mentioned|asked|wants|thinks|signs|approves|is going to|"
    r"will|needs|owns|decides|chairs|handles|looks after|can do|has to|agreed|prefers|likes|hates)"
    rf"\b|\b({NAME})(?:'s|\sis|\swas)?\s(?:a bit |very |quite |pretty |really |still |not )?"
    r"(?:skeptical|sceptical|lukewarm|wary|cautious|keen|excited|worried|nervous|on board|"
    r"pushing|dead (?:set )?against|sold|convinced)\b"
    rf"|\b({NAME})(?:'s|\sis)\sthe one\s(?:to|who|you|that)\b"
)
_PAREN_BEFORE = re.compile(
    rf"(?i:\b(legal|infosec|info ?sec|security|it security|procurement|purchasing|finance|it|"
    rf"hr|ops|operations|compliance|sales|marketing|engineering|data)\s\((?:that'?s\s)?)"
    rf"({NAME})\)"
)
_NAME_DEPT = re.compile(
    rf"\b({NAME})\s(?:in|from|on|at|=)\s(?:the\s|our\s)?((?i:legal|infosec|it security|security|"
    rf"procurement|purchasing|finance|IT|HR|operations|compliance|engineering|the data team|"
    rf"data team|admin|my team|our team|the team|my side|our side|payroll|accounts payable|"
    rf"facilities|ops|quality|risk|internal audit|audit|sales|marketing|support|"
    rf"customer success|the board|treasury|tax|infra|infrastructure|devops|accounts|"
    rf"the warehouse|warehouse|dispatch|maintenance))\b"
)
_NAME_RUNS = re.compile(
    rf"\b({NAME})(?:,\s(?:she|he)(?:'s|\sis)?|,\s(?:who|that)(?:'s|\sis|\salso)?|"
    rf"\s\((?:cc'?d|in cc|copied|on cc)\),?(?:\swho(?:'s|\sis)?)?|\s(?:here|now|also))?"
    rf"(?:\s(?:runs|leads|heads(?: up)?|manages|chairs|oversees|looks after|"
    rf"will be (?:the|our)|is (?:the|our))|(?:'s|\sis)\s(?:running|heading(?: up)?|leading|"
    rf"managing|in charge of|responsible for))"
    rf"\s((?:(?:the|our)\s)?(?:[\w&-]+\s?){{1,4}}?)"
    rf"(?=[,.;!?]|\s(?:and|at|for|so|on|who|but|across|in|out|from|with|here|now|at)\b|$)"
)
_PRONOUN_RUNS = re.compile(
    r"(?i:\b(?:he|she)\s(?:also\s|basically\s|really\s)?(runs|leads|heads(?: up)?|manages|chairs|"
    r"oversees|looks after|is in charge of|is responsible for))\s"
    r"(?:the\s|our\s)?([\w&-]+(?:\s[\w&-]+){0,3}?)(?=[,.;!?]|\s(?:and|at|for|so|on|who|but|here)\b|$)"
)
_THING_NOT_ROLE = re.compile(
    r"(?i)\b(?:platform|system|tool|software|provider|vendor|crm|erp|app|database|solution|"
    r"product|module|portal)s?\b"
)
_ROLE_HEAD = re.compile(r"(?i)^(?:the\s|our\s)?(?:head|vp|director|chief|lead|manager)\b|"
                        r"\b(?:lead|manager|engineer\w*|head|director|owner|admin|team)$")


def _is_thing(title: str) -> bool:
    """ "our broking platform", "the vendor portal": a thing, unless a role heads the title
    ("head of platform", "platform lead", "the vendor security review")."""
    title = title.strip()
    return bool(re.search(_THING_NOT_ROLE.pattern + r"\W*$", title)) and not _ROLE_HEAD.search(
        title)


_NOT_A_ROLE = re.compile(
    r"(?i)\b(?:evaluation|rollout|decision|decision maker|sponsor|student|project|process|"
    r"everything|it all|the lot|parka|coat|hurry|rush|meeting|out|late|over|warden|"
    r"tool|one|call|budget|same|only|best|recommendation|place)\b"
)
_SELF_ROLE = re.compile(
    r"(?i:\b(?:i'?m|i am)\s(?:still\s|now\s|also\s)?(?:the|in|our|a|an)\s|\bi\s(?:lead|run|"
    r"manage|head(?: up)?|own|oversee|look after|coordinate|handle|chair)\s(?:the\s|our\s)?|"
    r"\b(?:i'?m|i am)\s(?:now\s|also\s|currently\s)?(?:heading(?: up)?|leading|running|"
    r"managing|chairing)\s(?:the\s|our\s)?)"
    r"((?:[\w&-]+\s?){1,5}?)(?=[,.;!?]|\s(?:at|for|so|and|here|team)\b|$)"
    r"|(?i:\b(?:i'?m|i am)\s(?:still\s|now\s|also\s|currently\s)?)((?:[\w&-]+\s){0,2}"
    r"(?:director|manager|head|lead|superintendent|coordinator|officer|chief|vp|owner|founder|"
    r"co-founder|controller|administrator|admin|analyst|engineer|counsel|treasurer|supervisor|"
    r"principal)(?:\s(?:of|for)\s(?:the\s)?[\w&-]+)?)\b"
)


_NAME_EQ = re.compile(
    rf"(?:^|(?<=[-*•]\s))({NAME})\s?=\s?((?:[\w'&/+-]+\s?){{1,4}}?)"
    r"(?=[,;.(]|\s(?:on|for|will|and|but|of|in)\b|$)"
)
_BUYING_WORD = re.compile(
    r"(?i)\b(?:champ\w*|decision[- ]maker|eb|economic buyer|signer|sponsor|approver|blocker|"
    r"influencer|gatekeeper|coach|(?:main |primary )?(?:contact|poc)|evaluator|day-to-day|"
    r"owner|user)\b"
)
_DEPT_ONE_PERSON = re.compile(
    rf"(?i:\b(IT|HR|finance|security|infosec|procurement|payroll|accounts|legal|ops)\s(?:is|=)\s"
    rf"(?:just\s|basically\s|really\s)?(?:one|a|an)\s(?:[\w-]+\s)?(?:guy|bloke|chap|person|lady|"
    rf"woman|man|fella|contractor|consultant)(?:,|\s(?:named|called)))\s({NAME})"
)
_SELF_EVAL = re.compile(
    r"(?i)\bi(?:'ll|\swill|'m|\sam)?\s(?:run|running|lead|leading|drive|driving)\s"
    r"(?:the\s|this\s)?(?:evaluation|eval)\b"
)
_DEPARTED = re.compile(r"\s+(?:has\s+|had\s+|just\s+|recently\s+)?(?:left|quit|retired|resigned|"
                       r"departed|moved on)\b", re.I)
_ROLE_WORD = re.compile(
    r"(?i)\b(?:director|manager|mgr|head|lead|superintendent|coordinator|officer|chief|vp|"
    r"owner|founder|co-?founder|controller|admin\w*|analyst|engineer|counsel|treasurer|"
    r"supervisor|principal|partner|department|dept|team|guy|person|buyer|champion|sponsor|"
    r"signer|approver|decision|user|specialist|consultant|contractor|accountant|clerk|"
    r"assistant|president|chair\w*|provost|registrar|bursar|nurse|matron|ops|operations|"
    r"finance|legal|procurement|purchasing|security|infosec|compliance|it|hr|payroll|"
    r"engineering|marketing|sales|revops|support|facilities|risk|audit|data)\b"
)


def _role_words(text: str) -> bool:
    """Whether a phrase names a job or a function, not a feeling or a place."""
    return bool(_ROLE_WORD.search(text))


_PAREN_ROLE = re.compile(
    r"(?i)\b(?:head|lead|director|dir|mgr|manager|officer|owner|founder|co-?founder|admin\w*|"
    r"analyst|engineer|architect|controller|counsel|chair\w*|champ\w*|sponsor|signer|buyer|"
    r"users?|supervisor|superintendent|coordinator|president|partner|principal|treasurer|boss|"
    r"contractor|consultant|specialist|assistant|accountant|clerk|proprietor|eb|"
    r"cc'?d?|in cc|copied|on (?:the )?call|joined\w*|dept|department|"
    r"gesch\w+f\w+hrer\w*|leiter\w*|gerente|diret\w+|directeur|responsable|jefe)\b"
    r"|\b(?:C[A-Z]{1,3}O|S?VP|EVP|GM|MD|FD|GC|DPO|HR|IT|SRE|QA|CX|AP)\b"
)
_PAREN_NOT_PERSON = re.compile(
    r"(?i)\b(?:gmbh|ltd|inc|llc|plc|company|customers?|clients?|region|vendors?|competitors?|"
    r"not relevant|subsidiary|sister)\b"
)


def _paren_is_role(inside: str) -> bool:
    """ "Vikram (Practice Head)", "Suresh (in cc)" describe a person; "Beschaffix (Munich)",
    "Jan (peak trading)", "Betriebsrat (works council)" describe a place, time or body."""
    return bool(_PAREN_ROLE.search(inside) or any(p.search(inside) for p, _ in TITLE_ROLE)) \
        and not _PAREN_NOT_PERSON.search(inside)


_RUNS_NOT_ROLE = re.compile(
    r"^(?:until|till|through|to|from|about|around|out|over|at|on|in|for|up|down|into|"
    r"it|them|this|that|these|those|late|smoothly|fine)\b|\d|"
    r"\b(?:entity|company|problem|issue|reason|bottleneck|contract)\b")
_DEPT_WORD = re.compile(
    r"^(?:Finance|Sales|Marketing|Legal|Ops|Operations|Engineering|Procurement|Security|"
    r"Compliance|Payroll|Support|Product|Data|Platform|Infrastructure|Risk|Quality|Facilities|"
    r"Accounts|Treasury|Audit|People|Customer|InfoSec|DevOps|RevOps|SecOps|FinOps)\b")


def _runs_a_role(role: str) -> bool:
    """ "runs AP", "runs our DACH field team" are roles; "runs until 30 June", "runs Shift for
    fraud scoring" (a product), "runs about 1.400 trucks" are not."""
    role = role.strip()
    if _NOT_A_ROLE.search(role) or _RUNS_NOT_ROLE.search(role):
        return False
    first = role.split()[0] if role.split() else ""
    # a capitalised product or place right after the verb is not a role
    return not (first[:1].isupper() and not first.isupper() and not _DEPT_WORD.match(first))


_NAME_COMMA_END = re.compile(rf"(?:^|[\s(])({NAME}),\s*$")
_LOOSE_HEAD = (r"director|manager|mgr|lead|officer|supervisor|coordinator|controller|"
               r"superintendent|head|guy|bloke|chap|contractor")
_INFORMAL = re.compile(r"(?:guy|bloke|chap|contractor)$")
_NOT_MODIFIER = (r"(?:the|our|my|a|an|their|his|her|your|its|to|with|and|or|of|for|is|was|as|"
                 r"at|in|on|by|from|new|interim|acting|former|that|this|who|which|be|been|"
                 r"one|any|no|every|each|some|project|account|general|funeral|film|music|main|"
                 r"stage|game|art|creative|content|program|programme|product)\b")
_LOOSE_TITLE = re.compile(
    rf"\b((?:(?!{_NOT_MODIFIER})(?:[a-z][a-z&-]*|[A-Z]{{2,4}})\s){{0,2}}(?:{_LOOSE_HEAD})|GC|FD)"
    rf"\b(?![-'])"
)
_BARE_TITLE_START = re.compile(r"^\W*(?:(?:yes|yep|yeah|yup|well|so|and|but|oh|right|ok|okay)"
                               r"\W+)*$", re.I)
_BARE_TITLE_STANCE = re.compile(
    r"^\s+(?:was|is|wants|wanted|will|would|won'?t|has|had|needs|said|says|signs|keeps|thinks|"
    r"asked|insists|likes|hates|loves|isn'?t|wasn'?t|doesn'?t|didn'?t|reckons|signed|approved)"
    r"\b")
_SELF_TITLE_AFTER = re.compile(
    r"^(?:,\s*(?:yes|yep|yeah|indeed|correct|so\b|for my sins|that'?s me|here)|\s+by title|"
    r"\s+here\b)", re.I)


def _loose_alone_ok(title: str, left: str) -> bool:
    """A loose title stands alone ("our safety manager will want a look") only with a
    qualifier, said by the buyer about their own side, and not as the speaker's own role."""
    return (len(title.split()) > 1 and not title.endswith("head") and not _INFORMAL.search(title)
            and not re.search(r"(?i)\byour\s+$", left)
            and not re.search(r"(?i)\b(?:i'?m|i am)\b[\w\s]{0,16}$", left))


def _loose_titles(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Lower-case role phrases the entity rules leave out ("our safety manager", "team lead",
    "logistics director", "our GC"): used only next to a name or a determiner."""
    out = []
    for match in _LOOSE_TITLE.finditer(text, start, end):
        out.append((match.start(1), match.end(1), match.group(1)))
    return out


def find_mentions(
    text: str,
    start: int,
    end: int,
    titles: list[tuple[int, int, str]],
    known_names: frozenset[str],
    tools: frozenset[str],
    earlier: Sequence[Mention] = (),
) -> list[Mention]:
    """Person mentions inside text[start:end]; `titles` are TITLE entity spans (absolute);
    `earlier`: people named before this clause in the same sentence."""
    out: list[Mention] = []
    used: list[tuple[int, int]] = []

    def add(m: Mention) -> None:
        if any(m.start < b and a < m.end for a, b in used):
            return
        if m.title and _is_thing(m.title):
            return  # "Acturis is our broking platform" names software, not a person
        if _DEPARTED.match(text, m.end):
            return  # "our ops director left in November": no longer on the buying side
        used.append((m.start, m.end))
        out.append(m)

    # title with a name next to it, or with a determiner ("our CFO")
    here = [t for t in titles if start <= t[0] and t[1] <= end]
    loose = [t for t in _loose_titles(text, start, end)
             if not any(t[0] < b and a < t[1] for a, b, _ in here)]
    here += loose
    for t_start, t_end, title in sorted(here):
        left = text[max(start, t_start - 40) : t_start]
        right = text[t_end : min(end, t_end + 40)]
        lm = _LEFT_NAME.search(left)
        rm = _RIGHT_NAME.match(right)
        det = _DET.search(left)
        self_intro = re.search(
            r"(?i:\b(?:i'?m|i am|i run|i lead|i head(?: up)?|i own|i manage|as)\s+(?:the\s+|our\s+"
            r"|a\s+|an\s+)?)$", left)
        # "I walked it up to Carla Jenkins, our VP of Ops": the clause broke at ", our"
        before = _NAME_COMMA_END.search(text[max(0, start - 40) : start]) if (
            not lm and det and not left[: len(left) - len(det.group(0))].strip()) else None
        bare = (_BARE_TITLE_START.match(left) or (left.endswith(", ") and title.isupper())) \
            and _BARE_TITLE_STANCE.match(right)
        informal = (t_start, t_end, title) in loose and _INFORMAL.search(title)
        if informal and len(title.split()) < 2:
            continue
        self_bare = (_BARE_TITLE_START.match(text[max(0, t_start - 12) : t_start])
                     and t_start - start <= 12 and _SELF_TITLE_AFTER.match(right))
        if lm and looks_like_name(lm.group(1), tools):
            add(Mention(t_start - len(left) + lm.start(1), t_end, "stakeholder.name_title",
                        lm.group(1), title))
        elif before and looks_like_name(before.group(1), tools) and not (
                rm and looks_like_name(rm.group(1), tools)):
            add(Mention(start - (len(text[max(0, start - 40) : start]) - before.start(1)),
                        t_end, "stakeholder.name_title", before.group(1), title))
        elif rm and looks_like_name(rm.group(1), tools):
            add(Mention(t_start - (len(det.group(0)) if det else 0), t_end + rm.end(1),
                        "stakeholder.title_name", rm.group(1), title))
        elif informal:
            continue  # "the bloke", "our contractor": a person only with a name beside it
        elif self_intro:
            add(Mention(t_start - len(self_intro.group(0)), t_end, "stakeholder.self_title",
                        None, title, is_speaker=True))
        elif det and not re.search(r"(?i)\b(?:board|team|ops)$", title) and not (
                (t_start, t_end, title) in loose and not _loose_alone_ok(title, left)):
            rule = "stakeholder.title"
            if _PRONOUN_SUBJECT.search(left):
                rule = "stakeholder.pronoun_title"  # "..., he is our CFO": who is "he"?
            add(Mention(t_start - len(det.group(0)), t_end, rule, None, title))
        elif self_bare and start == 0:
            # "Yep, CFO, so I'm here to count the beans": the speaker answers with a title
            add(Mention(t_start, t_end, "stakeholder.self_title", None, title, is_speaker=True))
        elif bare and title[:1].isupper():
            # "CNO was not amused", "CMO wants attribution": a title as the subject
            add(Mention(t_start, t_end, "stakeholder.title", None, title))
    local = text[start:end]
    # notes style: "Victor Salas (Dir. InfoSec)", "legal (Rosa)", "Hanna in procurement"
    for match in _PAREN_AFTER.finditer(local):
        if match.group(2).strip().lower() in _OUR_SIDE:
            continue  # "J. Moreau (us)": our own rep in a notes attendee line
        if looks_like_name(match.group(1), tools) and _paren_is_role(
                local[match.start(2) : match.end() - 1]):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_paren",
                        match.group(1), match.group(2).strip()))
    for match in _PAREN_BEFORE.finditer(local):
        if looks_like_name(match.group(2), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.dept_paren",
                        match.group(2), match.group(1).strip()))
    # notes: "Sophie = champion, very keen", "Vikram = day-to-day owner"
    for match in _NAME_EQ.finditer(local):
        role = match.group(2).strip()
        if looks_like_name(match.group(1), tools) and (_BUYING_WORD.search(role) or
                                                       _role_words(role)):
            add(Mention(start + match.start(), start + match.end(2), "stakeholder.name_eq",
                        match.group(1), role))
    # "our IT is one guy named Pete"
    for match in _DEPT_ONE_PERSON.finditer(local):
        if looks_like_name(match.group(2), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.dept_person",
                        match.group(2), match.group(1)))
    for match in _NAME_DEPT.finditer(local):
        if looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_dept",
                        match.group(1), match.group(2).strip()))
    for match in _NAME_TEAM.finditer(local):
        if looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_team",
                        match.group(1), None))
    for match in _NAME_SAYS.finditer(local):
        group = next(i for i in (1, 2, 3) if match.group(i))
        name = match.group(group)
        known = name in known_names or name.split()[0] in known_names
        if looks_like_name(name, tools) and (known or " " in name or match.start() == 0 or
                                             local[max(0, match.start() - 2):match.start()]
                                             in (", ", "; ", "- ", "( ")):
            add(Mention(start + match.start(), start + (match.end(1) if group == 1 else
                                                        match.end()), "stakeholder.name_says",
                        name, None))
    for match in _NAME_RUNS.finditer(local):
        if looks_like_name(match.group(1), tools) and _runs_a_role(match.group(2)):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_runs",
                        match.group(1), match.group(2).strip()))
    # "Fiona's joining too, she heads up finance": the role of the one person named before
    for match in _PRONOUN_RUNS.finditer(local):
        verb, role = match.group(1).lower(), match.group(2).strip()
        if not _NOT_A_ROLE.search(role):
            title = (f"head of {role}" if verb.startswith(("heads", "leads")) else
                     f"{role} chair" if verb == "chairs" else role)
            add(Mention(start + match.start(), start + match.end(), "stakeholder.pronoun_title",
                        None, title))
    for match in _SELF_EVAL.finditer(local):
        add(Mention(start + match.start(), start + match.end(), "stakeholder.self_role", None,
                    None, is_speaker=True))
    for match in _SELF_ROLE.finditer(local):
        role_text = match.group(1) or match.group(2) or ""
        if not role_text or _NOT_A_ROLE.search(role_text) or role_text.strip() == "it":
            continue
        lead_in = match.group(0)[: match.start(1) - match.start()] if match.group(1) else ""
        if re.match(r"(?i)i'?m\s|i am\s", lead_in) and (
                (re.search(r"(?i)\b(?:the|in|a|an)\s$", lead_in) and not _role_words(role_text))
                or re.match(r"(?i)(?:on|with|late|behind|out|low|around|about|to|short)\b",
                            role_text)):
            continue  # "I'm a bit frazzled", "I'm in the site cabin", "I'm running on fumes"
        if any(m.is_speaker and m.name is None for m in out):
            continue  # "as ops director I'm running point": one speaker, already found
        add(Mention(start + match.start(), start + match.end(), "stakeholder.self_role", None,
                    role_text.strip(), is_speaker=True))
    # "loop in Dana", "check with Raj Patel"
    for match in _VERB_NAME.finditer(local):
        name = match.group(1)
        after = local[match.end(1) :]
        if not looks_like_name(name, tools):
            continue
        known = name in known_names or name.split()[0] in known_names
        verbish = match.group(0).split()[0].lower() not in {"and", "with", "from", "to", "by"}
        travel = match.group(0).split()[0].lower() == "from" and re.match(
            r"\s+(?:was|is|were)\b", after)  # "the train from Swindon was late"
        if known or verbish or (_VERB_AFTER.match(after) and not _PLACE_AFTER.match(after)
                                and not travel):
            add(Mention(start + match.start(1), start + match.end(1), "stakeholder.name_verb",
                        name, None))
    # "I'm Dana Ortiz"
    for match in _SELF.finditer(local):
        if match.group(1) and looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(1), start + match.end(1), "stakeholder.self_name",
                        match.group(1), None, is_speaker=True))
    return [_resolve_pronoun(_name_before_pronoun(m, text, tools), [*earlier, *out])
            for m in out]




def _name_before_pronoun(mention: Mention, text: str, tools: frozenset[str]) -> Mention:
    """ "goes past Patrick Vance, he heads up cyber": the name right before the pronoun is who
    "he" is, even when no rule picked the name up on its own."""
    if mention.rule_id != "stakeholder.pronoun_title" or mention.name:
        return mention
    found = _NAME_COMMA_END.search(text[max(0, mention.start - 40) : mention.start])
    if not found or not looks_like_name(found.group(1), tools):
        return mention
    start = mention.start - (len(text[max(0, mention.start - 40) : mention.start])
                             - found.start(1))
    return Mention(start, mention.end, "stakeholder.name_title", found.group(1), mention.title)


def _resolve_pronoun(mention: Mention, mentions: list[Mention]) -> Mention:
    """ "My boss, Henrik Dahl, has the final word, he is our CFO": the title belongs to the
    one person named just before it; with no name, or two candidates, it stays a title."""
    if mention.rule_id != "stakeholder.pronoun_title":
        return mention
    before = [m for m in mentions if m.name and not m.is_speaker and m.end <= mention.start]
    names = {m.name for m in before}
    if len(names) != 1:
        return Mention(mention.start, mention.end, "stakeholder.title", None, mention.title)
    return Mention(mention.start, mention.end, "stakeholder.pronoun_title", names.pop(),
                   mention.title)
