"""Diarization on short, three-speaker and real two-person clips (issue 15): right speaker count and a DER bound.

Fixtures made by ``bench/diarization_fixtures.py`` (espeak-ng voices not used elsewhere, Opus 32 kb/s).
Speech regions come from Silero VAD as in ``bench/diarization.py``; DER with pyannote.metrics (collar
0.25 s). The real encoder runs; nothing is mocked. The bounds leave room over the measured values
(short clip 0.0 %, three speakers ~1 %, brief replies ~2.5 % with the collar; before the split-and-merge
and brief-voice candidates of ``diarize`` the brief replies came out as one speaker). ``relative_joins`` is
a known limitation (xfail).
"""

from __future__ import annotations

import json
import warnings

import pytest

from tests.conftest import AUDIO
from transcription.speech.audio import decode_audio
from transcription.speech.diarization import diarize

CLIPS = AUDIO / "diarization"


def _regions(samples):
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    stamps = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300, speech_pad_ms=50))
    return [(c["start"] / 16000, c["end"] / 16000) for c in stamps]


def _der(turns, segments, collar=0.25) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref, hyp = Annotation(), Annotation()
    for i, t in enumerate(turns):
        ref[Segment(t["start"], t["end"]), i] = t["speaker"]
    for i, s in enumerate(segments):
        hyp[Segment(s.start, s.end), i] = str(s.speaker)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "uem approximated" notice
        return DiarizationErrorRate(collar=collar)(ref, hyp)


RELATIVE_MERGED = pytest.mark.xfail(strict=True, reason=(
    "known limitation (issue 15): the daughter's voice stays merged with her father's. Splitting one cluster "
    "to find her works on this clip but also split two-voice visits into a voice and its turn-boundary "
    "windows (2 of 10 held-out visits), so it was left out"))


@pytest.mark.parametrize("name, speakers, max_der", [("short_two", 2, 0.10), ("three_speakers", 3, 0.10),
                                                     ("brief_reply", 2, 0.10),
                                                     pytest.param("relative_joins", 3, 0.10, marks=RELATIVE_MERGED)])
def test_speaker_count_and_der(name, speakers, max_der):
    reference = json.loads((CLIPS / f"{name}.json").read_text())
    audio = decode_audio(CLIPS / f"{name}.ogg")
    segments = diarize(audio.samples, _regions(audio.samples))
    assert len({s.speaker for s in segments}) == speakers
    assert _der(reference["turns"], segments) <= max_der


def test_one_voice_of_the_short_clip_stays_one_speaker():
    """The same clip cut to the clinician's turns only: a single voice is never split."""
    reference = json.loads((CLIPS / "three_speakers.json").read_text())
    audio = decode_audio(CLIPS / "three_speakers.ogg")
    turns = [t for t in reference["turns"] if t["speaker"] == "clinician"]
    samples = audio.samples
    import numpy as np

    pieces = [samples[int(t["start"] * 16000): int(t["end"] * 16000)] for t in turns]
    gap = np.zeros(int(0.45 * 16000), dtype=np.float32)
    one = np.concatenate([p for piece in pieces for p in (piece, gap)])
    segments = diarize(one, _regions(one))
    assert segments and len({s.speaker for s in segments}) == 1


def test_real_two_person_recording():
    """Human voices, not espeak: pyannote.audio's 30 s sample (``tests/fixtures/audio/real``), two people
    with quick exchanges and overlapping speech.  Measured 17.4 % DER (9.8 % with the collar); 20.0 /
    11.7 % before the second, 1.2 s-window pass that places the turns (7.8 % of its speech is two
    people at once, which a one-speaker-at-a-time answer always misses)."""
    real = AUDIO / "real"
    audio = decode_audio(real / "pyannote_sample.flac")
    turns = []
    for line in (real / "pyannote_sample.rttm").read_text().splitlines():
        p = line.split()
        turns.append({"start": float(p[3]), "end": float(p[3]) + float(p[4]), "speaker": p[7]})
    segments = diarize(audio.samples, _regions(audio.samples))
    assert len({s.speaker for s in segments}) == 2
    assert _der(turns, segments, collar=0.0) <= 0.19
    assert _der(turns, segments) <= 0.12
