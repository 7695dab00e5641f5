"""ChatMed part 2 benchmark: the voice assistant's stages and image validation, in-process.

* **Voice**: a spoken English question (synthesised with espeak-ng, ~5 s) and the Spanish fixture
  ``tests/fixtures/audio/consulta_es.ogg`` (6.7 s): PyAV decoding, Whisper language identification
  (multilingual base model), recognition with the local engine (``tiny.en`` / ``base``), real-time
  factor (processing seconds / audio seconds), and espeak-ng synthesis of a 60-word answer. Models are
  loaded once before timing (a server preloads them with ``MEDSYNC_WARM_UP_SPEECH``).
* **Images**: validation + de-identification (:func:`chatmed.vision.images.validate_image`) of a
  2048 x 2048 16-bit DICOM (8 MiB, the size of a chest radiograph), a 3000 x 2000 JPEG and a 1024 x 1024
  PNG: wall time and peak Python memory (``tracemalloc``, numpy buffers included).
Medians of ``--rounds`` runs; the machine's load average is printed first (shared machines inflate
wall-clock figures). No database needed.

    .venv/bin/python bench/chatmed_part2.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsync.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ANSWER = ("Headaches that last several days with sensitivity to light are often migraines. Rest in a quiet dark "
          "room, drink water and consider a simple painkiller. Seek urgent care if you have a stiff neck, fever, "
          "confusion, weakness, or the worst headache of your life. This is general information, not a diagnosis, "
          "and a clinician should review persistent symptoms.")


def timed(function, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def voice(rounds: int) -> None:
    import wave

    import numpy as np

    from calls.tts import SAMPLE_RATE, synthesise_sync
    from chatmed.speech.services import detect_spoken_language, synthesise_answer, voice_audio_decode
    from transcription.languages import offline_languages
    from transcription.speech.pipeline import get_local_engine

    samples = synthesise_sync("I have had a bad headache for three days and light hurts my eyes.", voice="en-us")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.astype(np.int16).tobytes())
    inputs = [("en question (espeak-ng WAV)", buffer.getvalue(), "en"),
              ("es consultation (OGG/Opus)", (ROOT / "tests/fixtures/audio/consulta_es.ogg").read_bytes(), "es")]
    engine, allowed = get_local_engine(), offline_languages()
    for _, data, language in inputs:  # load every model once
        audio = voice_audio_decode(io.BytesIO(data))
        detect_spoken_language(audio, allowed=allowed)
        engine.transcribe(audio, language=language, num_speakers=1)
    print("voice assistant stages (median of", rounds, "rounds)")
    for name, data, language in inputs:
        decode_s, audio = timed(lambda d=data: voice_audio_decode(io.BytesIO(d)), rounds)
        detect_s, (found, probability) = timed(lambda a=audio: detect_spoken_language(a, allowed=allowed), rounds)
        asr_s, result = timed(lambda a=audio, lang=language: engine.transcribe(a, language=lang, num_speakers=1), rounds)
        text = " ".join(u.text for u in result.utterances)
        print(f"  {name}: {audio.duration_seconds:.1f} s audio | decode {decode_s * 1000:.0f} ms | language id "
              f"{detect_s * 1000:.0f} ms -> {found} (p={probability:.2f}) | recognition {asr_s * 1000:.0f} ms "
              f"(RTF {asr_s / audio.duration_seconds:.2f}) | {text[:60]!r}")
    tts_s, wav = timed(lambda: synthesise_answer(ANSWER, language="en"), rounds)
    with wave.open(io.BytesIO(wav)) as out:
        spoken = out.getnframes() / out.getframerate()
    print(f"  espeak-ng answer ({len(ANSWER.split())} words): {tts_s * 1000:.0f} ms for {spoken:.1f} s of speech "
          f"(RTF {tts_s / spoken:.3f})")


def images(rounds: int) -> None:
    import numpy as np
    from PIL import Image

    from chatmed.vision.images import validate_image
    from tests.chatmed.test_vision import dicom_bytes

    jpeg, png = io.BytesIO(), io.BytesIO()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (2000, 3000, 3), dtype=np.uint8)).save(jpeg, format="JPEG", quality=90)
    Image.fromarray(rng.integers(0, 255, (1024, 1024), dtype=np.uint8)).save(png, format="PNG")
    cases = [("DICOM 2048x2048 16-bit", dicom_bytes(rows=2048, columns=2048), "x.dcm"),
             ("JPEG 3000x2000", jpeg.getvalue(), "x.jpg"), ("PNG 1024x1024", png.getvalue(), "x.png")]
    print("image validation + de-identification (median of", rounds, "rounds)")
    for name, data, filename in cases:
        seconds, _ = timed(lambda d=data, f=filename: validate_image(d, filename=f), rounds)
        tracemalloc.start()
        validate_image(data, filename=filename)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {name} ({len(data) / 2**20:.1f} MiB): {seconds * 1000:.0f} ms, peak memory {peak / 2**20:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
    images(args.rounds)
    voice(args.rounds)


if __name__ == "__main__":
    main()
