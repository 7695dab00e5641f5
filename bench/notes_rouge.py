"""ROUGE benchmark of the offline note engine on ACI-Bench.

Usage::

    python bench/notes_rouge.py [PATH_TO_CSV] [--show N]

Runs ``OfflineNoteEngine`` with the ``general_consultation`` template in
English on every encounter of the CSV (default
``/work/shared/datasets/aci-bench/train.csv``; columns ``dataset,
encounter_id, dialogue, note``) and prints ROUGE-1, ROUGE-2 and ROUGE-Lsum F1
(x100, averaged over encounters) and the mean (and slowest) generation time
per note, after one untimed warm-up note (regex compilation happens once per
process).

Scoring follows the ACI-Bench paper (Yim et al., 2023, Section 5): the
``rouge-score`` package with ``use_stemmer=True``; for ROUGE-Lsum sentences
are separated by newlines, as the package expects.

Markdown handling: the reference notes use plain-text UPPERCASE headings
(``CHIEF COMPLAINT``) while the engine writes ``## Chief Complaint``. We do not
strip anything: ``rouge-score`` lower-cases the text and replaces every
non-alphanumeric character by a space before tokenising, so ``#``, ``-``, ``*``
and case differences never reach the comparison and the scores are the same
with or without the Markdown markers. Headings are lines of their own in both
texts, so the newline-based sentence split for ROUGE-Lsum treats them alike.

Section placeholders ("Not discussed.") are kept, because they are part of
the note a user sees.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

# Allow running as a script from the repository root without installing.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rouge_score import rouge_scorer  # noqa: E402

from notes.dialogue import parse_dialogue  # noqa: E402
from notes.engines.offline import OfflineNoteEngine  # noqa: E402
from templates.builtin import get_builtin_template  # noqa: E402

DEFAULT_CSV = "/work/shared/datasets/aci-bench/train.csv"


def _lsum_text(text: str) -> str:
    """One sentence per line with blank lines removed (rouge-score Lsum input)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def run(csv_path: str, show: int = 0) -> dict[str, float]:
    """Score the engine on every row of ``csv_path``.

    Returns:
        ``{"rouge1": F1x100, "rouge2": ..., "rougeLsum": ..., "seconds_per_note": s,
        "max_seconds_per_note": s (slowest note), "n": count}``.

    Raises:
        FileNotFoundError: if ``csv_path`` does not exist.
        KeyError: if the CSV lacks the ``dialogue`` or ``note`` column.
    """
    engine = OfflineNoteEngine()
    template = get_builtin_template("general_consultation")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    scores: dict[str, list[float]] = {"rouge1": [], "rouge2": [], "rougeLsum": []}
    elapsed: list[float] = []
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows:
        # One untimed note first: compiling the engine's regexes happens once
        # per process and is not part of the time per note.
        engine.generate(turns=parse_dialogue(rows[0]["dialogue"]), template=template, language="en")
    for i, row in enumerate(rows):
        turns = parse_dialogue(row["dialogue"])
        t0 = time.perf_counter()
        note = engine.generate(turns=turns, template=template, language="en")
        elapsed.append(time.perf_counter() - t0)
        result = scorer.score(_lsum_text(row["note"]), _lsum_text(note.markdown))
        for key in scores:
            scores[key].append(result[key].fmeasure * 100)
        if i < show:
            print(f"===== {row.get('encounter_id', i)} R1={result['rouge1'].fmeasure * 100:.1f}")
            print(note.markdown)
    summary = {key: statistics.mean(vals) for key, vals in scores.items()}
    summary["seconds_per_note"] = statistics.mean(elapsed)
    summary["max_seconds_per_note"] = max(elapsed)
    summary["n"] = float(len(rows))
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints the scores and returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path", nargs="?", default=DEFAULT_CSV)
    parser.add_argument("--show", type=int, default=0, help="print the first N generated notes")
    args = parser.parse_args(argv)
    summary = run(args.csv_path, show=args.show)
    print(
        f"encounters={int(summary['n'])} "
        f"ROUGE-1={summary['rouge1']:.2f} ROUGE-2={summary['rouge2']:.2f} "
        f"ROUGE-Lsum={summary['rougeLsum']:.2f} "
        f"time_per_note={summary['seconds_per_note'] * 1000:.1f} ms "
        f"(max {summary['max_seconds_per_note'] * 1000:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
