"""French text quality and speed: dates (precision, recall, right year) and summaries.

Run: .venv/bin/python benchmarks/text.py [--quick] [--errors] [--peers-only]

Part 1 (issue 12): our own labelled set (tests/text/data/dates_set.py, 300+ items, a third
hard), each item scored alone and the items joined into multi-paragraph documents, for Relais
and two peers in the same run: dateparser's ``search_dates`` (languages=["fr"]) and Duckling
(``pyduckling-native-phihos``, locale fr_CA). The peers are the optional ``bench`` extra:
``.venv/bin/pip install -e '.[bench]'``; a peer that is not installed is skipped with a message.

Quality is measured on the hand-labelled set in tests/text/data/labelled_dates.py and, when
../shared/samples/texts is present, on our annotation of the three real samples. Speed is
given per 10 KB of French text; the import time of ``bot.text`` is measured in a fresh process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.text import analyse, clean_text, find_dates, summarize  # noqa: E402
from tests.text.data.labelled_dates import CHECK, SAMPLES, SENTENCES  # noqa: E402
from tests.text.scoring import Score, score_sentences  # noqa: E402

SAMPLES_DIR = REPO.parent / "shared" / "samples" / "texts"


def _best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def _import_time(repeat: int) -> float:
    code = "import time; t = time.perf_counter(); import bot.text; print(time.perf_counter() - t)"
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
        )
        runs.append(float(out.stdout.strip()))
    return statistics.median(runs)


def _grow(text: str) -> str:
    while len(text.encode()) < 10_240:
        text += "\n\n" + text
    return text


def _corpora() -> dict[str, str]:
    """Real documents (the samples) when present, and the dense labelled sentences.

    The labelled set packs about one date per 100 bytes, ten times what a letter or a
    bulletin holds: it is the worst case, reported for information.
    """
    dense = _grow("\n\n".join(s for s, _, _ in SENTENCES + CHECK))
    if not SAMPLES_DIR.is_dir():
        return {"labelled sentences (dense)": dense}
    docs = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES_DIR.glob("*.txt")))
    return {"real documents (samples)": _grow(docs), "labelled sentences (dense)": dense}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer timing repetitions")
    parser.add_argument("--errors", action="store_true", help="list every miss and spurious date")
    parser.add_argument("--set-only", action="store_true", help="only part 1 (issue 12 set)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 30
    from benchmarks.text_peers import compare

    compare(errors=args.errors, repeat=3 if args.quick else 5)
    if args.set_only:
        return 0

    own = score_sentences(SENTENCES + CHECK)
    first = score_sentences(SENTENCES)
    check = score_sentences(CHECK)
    total = Score()
    total.__dict__.update({k: v for k, v in own.__dict__.items() if k != "errors"})
    total.errors = list(own.errors)
    samples_note = "absent"
    if SAMPLES_DIR.is_dir():
        sample_score = Score()
        for name, (ref_text, expected) in SAMPLES.items():
            path = SAMPLES_DIR / name
            if not path.exists():
                continue
            found = find_dates(
                clean_text(path.read_text(encoding="utf-8")), date.fromisoformat(ref_text)
            )
            sample_score.add(name, found, expected)
            total.add(name, found, expected)
        samples_note = (
            f"P={sample_score.precision:.3f} R={sample_score.recall:.3f} "
            f"year={sample_score.right_year:.3f} month-R={sample_score.month_recall:.3f}"
        )

    def row(name: str, value: float, target: str, ok: bool) -> None:
        print(f"  {name:<34} {value:>8.3f}   target {target:<10} {'ok' if ok else 'MISSED'}")

    print(
        f"Dates — {len(SENTENCES) + len(CHECK)} own sentences/texts + {len(SAMPLES)} samples "
        f"({total.day_gold} day-level and {total.month_gold} month-level expected dates)"
    )
    row("day-level precision", total.precision, ">= 0.97", total.precision >= 0.97)
    row("day-level recall", total.recall, ">= 0.95", total.recall >= 0.95)
    row("right-year share", total.right_year, ">= 0.95", total.right_year >= 0.95)
    row("month-level recall", total.month_recall, "(info)", True)
    row("kind agreement (where labelled)", total.kind_agreement, "(info)", True)
    for name, part in (("own set", own), ("  first batch", first), ("  check batch", check)):
        print(
            f"  {name + ':':<15} P={part.precision:.3f} R={part.recall:.3f} "
            f"year={part.right_year:.3f} month-R={part.month_recall:.3f}"
        )
    print(f"  {'samples:':<15} {samples_note}")
    if args.errors and total.errors:
        print("  errors:")
        for e in total.errors:
            print("    " + e)

    ref = date(2024, 3, 15)
    for index, (name, corpus) in enumerate(_corpora().items()):
        kb10 = len(corpus.encode()) / 10_240
        cleaned = clean_text(corpus)
        t_dates = _best(partial(find_dates, cleaned, ref), repeat) / kb10
        t_clean = _best(partial(clean_text, corpus), repeat) / kb10
        t_summary = _best(partial(summarize, corpus), repeat) / kb10
        t_analyse = _best(partial(analyse, corpus, reference=ref), repeat) / kb10
        print(f"Speed — {name}, {len(corpus.encode()) / 1024:.1f} KB (best of {repeat})")
        target = index == 0
        row(
            "find_dates ms per 10 KB",
            t_dates * 1000,
            "< 5" if target else "(info)",
            t_dates < 0.005 or not target,
        )
        row(
            "summarize ms per 10 KB",
            t_summary * 1000,
            "< 50" if target else "(info)",
            t_summary < 0.050 or not target,
        )
        row("clean_text ms per 10 KB", t_clean * 1000, "(info)", True)
        row("analyse ms per 10 KB (all three)", t_analyse * 1000, "(info)", True)
    t_import = _import_time(3 if args.quick else 7)
    row("import bot.text s (fresh process)", t_import, "< 0.3", t_import < 0.3)

    if SAMPLES_DIR.is_dir():
        print("Summaries of the samples")
        refs = {name: date.fromisoformat(r) for name, (r, _) in SAMPLES.items()}
        for path in sorted(SAMPLES_DIR.glob("*.txt")):
            result = analyse(path.read_text(encoding="utf-8"), reference=refs.get(path.name, ref))
            print(f"  {path.name}")
            for s in result.summary:
                print(f"    - {s}")
            for d in result.dates:
                end = f" → {d.end}" if d.end else ""
                print(f"    · {d.date}{end} [{d.kind}] {d.label[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
