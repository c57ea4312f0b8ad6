"""`qualify audit verify`: the event chain is intact, and every row is what its event recorded.

The store chains events by hash and puts digests of the rows each write touched in its event
payload (`vouch`). Replaying the log gives the digest each row should have now; any row edited,
deleted or slipped in behind qualify's back shows up, named with the event that vouched for it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from assistant.service import Service

KIND_NAMES = {
    "lead": "lead",
    "document": "document",
    "signals": "signals of document",
    "signal": "signal",
    "review": "review",
    "snapshot": "score snapshot",
    "stakeholders": "stakeholders of lead",
}


class Problem(BaseModel):
    """One row that does not match the log."""

    model_config = ConfigDict(frozen=True)

    key: str
    what: str
    event_id: int | None = None

    @property
    def label(self) -> str:
        kind, _, ident = self.key.partition(":")
        return f"{KIND_NAMES.get(kind, kind)} {ident}"

    def message(self) -> str:
        """One line: which row, what happened to it, and which event vouched for it."""
        if self.event_id is None:
            return f"{self.label} {self.what}"
        return f"{self.label} {self.what} (recorded by event {self.event_id})"


class VerifyReport(BaseModel):
    """The outcome of `qualify audit verify`."""

    model_config = ConfigDict(frozen=True)

    events: int
    rows_checked: int
    chain_broken_at: int | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.chain_broken_at is None and not self.problems

    def first_broken(self) -> str | None:
        """The first broken link, in words; None when everything checks out."""
        if self.chain_broken_at is not None:
            return (
                f"event {self.chain_broken_at} was edited or deleted (the hash chain breaks there)"
            )
        if self.problems:
            return self.problems[0].message()
        return None

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "events": self.events,
            "rows_checked": self.rows_checked,
            "chain_broken_at": self.chain_broken_at,
            "first_broken": self.first_broken(),
            "problems": [
                {"key": p.key, "what": p.what, "event": p.event_id, "message": p.message()}
                for p in self.problems
            ],
        }


def _signal_problems(recorded: dict[str, str], now: dict[str, str], event_id: int) -> list[Problem]:
    """Name each signal row edited, deleted or added behind the log's back."""
    out = []
    for ident in sorted(set(recorded) | set(now), key=int):
        if ident not in now:
            what = "was deleted outside qualify"
        elif ident not in recorded:
            what = "was added outside qualify"
        elif recorded[ident] != now[ident]:
            what = "was edited outside qualify"
        else:
            continue
        out.append(Problem(key=f"signal:{ident}", what=what, event_id=event_id))
    return out


def verify(svc: Service) -> VerifyReport:
    """Check the chain, then replay the vouched digests against the rows as they are now."""
    broken, events, current = svc.store.audit_state()
    expected: dict[str, tuple[object, int, str | None]] = {}
    for event in events:
        if event.kind == "delete_lead" and event.lead_id is not None:
            expected = {k: v for k, v in expected.items() if v[2] != event.lead_id}
            continue
        owners = event.payload.get("owners") or {}
        for key, value in (event.payload.get("vouch") or {}).items():
            expected[key] = (value, event.id, owners.get(key, event.lead_id))
    problems: list[Problem] = []
    for key, (value, event_id, _lead) in expected.items():
        now = current.get(key)
        now_digest = now[1] if now else None
        if now_digest == value:
            continue
        if isinstance(value, dict) and isinstance(now_digest, dict):
            problems += _signal_problems(value, now_digest, event_id)
            continue
        if value is None or value == {}:
            what = "was added after it was recorded as empty"
        elif now_digest is None:
            what = "was deleted outside qualify"
        else:
            what = "was edited outside qualify"
        problems.append(Problem(key=key, what=what, event_id=event_id))
    for key in current:
        if key not in expected:
            problems.append(
                Problem(key=key, what="is not recorded by any event (written outside qualify)")
            )
    problems.sort(key=lambda p: (p.event_id is None, p.event_id or 0, p.key))
    return VerifyReport(
        events=len(events),
        rows_checked=len(current),
        chain_broken_at=broken,
        problems=problems,
    )


def unvouched(svc: Service) -> list[str]:
    """Rows that no event records (written by an older qualify): candidates for a seal."""
    return [p.key for p in verify(svc).problems if p.event_id is None]


def seal(svc: Service, *, by: str, reason: str) -> int:
    """Vouch for unrecorded rows as they are now (one `seal` event); edited rows stay flagged."""
    keys = unvouched(svc)
    if keys:
        svc.store.seal(keys, actor=by, reason=reason)
    return len(keys)
