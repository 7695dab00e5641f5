#!/usr/bin/env python3
"""Write the small diarization test fixtures ``tests/fixtures/audio/diarization/*.ogg`` + ``.json``.

* ``short_two.ogg``: an 11 s exchange of two voices (the "short clip" case, issue 15).
* ``three_speakers.ogg``: a ~35 s visit with a clinician, a patient and a relative.

Voices are espeak-ng variants not used by the visit fixtures (``en-us+m3``/``en-gb+f4``), synthesised with
:func:`bench.diarization.speak`, encoded as Opus 32 kb/s (``bench/synth_visit.encode_opus``). The JSON holds
``{"turns": [{"speaker", "start", "end", "text"}]}`` (seconds). Needs espeak-ng and sox.

    .venv/bin/python bench/diarization_fixtures.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from diarization import SR, Voice, speak  # noqa: E402
from synth_visit import encode_opus  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "audio" / "diarization"
VOICES = {"clinician": Voice("en-gb-x-rp", "m1", 38, 165), "patient": Voice("en-us", "f2", 68, 160),
          "relative": Voice("en-gb-scotland", "klatt2", 50, 175)}
CLIPS = {
    "short_two": [
        ("clinician", "Good morning. What brings you in today?"),
        ("patient", "I have had a sore throat and a fever since Sunday."),
        ("clinician", "Any trouble swallowing?"),
        ("patient", "Only a little, in the mornings."),
    ],
    "three_speakers": [
        ("clinician", "Hello, please have a seat. How has your father been since the last visit?"),
        ("relative", "He has been more tired, and he forgets to take his tablets in the evening."),
        ("patient", "I feel fine, mostly. My knees hurt when I climb the stairs."),
        ("clinician", "Is the pain worse in the morning or at night?"),
        ("patient", "In the morning, for about an hour, then it gets better."),
        ("relative", "He also fell in the garden two weeks ago, but he did not hit his head."),
        ("clinician", "Thank you, that is important. I would like to check his blood pressure and his balance."),
        ("patient", "All right, doctor."),
    ],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, turns in CLIPS.items():
        pcm, ref, t = [np.zeros(int(0.4 * SR), dtype=np.float32)], [], 0.4
        for speaker, text in turns:
            y = speak(text, VOICES[speaker])
            ref.append({"speaker": speaker, "start": round(t, 3), "end": round(t + y.size / SR, 3), "text": text})
            pcm += [y, np.zeros(int(0.45 * SR), dtype=np.float32)]
            t += y.size / SR + 0.45
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "clip.wav"
            sf.write(wav, np.concatenate(pcm), SR, subtype="PCM_16")
            encode_opus(wav, OUT / f"{name}.ogg")
        (OUT / f"{name}.json").write_text(json.dumps({"voices": {k: f"{v.name} p{v.pitch} s{v.speed}"
                                                                 for k, v in VOICES.items()},
                                                      "duration_s": round(t, 3), "turns": ref}, indent=1) + "\n")
        print(f"{name}: {t:.1f} s, {len(ref)} turns")


if __name__ == "__main__":
    main()
