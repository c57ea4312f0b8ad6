"""Ingest throughput: generate mixed documents, parse them all, report documents/s and MB/s.

Run: .venv/bin/python benchmarks/bench_ingest.py [--count 1000] [--words 1500] [--seed 7]
Structure: generate() makes the inputs, parse_all() times the parsers, main() reports. A
`--store PATH` option (storing the parsed documents) is meant to be added as a second phase.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.ingest import parse_bytes  # noqa: E402
from extractors.schema import Document  # noqa: E402

_VOCAB_TEXT = (
    "we need budget approved for this quarter the cfo signs anything over 100k our security "
    "team wants soc 2 type ii and sso renewal is in june procurement takes two weeks honestly "
    "the reps spend hours updating salesforce by hand managers coach off stale spreadsheets "
    "could you walk me through how you run forecasting today what is driving the timing"
)
_VOCAB = _VOCAB_TEXT.split()
_REPS = ["Sam Lee", "Jordan Park"]
_PROSPECTS = ["Dana Ruiz", "Marcus Feld", "Elena Brandt", "Priya Shah"]


@dataclass(frozen=True)
class Sample:
    """One generated input, as a file on disk would give it to the parser."""

    source: str
    data: bytes


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_VOCAB) for _ in range(words))
    return text[0].upper() + text[1:] + rng.choice([".", "?", "."])


def _turns(rng: random.Random, words: int, short: bool = False) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    people = [rng.choice(_REPS), *rng.sample(_PROSPECTS, 2)]
    total = 0
    while total < words:
        size = rng.randint(3, 9) if short else rng.randint(8, 40)
        out.append((rng.choice(people), _sentence(rng, size)))
        total += size
    return out


def _stamp(seconds: int, sep: str = ".") -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}000"


def _vtt(rng: random.Random, words: int) -> str:
    cues = [f"{_stamp(i * 6)} --> {_stamp(i * 6 + 5)}\n<v {n}>{t}"
            for i, (n, t) in enumerate(_turns(rng, words))]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def _srt(rng: random.Random, words: int) -> str:
    return "\n\n".join(f"{i + 1}\n{_stamp(i * 6, ',')} --> {_stamp(i * 6 + 5, ',')}\n{n}: {t}"
                       for i, (n, t) in enumerate(_turns(rng, words))) + "\n"


def _lines(rng: random.Random, words: int) -> str:
    turns = enumerate(_turns(rng, words))
    body = "\n".join(f"[{_stamp(i * 9)[:8]}] {n}: {t}" for i, (n, t) in turns)
    return f"Call with Acme - March 14, 2026\n\n{body}\n"


def _otter(rng: random.Random, words: int) -> str:
    return "\n\n".join(f"{n}  {_stamp(i * 9)[:8]}\n{t}"
                       for i, (n, t) in enumerate(_turns(rng, words))) + "\n"


def _chat(rng: random.Random, words: int) -> str:
    return "\n".join(f"[{9 + i // 60 % 12:02d}:{i % 60:02d}] {n}: {t}"
                     for i, (n, t) in enumerate(_turns(rng, words, short=True))) + "\n"


def _chat_json(rng: random.Random, words: int) -> str:
    return json.dumps({"messages": [{"author": n, "text": t, "ts": 1_770_000_000 + i * 20}
                                    for i, (n, t) in enumerate(_turns(rng, words, short=True))]})


def _paragraphs(rng: random.Random, words: int) -> str:
    paras, total = [], 0
    while total < words:
        size = rng.randint(30, 80)
        paras.append(" ".join(_sentence(rng, 10) for _ in range(size // 10)))
        total += size
    return "\n\n".join(paras)


def _email(rng: random.Random, words: int) -> str:
    quoted = "\n".join("> " + _sentence(rng, 12) for _ in range(15))
    return (
        "From: Dana Ruiz <dana.ruiz@acme.com>\nTo: Sam Lee <sam@brightwave.io>\n"
        "Subject: Re: next steps\nDate: Tue, 17 Mar 2026 09:15:00 -0400\nMIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="utf-8"\n\n'
        f"Hi Sam,\n\n{_paragraphs(rng, words - 200)}\n\nThanks,\nDana\n\n--\nDana Ruiz\n"
        "VP Finance | Acme Corp\n+1 (415) 555-0199\n\n"
        f"On Mon, Mar 16, 2026 at 4:00 PM Sam Lee <sam@brightwave.io> wrote:\n{quoted}\n"
    )


def _pasted(rng: random.Random, words: int) -> str:
    return (
        "From: Dana Ruiz <dana.ruiz@acme.com>\nSent: Wednesday, March 18, 2026 10:04 AM\n"
        "To: Sam Lee <sam@brightwave.io>\nSubject: RE: Pricing\n\n"
        f"Sam,\n\n{_paragraphs(rng, words)}\n\nBest regards,\nDana Ruiz\nDirector of Procurement\n"
        "Acme Corp\n\nFrom: Sam Lee <sam@brightwave.io>\nSent: Tuesday, March 17, 2026 3:00 PM\n"
        "To: Dana Ruiz <dana.ruiz@acme.com>\nSubject: Pricing\n\nOld text.\n"
    )


def _notes(rng: random.Random, words: int) -> str:
    lines, total = ["Acme call notes - 2026-03-20"], 0
    while total < words:
        size = rng.randint(5, 15)
        lines.append(f"{rng.choice(['-', '*', '•'])} {_sentence(rng, size)}")
        total += size
    return "\n".join(lines) + "\n"


_MAKERS = {
    "vtt": (_vtt, ".vtt"), "srt": (_srt, ".srt"), "lines": (_lines, ".txt"),
    "otter": (_otter, ".txt"), "chat": (_chat, ".txt"), "chat_json": (_chat_json, ".json"),
    "eml": (_email, ".eml"), "pasted": (_pasted, ".txt"), "notes": (_notes, ".txt"),
}


def generate(count: int = 1000, words: int = 1500, seed: int = 7) -> list[Sample]:
    """Mixed documents of about `words` words each, cycling through every supported format."""
    rng = random.Random(seed)
    names = list(_MAKERS)
    samples = []
    for i in range(count):
        fmt = names[i % len(names)]
        make, ext = _MAKERS[fmt]
        samples.append(Sample(f"doc{i:05d}-{fmt}{ext}", make(rng, words).encode("utf-8")))
    return samples


def parse_all(samples: list[Sample]) -> tuple[list[Document], float]:
    """Parse every sample; returns the documents and the elapsed seconds."""
    started = time.perf_counter()
    docs = [parse_bytes(s.data, source=s.source, reps=_REPS) for s in samples]
    return docs, time.perf_counter() - started


def store_all(docs: list[Document], path: Path) -> float:
    """Store every parsed document (one transaction each, no extraction) in a fresh file."""
    from assistant import store
    from assistant.store import LeadRow

    if path.exists():
        raise SystemExit(f"{path} exists; give a new file for --store")
    db = store.open(path)
    db.add_lead(LeadRow(id="bench", name="Bench"))
    started = time.perf_counter()
    for doc in docs:
        db.add_document("bench", doc, [])
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Generate, parse, and print throughput."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", type=Path, default=None,
                        help="also store into this new SQLite file (default: a temp file)")
    parser.add_argument("--no-store", action="store_true", help="parse only")
    args = parser.parse_args(argv)
    samples = generate(args.count, args.words, args.seed)
    size_mb = sum(len(s.data) for s in samples) / (1024 * 1024)
    docs, elapsed = parse_all(samples)
    kinds = Counter(d.kind for d in docs)
    utterances = sum(len(d.utterances) for d in docs)
    print(f"parsed {len(docs)} documents ({size_mb:.1f} MB, {utterances} utterances) "
          f"in {elapsed:.2f} s")
    print(f"  {len(docs) / elapsed:.0f} documents/s, {size_mb / elapsed:.1f} MB/s")
    print("  kinds: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    if not args.no_store:
        with tempfile.TemporaryDirectory() as tmp:
            target = args.store or Path(tmp) / "bench.db"
            stored = store_all(docs, target)
        total = elapsed + stored
        print(f"stored {len(docs)} documents in {stored:.2f} s (parse + store: "
              f"{len(docs) / total:.0f} documents/s, {size_mb / total:.1f} MB/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
