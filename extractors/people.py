"""People on the buying side: names, titles, departments and buying roles in a clause.

Names are found only where the text supports them (next to a title, after "loop in", or a
known participant of the document), because capitalised words in sales talk are mostly tools,
months and sentence starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

NAME = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?(?:\s(?:[A-Z]\.|[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?))?"
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
_LEFT_NAME = re.compile(rf"({NAME})(?:,\s*|\s+\(|'s\s+|\s+(?:is|as|who is|who's)\s+)"
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
    r"will|needs|owns|decides|chairs|handles|looks after|can do|has to|is (?:a bit |very |quite )?"
    r"(?:skeptical|keen|excited|worried|nervous|on board|pushing)|agreed|prefers|likes|hates)\b"
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
    rf"customer success|the board|treasury|tax))\b"
)
_NAME_RUNS = re.compile(
    rf"\b({NAME})(?:,\s(?:she|he)(?:'s|\sis)?)?\s(?:runs|leads|heads(?: up)?|manages|chairs|"
    rf"oversees|"
    rf"will be (?:the|our)|is (?:the|our))\s((?:(?:the|our)\s)?(?:[\w&-]+\s?){{1,4}}?)"
    rf"(?=[,.;!?]|\s(?:and|at|for|so|on|who|but)\b|$)"
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
_NOT_A_ROLE = re.compile(
    r"(?i)\b(?:evaluation|rollout|decision|decision maker|sponsor|student|project|process|"
    r"everything|it all|the lot|parka|coat|hurry|rush|meeting|out|late|over|warden|"
    r"tool|one|call|budget|same|only|best)\b"
)
_SELF_ROLE = re.compile(
    r"(?i:\b(?:i'?m|i am)\s(?:still\s|now\s|also\s)?(?:the|in|our|a|an)\s|\bi\s(?:lead|run|"
    r"manage|head(?: up)?|own|oversee|look after|coordinate|handle)\s(?:the\s|our\s)?)"
    r"((?:[\w&-]+\s?){1,5}?)(?=[,.;!?]|\s(?:at|for|so|and|here|team)\b|$)"
    r"|(?i:\b(?:i'?m|i am)\s(?:still\s|now\s|also\s|currently\s)?)((?:[\w&-]+\s){0,2}"
    r"(?:director|manager|head|lead|superintendent|coordinator|officer|chief|vp|owner|founder|"
    r"co-founder|controller|administrator|admin|analyst|engineer|counsel|treasurer|supervisor|"
    r"principal)(?:\s(?:of|for)\s(?:the\s)?[\w&-]+)?)\b"
)


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
        if m.title and _THING_NOT_ROLE.search(m.title):
            return  # "Acturis is our broking platform" names software, not a person
        used.append((m.start, m.end))
        out.append(m)

    # title with a name next to it, or with a determiner ("our CFO")
    for t_start, t_end, title in titles:
        if not (start <= t_start and t_end <= end):
            continue
        left = text[max(start, t_start - 40) : t_start]
        right = text[t_end : min(end, t_end + 40)]
        lm = _LEFT_NAME.search(left)
        rm = _RIGHT_NAME.match(right)
        det = _DET.search(left)
        self_intro = re.search(
            r"(?i:\b(?:i'?m|i am|i run|i lead|i head(?: up)?|i own|i manage|as)\s+(?:the\s+|our\s+"
            r"|a\s+|an\s+)?)$", left)
        if lm and looks_like_name(lm.group(1), tools):
            add(Mention(t_start - len(left) + lm.start(1), t_end, "stakeholder.name_title",
                        lm.group(1), title))
        elif rm and looks_like_name(rm.group(1), tools):
            add(Mention(t_start - (len(det.group(0)) if det else 0), t_end + rm.end(1),
                        "stakeholder.title_name", rm.group(1), title))
        elif self_intro:
            add(Mention(t_start - len(self_intro.group(0)), t_end, "stakeholder.self_title",
                        None, title, is_speaker=True))
        elif det and not re.search(r"(?i)\b(?:board|team|ops)\b", title):
            rule = "stakeholder.title"
            if _PRONOUN_SUBJECT.search(left):
                rule = "stakeholder.pronoun_title"  # "..., he is our CFO": who is "he"?
            add(Mention(t_start - len(det.group(0)), t_end, rule, None, title))
    local = text[start:end]
    # notes style: "Victor Salas (Dir. InfoSec)", "legal (Rosa)", "Hanna in procurement"
    for match in _PAREN_AFTER.finditer(local):
        if match.group(2).strip().lower() in _OUR_SIDE:
            continue  # "J. Moreau (us)": our own rep in a notes attendee line
        if looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_paren",
                        match.group(1), match.group(2).strip()))
    for match in _PAREN_BEFORE.finditer(local):
        if looks_like_name(match.group(2), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.dept_paren",
                        match.group(2), match.group(1).strip()))
    for match in _NAME_DEPT.finditer(local):
        if looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_dept",
                        match.group(1), match.group(2).strip()))
    for match in _NAME_TEAM.finditer(local):
        if looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(), start + match.end(), "stakeholder.name_team",
                        match.group(1), None))
    for match in _NAME_SAYS.finditer(local):
        name = match.group(1)
        known = name in known_names or name.split()[0] in known_names
        if looks_like_name(name, tools) and (known or " " in name or match.start() == 0 or
                                             local[max(0, match.start() - 2):match.start()]
                                             in (", ", "; ", "- ", "( ")):
            add(Mention(start + match.start(), start + match.end(1), "stakeholder.name_says",
                        name, None))
    for match in _NAME_RUNS.finditer(local):
        if looks_like_name(match.group(1), tools) and not _NOT_A_ROLE.search(match.group(2)):
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
    for match in _SELF_ROLE.finditer(local):
        role_text = match.group(1) or match.group(2) or ""
        if not role_text or _NOT_A_ROLE.search(role_text):
            continue
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
        if known or verbish or _VERB_AFTER.match(after):
            add(Mention(start + match.start(1), start + match.end(1), "stakeholder.name_verb",
                        name, None))
    # "I'm Dana Ortiz"
    for match in _SELF.finditer(local):
        if match.group(1) and looks_like_name(match.group(1), tools):
            add(Mention(start + match.start(1), start + match.end(1), "stakeholder.self_name",
                        match.group(1), None, is_speaker=True))
    return [_resolve_pronoun(_name_before_pronoun(m, text, tools), [*earlier, *out])
            for m in out]


_NAME_COMMA_END = re.compile(rf"(?:^|[\s(])({NAME}),\s*$")


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
