"""Benchmark the rules pipeline: words per second, ms per document, peak memory.

Run: .venv/bin/python benchmarks/bench_extract.py [--words 9000] [--repeat 5] [--model]
It builds a synthetic call transcript from varied prospect and rep turns (dense with signals
and traps: a worst case), then also times the dev corpus (real documents) when present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors import extract, get_pipeline  # noqa: E402
from extractors.schema import Document, Participant, Utterance  # noqa: E402

TURNS = [
    ("Sam Rivera", "rep", "Thanks for making the time today. Do you have budget set aside "
     "for this?"),
    ("Dana Ortiz", "prospect", "We have about 80k approved for this year, and our CFO signs "
     "anything above 50k."),
    ("Dana Ortiz", "prospect", "Honestly the weather has been awful and my kids are sick, but "
     "let's get into it."),
    ("Dana Ortiz", "prospect", "We don't have a formal security review yet, but we need SSO and "
     "SOC 2 Type II, do you support SCIM?"),
    ("Sam Rivera", "rep", "You'll need SSO for sure. What's your timeline?"),
    ("Dana Ortiz", "prospect", "Probably end of next quarter for go-live. If we got more budget "
     "we'd move faster."),
    ("Dana Ortiz", "prospect", "Today the reps track everything in spreadsheets and it takes "
     "hours every week; deals fall through the cracks."),
    ("Dana Ortiz", "prospect", "We use Gong today and we're frustrated with it; we're also "
     "evaluating Clari."),
    ("Dana Ortiz", "prospect", "Let's do a demo next Tuesday and I'll loop in Raj Patel, our "
     "Head of IT."),
    ("Dana Ortiz", "prospect", "Last year we had budget for a pilot but it got cut."),
]


def build_document(words: int) -> Document:
    """A transcript of roughly `words` words, with offsets that satisfy the schema."""
    text, utts, count = "", [], 0
    while count < words:
        for speaker, role, line in TURNS:
            prefix = f"{speaker}: "
            start = len(text) + len(prefix)
            text += prefix + line + "\n"
            utts.append(Utterance(index=len(utts), speaker=speaker, role=role, start=start,
                                  end=start + len(line), text=line))
            count += len(line.split())
    people = (Participant(name="Sam Rivera", role="rep"),
              Participant(name="Dana Ortiz", role="prospect"))
    return Document(kind="call", date=dt.date(2026, 3, 14), text=text,
                    utterances=tuple(utts), participants=people)


def corpus_documents(root: Path) -> list[Document]:
    """The dev corpus, parsed with the product's parser (absent corpus: empty list)."""
    try:
        from assistant.evaluation import SPLITS, load_gold, parse_document
    except ImportError:
        return []
    docs = []
    for folder in SPLITS["dev"]:
        path = root / folder
        if (path / "manifest.jsonl").exists():
            for entry, _ in load_gold(path):
                if (path / entry.path).exists():
                    docs.append(parse_document(path / entry.path, entry))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", action="store_true",
                        help="also time rules + the fine-tuned classifier on the dev corpus")
    args = parser.parse_args()
    t0 = time.perf_counter()
    get_pipeline()
    load_s = time.perf_counter() - t0
    doc = build_document(args.words)
    n_words = len(doc.text.split())
    extract(doc)  # warm caches (regexes, dateparser fallbacks)
    times = []
    signals = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        signals = extract(doc)
        times.append(time.perf_counter() - t)
    tracemalloc.start()  # a separate run: tracing slows Python down several times
    extract(doc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best, median = min(times), statistics.median(times)
    print(f"pipeline load:        {load_s * 1000:.0f} ms")
    print(f"document:             {n_words} words, {len(doc.utterances)} utterances, "
          f"{len(signals)} signals")
    print(f"ms per document:      {median * 1000:.1f} (median), {best * 1000:.1f} (best)")
    print(f"words per second:     {n_words / median:,.0f} (median)")
    print(f"peak traced memory:   {peak / 1e6:.1f} MB during extraction")
    docs = corpus_documents(Path(__file__).resolve().parents[1])
    if docs:
        for d in docs:
            extract(d)
        words = sum(len(d.text.split()) for d in docs)
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            for d in docs:
                extract(d)
            runs.append(time.perf_counter() - t)
        run = statistics.median(runs)
        print(f"dev corpus:           {len(docs)} documents, {words} words, "
              f"{run / len(docs) * 1000:.1f} ms per document, {words / run:,.0f} words/s")
        if args.model:
            hybrid_corpus(docs, words)


def hybrid_corpus(docs: list[Document], words: int) -> None:
    """Rules + the fine-tuned classifier (what `qualify extract` runs) over the same corpus."""
    from extractors.hybrid import extract_hybrid

    _, note = extract_hybrid(docs[0])  # loads the model once
    if note:
        print(f"rules + model:        unavailable ({note})")
        return
    t = time.perf_counter()
    for d in docs:
        extract_hybrid(d)
    run = time.perf_counter() - t
    print(f"rules + model:        {run / len(docs) * 1000:.1f} ms per document, "
          f"{words / run:,.0f} words/s (2 cores)")


if __name__ == "__main__":
    main()
