"""Who is our rep and who is the prospect, with the reason recorded for every speaker."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_REP_LABELS = frozenset(
    {"rep", "sales", "ae", "sdr", "bdr", "account executive", "sales rep", "agent", "support",
     "sales agent", "support agent", "sales representative", "seller"}
)
_PROSPECT_LABELS = frozenset(
    {"prospect", "customer", "client", "buyer", "visitor", "lead"}
)
_INTRO_CUES = (
    "our platform", "our product", "our solution", "our tool", "i'm calling from",
    "i am calling from", "i'm reaching out from", "thanks for taking the time",
    "thank you for taking the time", "thanks for making time", "thanks for making the time",
    "thank you for making the time", "thanks for joining", "happy to give you a demo",
    "let me show you",
)
_GENERIC = re.compile(r"^(?:unknown|unidentified)(?: speaker)?\b|^speaker\s*\?$", re.I)
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*")

RoleInfo = dict[str, str]


def _norm(name: str) -> str:
    return " ".join(_PAREN.sub(" ", name).lower().replace("’", "'").split())


def _label_role(speaker: str) -> str | None:
    """Role stated by the label itself: `Rep`, `Customer 2`, `Sam (AE)`."""
    candidates = [_norm(speaker)] + [p.strip().lower() for p in _PAREN.findall(speaker)]
    for raw in candidates:
        label = re.sub(r"\s*\d+$", "", raw).strip()
        if label in _REP_LABELS:
            return "rep"
        if label in _PROSPECT_LABELS:
            return "prospect"
    return None


def _matches_rep(speaker: str, reps: Sequence[str], speakers: Sequence[str]) -> bool:
    """Full name match, or a first-name match no other speaker could also claim."""
    name = _norm(speaker)
    if not name:
        return False
    rep_names = {_norm(r) for r in reps if _norm(r)}
    if name in rep_names:
        return True
    first = name.split()[0]
    same_first = [s for s in speakers if _norm(s).split()[:1] == [first]]
    if len(same_first) != 1:
        return False
    if " " not in name:
        return sum(1 for r in rep_names if r.split()[0] == first) == 1
    return first in rep_names


def _in_domains(address: str | None, domains: Sequence[str]) -> bool:
    if not address or "@" not in address:
        return False
    domain = address.rsplit("@", 1)[1].lower()
    return any(domain == d.lower().lstrip("@") or domain.endswith("." + d.lower().lstrip("@"))
               for d in domains if d)


def _infer(texts: Mapping[str, Sequence[str]]) -> tuple[str, str] | None:
    """(rep, reason) only when one speaker clearly runs the sales conversation."""
    if len(texts) < 2:
        return None
    intro = {s: [c for c in _INTRO_CUES if any(c in t.lower() for t in ts)]
             for s, ts in texts.items()}
    questions = {s: sum(t.count("?") for t in ts) for s, ts in texts.items()}
    total = sum(questions.values())
    with_intro = [s for s, cues in intro.items() if cues]
    if len(with_intro) == 1:
        rep = with_intro[0]
        if all(questions[rep] >= q for q in questions.values()):
            return rep, (f"inferred: says {intro[rep][0]!r} and asks {questions[rep]} of "
                         f"{total} questions")
    if not with_intro and len(texts) == 2 and total >= 6:
        rep = max(questions, key=lambda s: questions[s])
        if questions[rep] >= 0.8 * total:
            return rep, f"inferred: asks {questions[rep]} of {total} questions"
    return None


def assign_roles(
    speakers: Sequence[str],
    *,
    reps: Sequence[str] = (),
    team_domains: Sequence[str] = (),
    emails: Mapping[str, str | None] | None = None,
    texts: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, RoleInfo]:
    """Apply the rules in order: --rep, team_domains, labels, the rest, then inference."""
    emails = emails or {}
    roles: dict[str, RoleInfo] = {}
    for speaker in speakers:
        if reps and _matches_rep(speaker, reps, speakers):
            roles[speaker] = {"role": "rep", "source": "--rep"}
        elif team_domains and emails.get(speaker):
            inside = _in_domains(emails[speaker], team_domains)
            roles[speaker] = {"role": "rep" if inside else "prospect", "source": "team_domains"}
        elif (label := _label_role(speaker)) is not None:
            roles[speaker] = {"role": label, "source": "label"}
    if any(info["role"] == "rep" for info in roles.values()):
        source = "--rep" if reps else "inferred: not one of our reps (another speaker is)"
        for speaker in speakers:
            if speaker not in roles and not _GENERIC.match(speaker):
                roles[speaker] = {"role": "prospect", "source": source}
    elif not roles and texts:
        inferred = _infer({s: texts.get(s, ()) for s in speakers})
        if inferred:
            rep, reason = inferred
            for speaker in speakers:
                if speaker == rep:
                    roles[speaker] = {"role": "rep", "source": reason}
                elif not _GENERIC.match(speaker):
                    roles[speaker] = {"role": "prospect",
                                      "source": f"inferred: {rep} is the rep"}
    for speaker in speakers:
        roles.setdefault(speaker, {"role": "unknown", "source": "none: no rule applied"})
    return roles
