"""Clinical-safety benchmark of the note engines.

Usage::

    python bench/note_safety.py [--engine offline|openai|both] [--style as-written|lowercase|unpunctuated]
                                [--verbose] [--case ID ...]

Runs every case of the safety set (``notes/safety/cases/*.yaml``, see
``notes.safety``) through the engine with the case's template and language
and prints, per category, the share of cases with a *critical error* (a
must-not statement present or a must-contain fact missing), then the whole
set's count. Target: 0 critical errors (issue 17). Exit status 1 when any
case fails, so the script can gate a change.

The OpenAI engine runs only when a real endpoint is configured
(``OPENAI_API_KEY``, optional ``OPENAI_BASE_URL`` and ``OPENAI_MODEL``
in the environment); otherwise the script says why it skips it. For LLM
notes it also reports how many note sentences ``validate_note`` flags as
unsupported by the transcript (``NoteResult.unsupported_sentences``).
Note text is printed only with ``--verbose`` (the set has no patient data).

``--style`` rewrites the dialogues the way speech-to-text systems deliver
them, to measure robustness: ``lowercase`` (lower case, punctuation split
off as in ACI-Bench), ``unpunctuated`` (lower case, no sentence punctuation
and no question marks; Whisper and Deepgram do punctuate, so this is a
stress test).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from notes.engines.base import NoteEngine, NoteEngineError  # noqa: E402
from notes.engines.evidence import trace_note  # noqa: E402
from notes.engines.offline import OfflineNoteEngine  # noqa: E402
from notes.safety import CATEGORIES, SafetyCase, case_turns, check_note, load_cases  # noqa: E402
from templates.builtin import get_builtin_template  # noqa: E402


def openai_engine_from_env() -> tuple[NoteEngine | None, str]:
    """The OpenAI engine when ``OPENAI_API_KEY`` is set, else ``(None, reason)``."""
    key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not key:
        return None, "OPENAI_API_KEY is not set: no real OpenAI-compatible endpoint configured"
    from notes.engines.openai_llm import OpenAINoteEngine

    engine = OpenAINoteEngine(
        api_key=key,
        model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
    )
    return engine, ""


def restyle(dialogue: str, style: str) -> str:
    """The dialogue as a speech-to-text system might write it (see ``--style``)."""
    if style == "as-written":
        return dialogue
    lines = []
    for line in dialogue.strip().splitlines():
        tag, _, text = line.partition("]")
        text = text.lower()
        if style == "lowercase":
            text = re.sub(r"\s*([,.?!])(?=\s|$)", r" \1", text)
        else:
            text = re.sub(r"(?<!\d)[,.!;](?!\d)|[?¿]", "", text)
        lines.append(f"{tag}] {text.strip()}")
    return "\n".join(lines)


def run(engine: NoteEngine, cases: list[SafetyCase], verbose: bool = False, style: str = "as-written") -> dict:
    """Run ``cases`` through ``engine``.

    Returns:
        ``{"n": cases, "failed": [case ids], "by_category": {category: (failed, total)},
        "unsupported": sentences flagged unsupported, "sentences": note sentences with evidence,
        "errors": engine errors, "seconds": wall time, "traced"/"traced_flagged": offline note
        sentences checked / flagged by ``trace_note`` (its false-alarm count)}``.
    """
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failed: list[str] = []
    unsupported = sentences = engine_errors = 0
    traced = traced_flagged = 0
    start = time.perf_counter()
    for case in cases:
        by_category[case.category][1] += 1
        template = get_builtin_template(case.template)
        turns = case_turns(restyle(case.dialogue, style))
        try:
            result = engine.generate(turns=turns, template=template, language=case.language)
        except NoteEngineError as exc:
            engine_errors += 1
            by_category[case.category][0] += 1
            failed.append(case.id)
            print(f"  {case.id}: engine error: {exc.message}")
            continue
        errors = check_note(case, result.markdown, result.sections)
        sentences += len(result.evidence)
        unsupported += len(result.unsupported_sentences)
        if result.engine == "offline":
            # The offline engine is extractive: every sentence it writes was
            # said, so what the LLM evidence check flags here is its false
            # alarm rate.
            entries = trace_note(result.sections, turns, note_language=case.language)
            traced += len(entries)
            traced_flagged += sum(1 for e in entries if not e["supported"])
        if errors:
            by_category[case.category][0] += 1
            failed.append(case.id)
            print(f"  FAIL {case.id} [{case.category}]: {'; '.join(errors)}")
            if verbose:
                print("    " + result.markdown.replace("\n", "\n    "))
    return {
        "n": len(cases), "failed": failed, "by_category": dict(by_category), "unsupported": unsupported,
        "sentences": sentences, "errors": engine_errors, "seconds": time.perf_counter() - start,
        "traced": traced, "traced_flagged": traced_flagged,
    }


def report(name: str, summary: dict) -> None:
    """Print the per-category table of one engine."""
    print(f"\n{name}: {summary['n']} cases, {len(summary['failed'])} with a critical error "
          f"({summary['seconds']:.1f} s)")
    print(f"  {'category':<24} {'failed':>6} {'cases':>6} {'share':>7}")
    for category in CATEGORIES:
        bad, total = summary["by_category"].get(category, (0, 0))
        share = f"{100 * bad / total:.1f}%" if total else "-"
        print(f"  {category:<24} {bad:>6} {total:>6} {share:>7}")
    if summary["sentences"]:
        print(f"  note sentences without transcript evidence: {summary['unsupported']} of {summary['sentences']}")
    if summary["traced"]:
        print(f"  LLM evidence check on these extractive notes (false alarms): "
              f"{summary['traced_flagged']} of {summary['traced']} sentences flagged")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("offline", "openai", "both"), default="both")
    parser.add_argument("--verbose", action="store_true", help="print the note of each failing case")
    parser.add_argument("--case", action="append", default=[], help="run only these case ids")
    parser.add_argument("--style", choices=("as-written", "lowercase", "unpunctuated"), default="as-written")
    args = parser.parse_args(argv)
    cases = load_cases()
    if args.case:
        cases = [c for c in cases if c.id in set(args.case)]
    langs = defaultdict(int)
    for c in cases:
        langs[c.language] += 1
    print(f"safety set: {len(cases)} cases; languages: {dict(sorted(langs.items()))}; style: {args.style}")
    status = 0
    if args.engine in ("offline", "both"):
        summary = run(OfflineNoteEngine(), cases, args.verbose, args.style)
        report("offline", summary)
        status |= bool(summary["failed"])
    if args.engine in ("openai", "both"):
        engine, reason = openai_engine_from_env()
        if engine is None:
            print(f"\nopenai: skipped ({reason})")
        else:
            summary = run(engine, cases, args.verbose, args.style)
            report("openai", summary)
            status |= bool(summary["failed"])
    return int(status)


if __name__ == "__main__":
    raise SystemExit(main())
