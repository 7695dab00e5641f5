"""Speech never lost: per language, word error rate and turns lost, pipeline vs bare faster-whisper.

Usage::

    python bench/turns_lost.py [--dir tests/fixtures/audio/multilingual] [--json OUT] [--live]

Each ``visit_<lang>.(ogg|wav)`` with its ``.json`` reference (made by ``bench/synth_visit.py``:
two espeak-ng voices, 10 turns, some at -18 dB, some at 240 words/min) is transcribed by

* ``pipeline``: :class:`transcription.providers.local_whisper.LocalWhisperEngine` (what
  ``POST /v1/transcribe`` runs), and
* ``bare``: ``faster_whisper.WhisperModel.transcribe`` with the same model, beam and VAD settings and
  faster-whisper's own defaults otherwise (its no-speech skip included);
* ``live`` (with ``--live``): the offline streaming engine's finals, audio fed as fast as it is taken.

and scored with :mod:`transcription.speech.evaluation` (WER; turns with no recognised word). The
target: 0 turns lost for the pipeline on every language.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def bare_words(path: Path, language: str):
    """Words from bare faster-whisper (same model, beam and VAD parameters as the engine)."""
    from transcription.providers.base import Word
    from transcription.providers.local_whisper import WhisperSettings, get_whisper_model
    from transcription.speech.audio import decode_audio

    audio = decode_audio(str(path))
    s = WhisperSettings()
    _, model = get_whisper_model(language)
    segments, _ = model.transcribe(
        audio.samples, language=language, beam_size=s.beam_size, word_timestamps=True, vad_filter=True,
        vad_parameters={"min_silence_duration_ms": s.vad_min_silence_ms, "speech_pad_ms": s.vad_speech_pad_ms},
        condition_on_previous_text=False)
    return [Word(w.word.strip(), w.start, w.end, None, w.probability) for seg in segments for w in seg.words or ()]


def pipeline_words(path: Path, language: str):
    """Words of the full offline pipeline (ASR + filters + diarization)."""
    from transcription.speech.audio import decode_audio
    from transcription.speech.pipeline import get_local_engine

    return get_local_engine().transcribe(decode_audio(str(path)), language=language).words


def live_words(path: Path, language: str):
    """Final words of the offline streaming engine, audio pushed in 0.5 s steps."""
    from transcription.live.base import LiveSegment
    from transcription.live.local_engine import stream_samples
    from transcription.speech.audio import decode_audio

    events = stream_samples(decode_audio(str(path)).samples, language=language)
    return [w for e in events if isinstance(e, LiveSegment) and e.is_final for w in e.words]


def main() -> int:
    from transcription.speech.evaluation import turns_lost, word_error_rate

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=str(REPO / "tests" / "fixtures" / "audio" / "multilingual"))
    parser.add_argument("--json", default="")
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--languages", default="", help="comma-separated subset, e.g. en,es")
    parser.add_argument("--systems", default="", help="comma-separated subset of pipeline,bare,live")
    args = parser.parse_args()
    systems = {"pipeline": pipeline_words, "bare": bare_words}
    if args.live:
        systems["live"] = live_words
    if args.systems:
        systems = {k: v for k, v in {"pipeline": pipeline_words, "bare": bare_words, "live": live_words}.items()
                   if k in args.systems.split(",")}
    rows = []
    for ref_path in sorted(Path(args.dir).glob("visit_*.json")):
        ref = json.loads(ref_path.read_text(encoding="utf-8"))
        if args.languages and ref["language"] not in args.languages.split(","):
            continue
        audio = next(p for p in (ref_path.with_suffix(".wav"), ref_path.with_suffix(".ogg")) if p.is_file())
        reference = " ".join(t["text"] for t in ref["turns"])
        for name, fn in systems.items():
            started = time.perf_counter()
            words = fn(audio, ref["language"])
            seconds = time.perf_counter() - started
            lost = turns_lost(words, ref["turns"])
            row = {"language": ref["language"], "system": name, "turns": len(ref["turns"]),
                   "turns_lost": len(lost), "lost": lost,
                   "wer": round(word_error_rate(reference, " ".join(w.text for w in words)), 3),
                   "seconds": round(seconds, 2)}
            rows.append(row)
            print(f"{row['language']}  {name:8s} turns lost {row['turns_lost']}/{row['turns']} {lost}  "
                  f"WER {row['wer']:.3f}  {seconds:.1f} s", flush=True)
    for name in systems:
        sel = [r for r in rows if r["system"] == name]
        print(f"TOTAL {name:8s} turns lost {sum(r['turns_lost'] for r in sel)}/{sum(r['turns'] for r in sel)}  "
              f"mean WER {sum(r['wer'] for r in sel) / len(sel):.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0 if all(r["turns_lost"] == 0 for r in rows if r["system"] == "pipeline") else 1


if __name__ == "__main__":
    import django
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
    django.setup()
    raise SystemExit(main())
