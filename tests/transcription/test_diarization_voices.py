"""Diarization on short, three-speaker and real two-person clips (issue 15): right speaker count and a DER bound.

Fixtures made by ``bench/diarization_fixtures.py`` (espeak-ng voices not used elsewhere, Opus 32 kb/s).
Speech regions come from Silero VAD as in ``bench/diarization.py``; DER with pyannote.metrics (collar
0.25 s). The real encoder runs; nothing is mocked. The bounds leave room over the measured values
(short clip 0.0 %, three speakers ~1 %, brief replies ~2.5 % with the collar; before the split-and-merge
and brief-voice candidates of ``diarize`` the brief replies came out as one speaker). ``relative_joins``: a daughter
whose voice is near her father's (measured 0.6 % DER with the collar; before the split candidates and the
mixed-window exclusion of 2026-12-02 she stayed merged with him, ~18 %). ``relative_brief`` (a visit of
``bench/diarization.py``, seed 15, condition "three", visit 2, stored as Opus): a relative who speaks 6 windows'
worth beside a clinician's long turns; 3-means halves the clinician, and only the split of the patient's cluster
finds her (0.8 % with the collar; 14.1 % and two speakers with ``split_candidates=False``).
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


@pytest.mark.parametrize("name, speakers, max_der", [("short_two", 2, 0.10), ("three_speakers", 3, 0.10),
                                                     ("brief_reply", 2, 0.10), ("relative_joins", 3, 0.10),
                                                     ("relative_brief", 3, 0.10)])
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


def test_windows_that_straddle_a_speaker_change_are_marked():
    """``_mixed_windows``: a change inside a speech region marks the windows whose span (+0.5 s) holds it;
    a change between two regions (a pause) marks nothing."""
    import numpy as np

    from transcription.speech.diarization import _mixed_windows

    # region 0: windows at 0, 0.75, ..., 3.75 s (1.6 s long), speaker 0 then 1 from the 4th window;
    # region 1: two windows of speaker 0 after a pause
    times = np.array([0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 8.0, 8.75])
    labels = np.array([0, 0, 0, 1, 1, 1, 0, 0])
    region = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    mixed = _mixed_windows(labels, region, times, np.full(8, 1.6))
    # the change is placed at (2.3 + 3.05) / 2 = 2.675 s: windows 1.5-3.1, 2.25-3.85 and, with the margin,
    # 0.75-2.35 and 3.0-4.6 hold it
    assert mixed.tolist() == [False, True, True, True, True, False, False, False]
    assert not _mixed_windows(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]), times[:4], np.full(4, 1.6)).any()


def test_the_batch_transcript_gives_the_relative_her_own_speaker():
    """Through the real pipeline (Whisper's words as speech regions, then ``diarize``): the daughter who speaks
    for her father is a third speaker, and what each of the three said stays theirs -- the swollen ankles and
    the wheeze are reported by the daughter, the three pillows by the father, the water tablet by the clinician
    (tiny.en hears "furosemide" and "breakfast" as "furrow's mind" and "back first", so other words are used)."""
    from transcription.speech.pipeline import transcribe_file

    result = transcribe_file(CLIPS / "relative_joins.ogg", language="en")
    assert len({u.speaker for u in result.utterances}) == 3

    def speaker_of(phrase):
        said = [u.speaker for u in result.utterances if phrase in u.text.lower()]
        assert said, phrase
        return said[0]

    clinician, father, daughter = speaker_of("good afternoon"), speaker_of("three pillows"), speaker_of("ankles")
    assert len({clinician, father, daughter}) == 3
    assert speaker_of("wheezing") == daughter and speaker_of("i will make") == daughter
    assert speaker_of("water tablet") == clinician and speaker_of("extra pillows") == clinician
    assert speaker_of("toilet") == father
