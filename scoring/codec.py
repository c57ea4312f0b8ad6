"""Read leads and signals back from their public JSON shape (fixtures, exports, the CLI)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from extractors.schema import Evidence, Signal
from scoring.errors import InputError
from scoring.inputs import LeadFacts, ScoredSignal


def signal_from_public_json(obj: dict[str, Any], document_id: int | None = None) -> Signal:
    """Invert `Signal.to_public_json()` (the extractor field is `name@version`)."""
    try:
        name, _, version = str(obj.get("extractor", "unknown@0")).partition("@")
        ev = obj["evidence"]
        evidence = Evidence(
            document_id=document_id,
            start=ev["start"],
            end=ev["end"],
            speaker=ev.get("speaker"),
            role=ev.get("role", "unknown"),
            quote=ev["quote"],
            extractor=name,
            extractor_version=version or "0",
        )
        return Signal(
            dimension=obj["dimension"],
            type=obj["type"],
            value=obj.get("value"),
            polarity=obj.get("polarity", "for"),
            confidence=obj["confidence"],
            modifiers=tuple(obj.get("modifiers", ())),
            evidence=evidence,
        )
    except (KeyError, TypeError) as exc:
        msg = f"signal JSON misses field {exc}; export it with `qualify extract --json`"
        raise InputError(msg) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"bad signal JSON at {where}: {err['msg']}") from None


def lead_from_json(obj: dict[str, Any]) -> tuple[LeadFacts, list[ScoredSignal]]:
    """One fixture line: `{"facts": {...}, "signals": [{"signal_id", ..., "signal": {...}}]}`."""
    try:
        facts = LeadFacts.model_validate(obj["facts"])
        signals = []
        for row in obj.get("signals", []):
            extra = {k: v for k, v in row.items() if k != "signal"}
            sig = signal_from_public_json(row["signal"], extra.get("document_id"))
            signals.append(ScoredSignal.model_validate({**extra, "signal": sig}))
    except KeyError as exc:
        raise InputError(f"lead JSON misses field {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"bad lead JSON at {where}: {err['msg']}") from None
    return facts, signals


def lead_to_json(facts: LeadFacts, signals: list[ScoredSignal]) -> dict[str, Any]:
    """The inverse of `lead_from_json`."""
    rows = []
    for ss in signals:
        row = ss.model_dump(mode="json", exclude={"signal"}, exclude_none=True)
        row["signal"] = ss.signal.to_public_json()
        rows.append(row)
    return {"facts": facts.model_dump(mode="json", exclude_defaults=True), "signals": rows}
