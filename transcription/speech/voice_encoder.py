"""Torch-free port of Resemblyzer's speaker encoder (GE2E d-vectors) in numpy.

Resemblyzer 0.1.4 (https://github.com/resemble-ai/Resemblyzer, Apache-2.0) ships
``resemblyzer/pretrained.pt``: a 3-layer LSTM (input 40 mel channels, 256 hidden units)
followed by ``Linear(256, 256)`` + ReLU + L2 normalisation, trained with the GE2E loss
(Wan et al., 2018) on 1.6 s windows of a 40-channel *power* mel spectrogram.  The upstream
package needs torch, librosa and webrtcvad; we only need the weights file, so the package is
installed with ``pip install --no-deps resemblyzer==0.1.4`` and never imported.  This module:

* reads ``pretrained.pt`` without torch (:func:`load_checkpoint`).  The file is a *legacy*
  (pre-1.6, non-zip) torch serialisation: 3 small pickles (magic number, protocol version,
  system info), the main pickle whose tensors reference storages through ``persistent_load``,
  a pickle with the list of storage keys, then for every key an int64 element count followed
  by the raw little-endian data.  The newer zip format (``archive/data.pkl`` +
  ``archive/data/<key>``) is handled too, in case a future wheel switches to it.
* computes the mel spectrogram exactly as ``resemblyzer.audio.wav_to_mel_spectrogram`` does
  with librosa (``melspectrogram(sr=16000, n_fft=400, hop_length=160, n_mels=40)``:
  periodic Hann window, ``center=True``, power 2, Slaney mel scale and Slaney area
  normalisation, ``fmin=0``, ``fmax=sr/2``) (:func:`mel_spectrogram`).
* applies resemblyzer's volume normalisation to -30 dBFS, increase only
  (:func:`normalize_volume`; ``hparams.audio_norm_target_dBFS``).
* runs the LSTM in float32 numpy, batching many windows at once
  (:meth:`VoiceEncoder.embed_frames`).  PyTorch's LSTM gate order is ``i, f, g, o`` (the
  blocks are reordered to ``i, f, o, g`` at load time so one sigmoid covers three gates) and
  ``h_t = o * tanh(c_t)``, ``c_t = f * c_{t-1} + i * g`` with ``i, f, o = sigmoid(.)``,
  ``g = tanh(.)`` (torch.nn.LSTM documentation).

Correctness: during development the port was checked against the original in a throw-away
virtualenv (torch 2.13 CPU, librosa 0.11, resemblyzer 0.1.4 -- none of them a dependency of
this project): on ``visit_D2N018_12turns.wav`` all 158 partial embeddings of
``VoiceEncoder.embed_utterance(return_partials=True)`` agreed with :meth:`VoiceEncoder.embed_windows`
to a cosine similarity >= 0.9999999, the LSTM output to 5e-7 absolute, and the mel spectrogram
to 2e-7 relative.  Without torch, ``tests/transcription/test_local_engine.py`` checks the
filterbank against faster-whisper's copy of librosa's Slaney filters and the behaviour that
matters: windows of the same synthetic voice have a mean cosine similarity > 0.8 and windows of
the two different voices a clearly lower one.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import pickle
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

__all__ = [
    "SAMPLE_RATE",
    "N_FFT",
    "HOP_LENGTH",
    "N_MELS",
    "PARTIAL_FRAMES",
    "CheckpointError",
    "VoiceEncoder",
    "default_weights_path",
    "get_voice_encoder",
    "load_checkpoint",
    "mel_filterbank",
    "mel_spectrogram",
    "normalize_volume",
]

# Values from resemblyzer/hparams.py (0.1.4).
SAMPLE_RATE = 16000  #: Hz (``sampling_rate``)
N_FFT = 400  #: samples: 25 ms window (``mel_window_length``)
HOP_LENGTH = 160  #: samples: 10 ms step (``mel_window_step``)
N_MELS = 40  #: mel channels (``mel_n_channels``)
PARTIAL_FRAMES = 160  #: frames in the 1.6 s windows the model was trained on (``partials_n_frames``)
AUDIO_NORM_TARGET_DBFS = -30.0  #: dBFS (``audio_norm_target_dBFS``)
_INT16_MAX = 2**15 - 1
HIDDEN = 256  #: ``model_hidden_size``
EMBEDDING = 256  #: ``model_embedding_size``
NUM_LAYERS = 3  #: ``model_num_layers``


class CheckpointError(RuntimeError):
    """The speaker-encoder weights file is missing or not a readable torch checkpoint."""


# --------------------------------------------------------------------------------------
# Checkpoint loading without torch
# --------------------------------------------------------------------------------------

_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "BFloat16Storage": None,  # not representable in numpy; never used by this checkpoint
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


@dataclass
class _StorageType:
    name: str

    @property
    def dtype(self) -> np.dtype:
        dt = _DTYPES.get(self.name)
        if dt is None:
            raise CheckpointError(f"unsupported tensor storage type {self.name}")
        return np.dtype(dt)


class _Storage:
    """A flat buffer standing in for a torch storage; filled once its data has been read."""

    def __init__(self, dtype: np.dtype, numel: int) -> None:
        self.dtype = dtype
        self.numel = numel
        self.data: np.ndarray | None = None


class _LazyTensor:
    """What ``torch._utils._rebuild_tensor_v2`` returns here; materialised after all reads."""

    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def to_numpy(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise CheckpointError("tensor storage was never read from the checkpoint")
        itemsize = data.dtype.itemsize
        if not self.size:
            return np.array(data[self.offset])
        return np.lib.stride_tricks.as_strided(
            data[self.offset :],
            shape=self.size,
            strides=tuple(s * itemsize for s in self.stride),
        ).copy()


def _rebuild_tensor(storage: _Storage, storage_offset: int, size: tuple, stride: tuple, *_: Any) -> _LazyTensor:
    return _LazyTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data: Any, *_: Any) -> Any:
    return data


class _TorchUnpickler(pickle.Unpickler):
    """Unpickler that maps the few torch globals a state-dict checkpoint uses to numpy stand-ins.

    Any other global is refused (:class:`CheckpointError`) rather than imported, so loading a
    checkpoint never executes arbitrary code.
    """

    def __init__(self, file: BinaryIO, storages: dict[str, _Storage], zip_reader: zipfile.ZipFile | None = None,
                 zip_prefix: str = "") -> None:
        super().__init__(file, encoding="utf-8")
        self._storages = storages
        self._zip = zip_reader
        self._zip_prefix = zip_prefix

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise CheckpointError(f"refusing to load {module}.{name} from the checkpoint")

    def persistent_load(self, pid: Any) -> _Storage:
        # Legacy: ('storage', storage_type, root_key, location, numel, view_metadata)
        # Zip:    ('storage', storage_type, key, location, numel)
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise CheckpointError(f"unexpected persistent id in the checkpoint: {pid!r:.80}")
        storage_type, key, numel = pid[1], str(pid[2]), int(pid[4])
        if len(pid) > 5 and pid[5] is not None:
            raise CheckpointError("storage views are not supported")
        if key not in self._storages:
            if not isinstance(storage_type, _StorageType):
                raise CheckpointError("unknown storage type in the checkpoint")
            storage = _Storage(storage_type.dtype, numel)
            if self._zip is not None:
                raw = self._zip.read(f"{self._zip_prefix}data/{key}")
                storage.data = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"), count=numel)
            self._storages[key] = storage
        return self._storages[key]


def _materialise(obj: Any) -> Any:
    if isinstance(obj, _LazyTensor):
        return obj.to_numpy()
    if isinstance(obj, dict):
        return type(obj)((k, _materialise(v)) for k, v in obj.items()) if isinstance(obj, OrderedDict) else {
            k: _materialise(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialise(v) for v in obj)
    return obj


def load_checkpoint(path: str | Path) -> Any:
    """Load a torch checkpoint (legacy or zip format) into plain Python + numpy objects.

    Args:
        path: the ``.pt`` file.
    Returns:
        The unpickled object with every tensor replaced by a ``numpy.ndarray`` of its dtype and
        shape (e.g. ``{"step": int, "model_state": OrderedDict[str, ndarray], ...}``).
    Raises:
        CheckpointError: missing file, unknown format, truncated data or a pickle referencing
            anything other than tensors/storages/OrderedDict.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"speaker-encoder weights not found: {path}")
    storages: dict[str, _Storage] = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            pkl = next((n for n in zf.namelist() if n.endswith("data.pkl")), None)
            if pkl is None:
                raise CheckpointError("zip checkpoint without data.pkl")
            prefix = pkl[: -len("data.pkl")]
            obj = _TorchUnpickler(io.BytesIO(zf.read(pkl)), storages, zf, prefix).load()
        return _materialise(obj)

    with open(path, "rb") as f:
        try:
            magic = pickle.load(f)
            if magic != 0x1950A86A20F9469CFC6C:  # torch.serialization.MAGIC_NUMBER
                raise CheckpointError("not a torch checkpoint (bad magic number)")
            pickle.load(f)  # protocol version (1001)
            sys_info = pickle.load(f)
            if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
                raise CheckpointError("big-endian checkpoints are not supported")
            obj = _TorchUnpickler(f, storages).load()
            keys = pickle.load(f)
        except CheckpointError:
            raise
        except Exception as exc:  # pickle errors, EOF
            raise CheckpointError(f"unreadable torch checkpoint: {type(exc).__name__}") from exc
        for key in keys:
            storage = storages.get(str(key))
            if storage is None:
                raise CheckpointError("checkpoint lists a storage that no tensor uses")
            header = f.read(8)
            if len(header) != 8:
                raise CheckpointError("truncated checkpoint")
            numel = int(np.frombuffer(header, dtype="<i8")[0])
            nbytes = numel * storage.dtype.itemsize
            raw = f.read(nbytes)
            if numel != storage.numel or len(raw) != nbytes:
                raise CheckpointError("truncated or inconsistent checkpoint storage")
            storage.data = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"))
    return _materialise(obj)


def default_weights_path() -> Path:
    """Path of ``pretrained.pt`` inside the installed ``resemblyzer`` distribution.

    Found with ``importlib.util.find_spec`` (which does not execute the package: importing
    it would need torch/librosa/webrtcvad).

    Raises:
        CheckpointError: resemblyzer is not installed.
    """
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise CheckpointError(
            "the speaker-encoder weights package is missing: pip install --no-deps resemblyzer==0.1.4")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "pretrained.pt"
        if candidate.is_file():
            return candidate
    raise CheckpointError("resemblyzer is installed but its pretrained.pt is missing")


# --------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------


def _hz_to_mel_slaney(hz: np.ndarray) -> np.ndarray:
    # librosa.hz_to_mel(htk=False): linear below 1 kHz, logarithmic above (Slaney's Auditory Toolbox).
    f_sp = 200.0 / 3
    mels = hz / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(hz >= min_log_hz, min_log_mel + np.log(np.maximum(hz, 1e-10) / min_log_hz) / logstep, mels)


def _mel_to_hz_slaney(mels: np.ndarray) -> np.ndarray:
    f_sp = 200.0 / 3
    freqs = f_sp * mels
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(mels >= min_log_mel, min_log_hz * np.exp(logstep * (mels - min_log_mel)), freqs)


def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS,
                   fmin: float = 0.0, fmax: float | None = None) -> np.ndarray:
    """Slaney-style mel filterbank, identical to ``librosa.filters.mel`` defaults.

    (``htk=False``, ``norm="slaney"``: each triangle is scaled by ``2 / (f_{m+2} - f_m)``.)

    Returns:
        float32 array, shape ``(n_mels, n_fft // 2 + 1)``.
    """
    fmax = sr / 2.0 if fmax is None else fmax
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_pts = np.linspace(_hz_to_mel_slaney(np.array(fmin)), _hz_to_mel_slaney(np.array(fmax)), n_mels + 2)
    hz_pts = _mel_to_hz_slaney(mel_pts)
    fdiff = np.diff(hz_pts)
    ramps = hz_pts[:, None] - fftfreqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (hz_pts[2 : n_mels + 2] - hz_pts[:n_mels]))[:, None]
    return weights.astype(np.float32)


_MEL_FB = mel_filterbank()
_MEL_BLOCK = 6000  # frames (60 s) per FFT block
# Periodic Hann window (scipy.signal.get_window("hann", 400, fftbins=True), librosa's default).
_WINDOW = (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def mel_spectrogram(wav: np.ndarray, *, pad_mode: str = "reflect") -> np.ndarray:
    """Power mel spectrogram as resemblyzer computes it with librosa.

    ``librosa.feature.melspectrogram(y=wav, sr=16000, n_fft=400, hop_length=160, n_mels=40)``
    with ``center=True``.  Padding at both ends is ``n_fft // 2`` samples; librosa < 0.10
    (what resemblyzer was trained and released with) pads with ``reflect``, 0.10 defaults to
    ``constant``: only the first and last two frames differ.

    Args:
        wav: float waveform at 16 kHz, shape ``(n_samples,)``.
        pad_mode: ``"reflect"`` (default) or ``"constant"``.
    Returns:
        float32 array, shape ``(1 + n_samples // 160, 40)`` (frames x mel channels), 10 ms per frame.
    """
    wav = np.asarray(wav, dtype=np.float32).reshape(-1)
    pad = N_FFT // 2
    if pad_mode == "reflect" and len(wav) <= pad:
        pad_mode = "constant"  # numpy cannot reflect a signal shorter than the pad
    padded = np.pad(wav, (pad, pad), mode=pad_mode)
    n_frames = 1 + (len(padded) - N_FFT) // HOP_LENGTH
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(n_frames, N_FFT), strides=(padded.strides[0] * HOP_LENGTH, padded.strides[0]),
        writeable=False)
    out = np.empty((n_frames, N_MELS), dtype=np.float32)
    for b in range(0, n_frames, _MEL_BLOCK):  # blocks keep the FFT temporaries ~30 MB
        spec = np.fft.rfft(frames[b : b + _MEL_BLOCK] * _WINDOW, axis=1)
        power = (spec.real**2 + spec.imag**2).astype(np.float32)
        out[b : b + _MEL_BLOCK] = power @ _MEL_FB.T
    return out


def normalize_volume(wav: np.ndarray, target_dbfs: float = AUDIO_NORM_TARGET_DBFS,
                     increase_only: bool = True) -> np.ndarray:
    """Scale a waveform to ``target_dbfs`` RMS level (resemblyzer.audio.normalize_volume).

    Args:
        wav: float waveform in [-1, 1], shape ``(n,)``.
        target_dbfs: target RMS level in dBFS (default -30, resemblyzer's hparams).
        increase_only: only ever amplify (resemblyzer's ``preprocess_wav`` uses True).
    Returns:
        float32 waveform of the same shape (unchanged when silent or already louder).
    """
    wav = np.asarray(wav, dtype=np.float32)
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if wav.size else 0.0
    if rms <= 0.0:
        return wav
    change_db = target_dbfs - 20.0 * np.log10(rms)
    if change_db < 0 and increase_only:
        return wav
    return (wav * (10.0 ** (change_db / 20.0))).astype(np.float32)


# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------


def _reorder_gates(a: np.ndarray) -> np.ndarray:
    """Torch gate blocks (i, f, g, o) along axis 0 -> (i, f, o, g)."""
    i, f, g, o = np.split(a, 4, axis=0)
    return np.concatenate([i, f, o, g], axis=0)


def _sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # 0.5 * (1 + tanh(x / 2)) == 1 / (1 + exp(-x)), without overflow warnings.
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


class VoiceEncoder:
    """Resemblyzer's speaker encoder evaluated with numpy.

    Thread-safe after construction (weights are read-only; each call allocates its own state).
    """

    def __init__(self, weights_path: str | Path | None = None) -> None:
        """Load the weights.

        Args:
            weights_path: a resemblyzer-style checkpoint; default the installed ``pretrained.pt``.
        Raises:
            CheckpointError: missing/unreadable weights or unexpected tensor shapes.
        """
        ckpt = load_checkpoint(weights_path or default_weights_path())
        state = ckpt.get("model_state", ckpt) if isinstance(ckpt, dict) else None
        if not isinstance(state, dict):
            raise CheckpointError("checkpoint has no model_state")
        try:
            self._layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
            for layer in range(NUM_LAYERS):
                w_ih = np.asarray(state[f"lstm.weight_ih_l{layer}"], dtype=np.float32)
                w_hh = np.asarray(state[f"lstm.weight_hh_l{layer}"], dtype=np.float32)
                bias = (np.asarray(state[f"lstm.bias_ih_l{layer}"], dtype=np.float32)
                        + np.asarray(state[f"lstm.bias_hh_l{layer}"], dtype=np.float32))
                n_in = N_MELS if layer == 0 else HIDDEN
                if w_ih.shape != (4 * HIDDEN, n_in) or w_hh.shape != (4 * HIDDEN, HIDDEN):
                    raise CheckpointError("unexpected LSTM weight shapes")
                # Gate blocks reordered from torch's (i, f, g, o) to (i, f, o, g) so the three
                # sigmoid gates are one contiguous slice; stored transposed for (batch, in) @ (in, 4H).
                w_ih, w_hh, bias = (_reorder_gates(a) for a in (w_ih, w_hh, bias))
                self._layers.append((np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T), bias))
            self._lin_w = np.ascontiguousarray(np.asarray(state["linear.weight"], dtype=np.float32).T)
            self._lin_b = np.asarray(state["linear.bias"], dtype=np.float32)
        except KeyError as exc:
            raise CheckpointError(f"checkpoint lacks {exc.args[0]}") from exc

    def embed_frames(self, mels: np.ndarray, batch_size: int = 256, threads: int | None = None) -> np.ndarray:
        """Embed a batch of equal-length mel windows.

        The LSTM runs as a few hundred small sequential matrix products.  Multi-threaded BLAS
        synchronises its threads inside every product, which collapses when the cores are
        shared with other busy processes (measured on the 2-core target under load: 5-9 s
        instead of ~1 s for 200 windows).  So BLAS is limited to one thread (``threadpoolctl``,
        when installed) and the batch is split across ``threads`` Python threads instead:
        numpy releases the GIL in matmul and ufuncs, and the threads never wait on each other.

        Args:
            mels: float32, shape ``(n_windows, n_frames, 40)`` from :func:`mel_spectrogram`
                (the model was trained with ``n_frames = 160``, i.e. 1.6 s).
            batch_size: windows per LSTM pass (memory ~ ``batch * n_frames * 4 KiB``).
            threads: worker threads (default: CPUs available to the process, at most 4).
        Returns:
            float32, shape ``(n_windows, 256)``: non-negative, L2-normalised d-vectors
            (cosine similarity = dot product).
        """
        mels = np.asarray(mels, dtype=np.float32)
        if mels.ndim != 3 or mels.shape[2] != N_MELS:
            raise ValueError(f"expected (n_windows, n_frames, {N_MELS}) mels, got {mels.shape}")
        n = mels.shape[0]
        out = np.empty((n, EMBEDDING), dtype=np.float32)
        if n == 0:
            return out
        threads = max(1, min(threads or _default_threads(), n))
        per = min(batch_size, -(-n // threads))  # ceil(n / threads), capped by batch_size
        chunks = [(start, min(n, start + per)) for start in range(0, n, per)]

        def run(chunk: tuple[int, int]) -> None:
            a, b = chunk
            out[a:b] = self._forward(mels[a:b])

        with _single_threaded_blas():
            if threads == 1 or len(chunks) == 1:
                for chunk in chunks:
                    run(chunk)
            else:
                list(_executor(threads).map(run, chunks))
        return out

    def _forward(self, x: np.ndarray) -> np.ndarray:
        batch, steps, _ = x.shape
        h_size = HIDDEN
        seq = x
        h = np.zeros((batch, h_size), dtype=np.float32)
        for li, (w_ih, w_hh, bias) in enumerate(self._layers):
            # Input projections for every time step at once: (steps, batch, 4H), time-major.
            xs = np.ascontiguousarray(seq.transpose(1, 0, 2)) if li == 0 else seq
            proj = (xs.reshape(steps * batch, -1) @ w_ih).reshape(steps, batch, 4 * h_size)
            proj += bias
            h = np.zeros((batch, h_size), dtype=np.float32)
            c = np.zeros((batch, h_size), dtype=np.float32)
            last = li == len(self._layers) - 1
            outs = None if last else np.empty((steps, batch, h_size), dtype=np.float32)
            gates = np.empty((batch, 4 * h_size), dtype=np.float32)
            tmp = np.empty((batch, h_size), dtype=np.float32)
            sig = gates[:, : 3 * h_size]
            i_g, f_g, o_g = gates[:, :h_size], gates[:, h_size : 2 * h_size], gates[:, 2 * h_size : 3 * h_size]
            g_g = gates[:, 3 * h_size :]
            for t in range(steps):
                np.matmul(h, w_hh, out=gates)
                gates += proj[t]
                _sigmoid(sig, out=sig)  # i, f, o
                np.tanh(g_g, out=g_g)  # g
                c *= f_g
                np.multiply(i_g, g_g, out=tmp)
                c += tmp
                np.tanh(c, out=tmp)
                h = tmp * o_g
                if outs is not None:
                    outs[t] = h
            seq = outs
        emb = np.maximum(h @ self._lin_w + self._lin_b, 0.0)
        norm = np.linalg.norm(emb, axis=1, keepdims=True)
        return (emb / np.maximum(norm, 1e-12)).astype(np.float32)

    def embed_windows(self, wav: np.ndarray, starts: np.ndarray, window_frames: int = PARTIAL_FRAMES,
                      *, normalize: bool = True) -> np.ndarray:
        """Embed fixed-length windows of one waveform.

        Computes the mel spectrogram of the whole waveform once and slices it, like
        resemblyzer's ``embed_utterance(return_partials=True)``.

        Args:
            wav: float waveform at 16 kHz, shape ``(n_samples,)``.
            starts: window start times in mel frames (10 ms units), shape ``(n_windows,)``;
                windows running past the end are zero-padded.
            window_frames: window length in frames (default 160 = 1.6 s).
            normalize: apply the -30 dBFS volume normalisation to ``wav`` first.
        Returns:
            float32, shape ``(n_windows, 256)``, L2-normalised.
        """
        starts = np.asarray(starts, dtype=np.int64).reshape(-1)
        if starts.size == 0:
            return np.zeros((0, EMBEDDING), dtype=np.float32)
        if normalize:
            wav = normalize_volume(wav)
        mel = mel_spectrogram(wav)
        need = int(starts.max()) + window_frames
        if need > mel.shape[0]:
            mel = np.concatenate([mel, np.zeros((need - mel.shape[0], N_MELS), dtype=np.float32)])
        idx = starts[:, None] + np.arange(window_frames)[None, :]
        return self.embed_frames(mel[idx])


_ENCODER: VoiceEncoder | None = None
_ENCODER_LOCK = threading.Lock()
_EXECUTORS: dict[int, ThreadPoolExecutor] = {}
_BLAS_CONTROLLER: Any = None


def _default_threads() -> int:
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, min(4, os.cpu_count() or 1))


def _executor(threads: int) -> ThreadPoolExecutor:
    with _ENCODER_LOCK:
        ex = _EXECUTORS.get(threads)
        if ex is None:
            ex = _EXECUTORS[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="voice-encoder")
        return ex


_BLAS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMITER: Any = None


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to 1 thread for the block (no-op without ``threadpoolctl``).

    The limit is process-wide, so overlapping blocks (concurrent requests) share one limiter:
    the first block sets it and the last one to leave restores the original thread count.
    """
    global _BLAS_CONTROLLER, _BLAS_USERS, _BLAS_LIMITER
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: without it BLAS keeps its default threading
        yield
        return
    with _BLAS_LOCK:
        if _BLAS_CONTROLLER is None:
            _BLAS_CONTROLLER = ThreadpoolController()
        if _BLAS_USERS == 0:
            _BLAS_LIMITER = _BLAS_CONTROLLER.limit(limits=1, user_api="blas")
        _BLAS_USERS += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0 and _BLAS_LIMITER is not None:
                _BLAS_LIMITER.restore_original_limits()
                _BLAS_LIMITER = None


def get_voice_encoder() -> VoiceEncoder:
    """Process-wide :class:`VoiceEncoder` (loaded once, thread-safe lazy initialisation).

    Raises:
        CheckpointError: see :class:`VoiceEncoder`.
    """
    global _ENCODER
    if _ENCODER is None:
        with _ENCODER_LOCK:
            if _ENCODER is None:
                _ENCODER = VoiceEncoder()
    return _ENCODER
