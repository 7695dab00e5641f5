#!/usr/bin/env python3
"""Clinic vocabulary benchmark: recognition of drug names with and without the clinic's custom vocabulary.

A medication-review visit full of drug names (``DIALOGUE`` below, 24 drugs, some said twice) is synthesised
with espeak-ng (clinician ``en-us+m3``, patient ``en-gb+f4``, as ``bench/synth_visit.py``) and, with
``--voices N``, with N more random voice pairs from ``bench/diarization.py``. The offline engine
(:class:`transcription.providers.local_whisper.LocalWhisperEngine`, Whisper tiny.en) recognises it:

* ``none``      no vocabulary;
* ``visit+40``  the visit's drugs among 40 other common drugs (64 terms, shuffled): a clinic formulary;
* ``500``       500 terms (the maximum): the visit's drugs placed after 436 others, so with Whisper's
                223-token hotword budget most of them do not reach the prompt (shows the limit).

Reported: drug-name recall (occurrences of a drug name recognised with its exact spelling, case-insensitive,
hyphens as spaces), drug names *inserted* (a vocabulary drug in the transcript that was not said at that
point: the safety cost of biasing) and, in brackets, how many of those carry a confidence at or above
``LOW_CONFIDENCE`` (a note would state them as facts; below it they are marked ``[unclear: ...?]``), overall
WER (``transcription.speech.evaluation``), and seconds.

    nice -n 10 .venv/bin/python bench/vocabulary.py            # the fixed voices
    nice -n 10 .venv/bin/python bench/vocabulary.py --voices 2 # + 2 random voice pairs
    nice -n 10 .venv/bin/python bench/vocabulary.py --live     # the live engine's finals instead

With ``--live`` the visit is streamed through the live engine (``transcription.live.local_engine.stream_samples``,
0.5 s steps as fast as they run, end-of-turn re-decoding on) and its finals are scored the same way; with
``--refined`` also what such a session stores (the batch pipeline over the session's audio, without and with the
live finals' vocabulary words where only they hold one; seconds cover the stream and both).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")

DIALOGUE = [
    ("doctor", "Let's go through your medications. Are you still taking atorvastatin every evening?"),
    ("patient", "Yes, atorvastatin forty milligrams, and the lisinopril in the morning."),
    ("doctor", "Good. And the metformin, twice a day with meals?"),
    ("patient", "Metformin twice a day, yes. The pharmacy also gave me amlodipine last month."),
    ("doctor", "Amlodipine can make your ankles swell. Any swelling?"),
    ("patient", "A little. I also take omeprazole for my stomach and levothyroxine for my thyroid."),
    ("doctor", "Take the levothyroxine on an empty stomach, half an hour before the omeprazole."),
    ("patient", "The neurologist started gabapentin for the nerve pain in my feet."),
    ("doctor", "How is your mood? Last time we talked about sertraline."),
    ("patient", "I switched from sertraline to escitalopram in the spring, it suits me better."),
    ("doctor", "For the heart rhythm you are on apixaban, not warfarin anymore, correct?"),
    ("patient", "Right, apixaban. I stopped the warfarin in January."),
    ("doctor", "And for the prostate, tamsulosin at night. Any dizziness when you stand up?"),
    ("patient", "Sometimes. The furosemide makes me run to the bathroom too."),
    ("doctor", "We could lower the furosemide. Do you still use the montelukast and the salbutamol inhaler?"),
    ("patient", "Montelukast every night, salbutamol maybe twice a week."),
    ("doctor", "Any allergies? I have penicillin and clarithromycin on file."),
    ("patient", "Yes, penicillin gave me a rash. Clarithromycin upset my stomach."),
    ("doctor", "I will add spironolactone and stop the hydrochlorothiazide. We keep the clopidogrel."),
    ("patient", "Should I take paracetamol or ibuprofen for my knee?"),
    ("doctor", "Paracetamol is safer with apixaban. Avoid ibuprofen and naproxen."),
]
VISIT_DRUGS = ["atorvastatin", "lisinopril", "metformin", "amlodipine", "omeprazole", "levothyroxine",
               "gabapentin", "sertraline", "escitalopram", "apixaban", "warfarin", "tamsulosin", "furosemide",
               "montelukast", "salbutamol", "penicillin", "clarithromycin", "spironolactone",
               "hydrochlorothiazide", "clopidogrel", "paracetamol", "ibuprofen", "naproxen"]
OTHER_DRUGS = ["rosuvastatin", "simvastatin", "ramipril", "enalapril", "losartan", "valsartan", "bisoprolol",
               "metoprolol", "carvedilol", "diltiazem", "verapamil", "digoxin", "rivaroxaban", "dabigatran",
               "edoxaban", "pantoprazole", "lansoprazole", "esomeprazole", "ranitidine", "sitagliptin",
               "empagliflozin", "dapagliflozin", "gliclazide", "insulin glargine", "liraglutide", "semaglutide",
               "pregabalin", "duloxetine", "venlafaxine", "mirtazapine", "citalopram", "fluoxetine", "quetiapine",
               "olanzapine", "risperidone", "lamotrigine", "levetiracetam", "valproate", "prednisolone",
               "hydrocortisone"]
VOICES = {"doctor": ("en-us+m3", 45, 165), "patient": ("en-gb+f4", 60, 165)}


def norm(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).strip() + " "


def synth(voices: dict) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """The dialogue as 16 kHz samples and its turns ``(start, end, text)``."""
    from diarization import SR, Voice, speak

    out, turns, t = [], [], 0.3
    out.append(np.zeros(int(0.3 * SR), dtype=np.float32))
    for role, text in DIALOGUE:
        accent_variant, pitch, speed = voices[role]
        accent, variant = accent_variant.split("+")
        y = speak(text, Voice(accent, variant, pitch, speed))
        turns.append((t, t + y.size / SR, text))
        out += [y, np.zeros(int(0.5 * SR), dtype=np.float32)]
        t += y.size / SR + 0.5
    return np.concatenate(out), turns


def drug_scores(turns, words, vocab_drugs: list[str], show: bool = False) -> tuple[int, int, int]:
    """``(said, recognised, inserted)``: per turn, drug mentions said vs found in the words of that turn.

    With ``show`` each insertion is printed with the turn's reference and recognised text (synthetic dialogue).
    """
    said = found = inserted = 0
    for start, end, text in turns:
        hyp = norm(" ".join(w.text for w in words if start - 0.3 <= (w.start + w.end) / 2 <= end + 0.3))
        ref = norm(text)
        for drug in set(vocab_drugs) | set(VISIT_DRUGS):
            d = norm(drug)
            n_ref, n_hyp = ref.count(d), hyp.count(d)
            said += n_ref
            found += min(n_ref, n_hyp)
            inserted += max(0, n_hyp - n_ref)
            if show and n_hyp > n_ref:
                print(f"  inserted {drug!r}\n    said:       {text}\n    recognised: {hyp.strip()}")
    return said, found, inserted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--voices", type=int, default=0, help="extra random voice pairs (default 0)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--live", action="store_true", help="score the live engine's finals instead of batch")
    ap.add_argument("--refined", action="store_true", help="score what a live session stores: the batch pipeline "
                    "over the session audio (refine_finals, live speakers) without and with the live finals' "
                    "vocabulary words kept where only they hold one (keep_heard_vocabulary), beside the finals")
    ap.add_argument("--show-insertions", action="store_true", help="print each inserted drug name in its turn")
    ap.add_argument("--vocabularies", default="none,visit+40,500", help="comma-separated subset to run")
    args = ap.parse_args()
    import django

    django.setup()
    from diarization import random_voice

    from transcription.providers.base import LOW_CONFIDENCE
    from transcription.providers.local_whisper import LocalWhisperEngine
    from transcription.speech.audio import DecodedAudio
    from transcription.speech.evaluation import word_error_rate

    rng = np.random.default_rng(args.seed)
    formulary = VISIT_DRUGS + OTHER_DRUGS
    rng.shuffle(formulary)
    filler = [f"{a}{b}" for a in ("zorba", "quila", "venta", "morla", "trexa", "pilox", "danti", "lumex", "sorvi",
                                  "kenta", "bralo", "fetra", "gurin", "hosta", "jalvi", "nerox", "tabri", "wexil", "corva")
              for b in ("mab", "nib", "pril", "statin", "olol", "sartan", "zepam", "cillin", "mycin", "floxacin",
                        "azole", "tidine", "gliptin", "parin", "lukast", "dronate", "setron", "triptan",
                        "vudine", "previr", "tegravir", "lizumab", "ciclib", "tinib")][: 500 - len(formulary)]
    vocabularies = {"none": [], "visit+40": formulary, "500": OTHER_DRUGS + filler + VISIT_DRUGS}
    assert len(vocabularies["500"]) == 500
    vocabularies = {k: v for k, v in vocabularies.items() if k in args.vocabularies.split(",")}
    voice_sets = [("fixed", VOICES)]
    for i in range(args.voices):
        d, p = random_voice(rng, bool(rng.random() < 0.5)), random_voice(rng)
        voice_sets.append((f"{d.name}/{p.name}", {"doctor": (d.name, d.pitch, d.speed),
                                                   "patient": (p.name, p.pitch, p.speed)}))
    engine = LocalWhisperEngine()
    reference = " ".join(text for _, text in DIALOGUE)
    totals: dict[str, list] = {}
    print("| voices | vocabulary | drug names recognised | drug names inserted (stated) | WER | seconds |")
    print("|---|---|---|---|---|---|")
    for label, voices in voice_sets:
        samples, turns = synth(voices)
        audio = DecodedAudio(samples=samples, duration_seconds=samples.size / 16000)
        engine.recognise(audio, language="en")  # warm-up (model load)
        for name, vocab in vocabularies.items():
            t0 = time.perf_counter()
            if args.live or args.refined:
                from transcription.live.local_engine import stream_samples

                events = stream_samples(samples, language="en", vocabulary=vocab)
                finals = [e for e in events if getattr(e, "is_final", False)]
                variants = [(name, [w for e in finals for w in e.words])]
                if args.refined:
                    from transcription.live.refine import refine_finals

                    variants = [(f"{name} finals", variants[0][1])]
                    for keep in (False, True):
                        stored = refine_finals(samples, language="en", vocabulary=vocab, heard=finals,
                                               live_speakers=True, keep_vocabulary=keep)
                        variants.append((f"{name} stored{' +kept' if keep else ''}",
                                         [w for f in stored for w in f.words]))
            else:
                variants = [(name, engine.recognise(audio, language="en", vocabulary=vocab)[1])]
            dt = time.perf_counter() - t0
            for vname, words in variants:
                said, found, inserted = drug_scores(turns, words, [v for v in vocab if " " not in v],
                                                     show=args.show_insertions)
                confident = [w for w in words if w.probability is None or w.probability >= LOW_CONFIDENCE]
                stated = drug_scores(turns, confident, [v for v in vocab if " " not in v])[2]
                wer = word_error_rate(reference, " ".join(w.text for w in words))
                tot = totals.setdefault(vname, [0, 0, 0, 0.0, 0.0, 0])
                tot[0] += said
                tot[1] += found
                tot[2] += inserted
                tot[3] += wer
                tot[4] += dt
                tot[5] += stated
                print(f"| {label} | {vname} | {found}/{said} ({100 * found / said:.0f} %) | {inserted} ({stated}) | "
                      f"{100 * wer:.1f} % | {dt:.1f} |", flush=True)
    if len(voice_sets) > 1:
        for name, (said, found, inserted, wer, dt, stated) in totals.items():
            print(f"| **all {len(voice_sets)}** | {name} | {found}/{said} ({100 * found / said:.0f} %) | {inserted} ({stated}) | "
                  f"{100 * wer / len(voice_sets):.1f} % | {dt:.1f} |")


if __name__ == "__main__":
    main()
