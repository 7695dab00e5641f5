"""How many note sentences state a word the recogniser was unsure of (issue 15).

Usage::

    python bench/notes_uncertain.py [--only en es ...] [--cache FILE.json] [--show]

Runs the real batch speech pipeline (decode -> VAD -> faster-whisper with
word probabilities -> diarization; ``transcription.speech.pipeline``) on the
visit fixtures (``tests/fixtures/audio/multilingual/visit_<lang>.ogg`` in
seven languages, ``visit_D2N018_12turns.wav`` and
``visit_D2N041_4turns.wav``), turns the utterances into note-engine turns
with ``transcription.services.note_turns`` and writes the note with the
offline engine (``general_consultation`` template, the visit's language)
twice:

* **before**: the turns without their word confidences (what the engine saw
  before uncertain words were carried into it);
* **after**: the turns with their word confidences (``Turn.words``).

For each note it counts the note sentences (``NoteResult.evidence``) that
state a low-confidence word (confidence < ``LOW_CONFIDENCE`` = 0.4, see
``notes.engines.uncertain``) of the utterances they come from outside an
``[unclear: ...]`` mark (``unmarked_uncertain_words``), and the sentences
that carry a mark. Target: 0 sentences stating an uncertain word after.

``--cache`` stores the transcripts (utterances with word confidences) in a
JSON file and reuses them on the next run, so the note side can be
re-measured without re-running speech recognition. Note text is printed
only with ``--show`` (the fixtures are synthetic, not patient data).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

import django  # noqa: E402

django.setup()

from notes.engines.base import LOW_CONFIDENCE, Turn  # noqa: E402
from notes.engines.offline import OfflineNoteEngine  # noqa: E402
from notes.engines.uncertain import unmarked_uncertain_words  # noqa: E402
from templates.builtin import get_builtin_template  # noqa: E402

AUDIO = ROOT / "tests" / "fixtures" / "audio"
FIXTURES: dict[str, tuple[Path, str]] = {
    **{f"ml_{lang}": (AUDIO / "multilingual" / f"visit_{lang}.ogg", lang) for lang in ("en", "es", "ca", "fr", "pt", "de", "it")},
    "D2N018": (AUDIO / "visit_D2N018_12turns.wav", "en"),
    "D2N041": (AUDIO / "visit_D2N041_4turns.wav", "en"),
}


def transcribe(path: Path, language: str) -> list[dict]:
    """Utterances of the real batch pipeline: ``[{"speaker", "text", "start", "end", "words": [...]}]``."""
    from transcription.speech.audio import decode_audio
    from transcription.speech.pipeline import get_local_engine

    result = get_local_engine().transcribe(decode_audio(path), language=language)
    return [u.as_dict() for u in result.utterances]


def turns_of(utterances: list[dict], with_words: bool) -> list[Turn]:
    """Note-engine turns the way the service builds them (``note_turns``), with or without confidences."""
    from transcription.services import note_turns

    class _U:  # the stored form (word dicts) seen through the provider Utterance's attributes
        def __init__(self, item: dict) -> None:
            self.speaker, self.text, self.start, self.end = item["speaker"], item["text"], item["start"], item["end"]
            self.words = item["words"] if with_words else ()

    return note_turns([_U(u) for u in utterances])


def count(turns_with_words: list[Turn], note_turns: list[Turn], language: str, show: bool) -> dict[str, int]:
    """Note sentences: total, stating an uncertain word unmarked, carrying an ``[unclear: ...]`` mark."""
    template = get_builtin_template("general_consultation")
    result = OfflineNoteEngine().generate(turns=note_turns, template=template, language=language)
    stated = marked = 0
    for entry in result.evidence:
        words = unmarked_uncertain_words(entry["sentence"], turns_with_words, entry["utterances"] or None)
        stated += bool(words)
        marked += "[unclear:" in entry["sentence"]
        if show and (words or "[unclear:" in entry["sentence"]):
            print(f"    {'STATES ' + ','.join(words) if words else 'marked'}: {entry['sentence']}")
    return {"sentences": len(result.evidence), "stated": stated, "marked": marked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="fixture names (ml_en ... D2N018 D2N041)")
    parser.add_argument("--cache", type=Path, help="JSON file of transcripts to reuse/store")
    parser.add_argument("--show", action="store_true", help="print the sentences with uncertain words")
    args = parser.parse_args()

    cache: dict[str, list[dict]] = {}
    if args.cache and args.cache.exists():
        cache = json.loads(args.cache.read_text(encoding="utf-8"))
    names = args.only or list(FIXTURES)
    totals = {"before": {"sentences": 0, "stated": 0, "marked": 0}, "after": {"sentences": 0, "stated": 0, "marked": 0}}
    low_words = all_words = 0
    started = time.monotonic()
    for name in names:
        path, language = FIXTURES[name]
        if name not in cache:
            cache[name] = transcribe(path, language)
        utterances = cache[name]
        with_words = turns_of(utterances, with_words=True)
        without = turns_of(utterances, with_words=False)
        for u in utterances:
            for w in u["words"]:
                all_words += 1
                low_words += w["confidence"] is not None and w["confidence"] < LOW_CONFIDENCE
        if args.show:
            print(f"{name}:")
        before = count(with_words, without, language, args.show)
        after = count(with_words, with_words, language, args.show)
        for key in totals["before"]:
            totals["before"][key] += before[key]
            totals["after"][key] += after[key]
        print(f"{name:8s} {language}  before: {before['stated']:2d}/{before['sentences']:3d} sentences state an uncertain word"
              f"   after: {after['stated']:2d}/{after['sentences']:3d} (marked [unclear]: {after['marked']})")
    if args.cache:
        args.cache.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
    b, a = totals["before"], totals["after"]
    print(f"words below {LOW_CONFIDENCE}: {low_words}/{all_words}")
    print(f"TOTAL before: {b['stated']}/{b['sentences']} note sentences state a low-confidence word; "
          f"after: {a['stated']}/{a['sentences']} (sentences with an [unclear: ...] mark: {a['marked']}); "
          f"{time.monotonic() - started:.0f} s")
    return 1 if a["stated"] else 0


if __name__ == "__main__":
    sys.exit(main())
