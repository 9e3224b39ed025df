"""The real thing: TFLM's micro_speech preprocessor and keyword model, run with the ``tflite-micro`` interpreter.

``tflite-micro`` (``pip install tflite-micro``, no TensorFlow) is imported only when one of these is called.
The models live in ``tflm/`` of the course data folder (:func:`course_utils.data.data_dir`, which honours
``$AUDIO_COURSE_DATA``; Apache-2.0, see ``data/tflm/SOURCE.txt``). ``PREPROCESSOR_INT8``, ``PREPROCESSOR_FLOAT`` and
``MICRO_SPEECH_MODEL`` are their paths, looked up when first read, so importing this module needs no data.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np

from ..data import data_dir
from ..errors import ParameterError
from ..validate import require_choice
from .inputs import require_frame, require_frontend_sr, require_int8_features, require_int16_audio
from .pipeline import process_frames
from .tables import NUM_CHANNELS, WINDOW_SIZE, WINDOW_STEP

MODEL_FILES = {
    "PREPROCESSOR_INT8": "audio_preprocessor_int8.tflite",
    "PREPROCESSOR_FLOAT": "audio_preprocessor_float.tflite",
    "MICRO_SPEECH_MODEL": "micro_speech_quantized.tflite",
}
LABELS = ("silence", "unknown", "yes", "no")
MODEL_FRAMES = 49  # 1 s of 20 ms hops

# Graph tensor names of the int8 preprocessor, keyed by the stage names of process_frames().
_STAGE_TENSORS = {
    "windowed": "signal_window",
    "scaled": "signal_fft_auto_scale",
    "shift": "signal_fft_auto_scale1",
    "spectrum": "signal_rfft",
    "energy": "Cast_1",
    "filterbank": "signal_filter_bank",
    "amplitude": "signal_filter_bank_square_root",
    "noise_reduced": "signal_filter_bank_spectral_subtraction",
    "noise_estimate": "signal_filter_bank_spectral_subtraction1",
    "pcan": "signal_pcan",
    "log": "signal_filter_bank_log",
    "int8": "PartitionedCall:0",
}


def tflm_dir() -> Path:
    """The folder holding TFLM's ``.tflite`` files: ``tflm/`` in :func:`course_utils.data.data_dir`.

    Taught in notebooks/08_tinyml.ipynb.

    Returns
    -------
    pathlib.Path
    """
    return data_dir() / "tflm"


def __getattr__(name: str) -> Path:
    # PREPROCESSOR_INT8, PREPROCESSOR_FLOAT, MICRO_SPEECH_MODEL: resolved on use, so that a missing data folder
    # is reported where a model is needed (with data_dir()'s advice) and not when the package is imported.
    if name in MODEL_FILES:
        return _default_model(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _default_model(key: str) -> Path:
    return tflm_dir() / MODEL_FILES[key]


def _model_path(path, key: str) -> Path:
    return _default_model(key) if path is None else Path(path)


def _read_model(path: Path):
    # The flatbuffer object tree of a .tflite file (tensors, buffers, operators), as the tflite-micro package parses it.
    return _runtime().convert_bytearray_to_object(bytearray(Path(path).read_bytes()))


def _runtime():
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError as error:
        raise ImportError(
            "running TFLM models needs the tflite-micro package: pip install tflite-micro "
            "(or pip install 'course_utils[tinyml]')"
        ) from error
    return runtime


def load_interpreter(path, *, preserve_tensors: bool = False, arena_size: int | None = None):
    """Create a TFLM interpreter for a ``.tflite`` file.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    path : str or pathlib.Path
        Model file.
    preserve_tensors : bool
        Keep every intermediate tensor readable (``GetTensor``) instead of recording arena use.
    arena_size : int, optional
        Tensor arena bytes; the package's default is 10x the model size.

    Returns
    -------
    tflite_micro.runtime.Interpreter
    """
    runtime = _runtime()
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"path must be an existing .tflite file, got {str(path)!r}")
    config = (
        runtime.InterpreterConfig.kPreserveAllTensors
        if preserve_tensors
        else runtime.InterpreterConfig.kAllocationRecording
    )
    return runtime.Interpreter.from_file(str(path), arena_size=arena_size, intrepreter_config=config)


def _clip_frames(y) -> np.ndarray:
    y = require_int16_audio(y, min_length=WINDOW_SIZE)
    return np.lib.stride_tricks.sliding_window_view(y, WINDOW_SIZE)[::WINDOW_STEP]


class TflmFrontend:
    """TFLM's micro_speech audio preprocessor: one 480-sample int16 frame in, 40 features out.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    output : {"int8", "float"}
        Which shipped graph: int8 features (model input) or float features (log / 25.6).
    preserve_tensors : bool
        Keep intermediate tensors so :meth:`stages` can read every stage (int8 graph only).
    """

    def __init__(self, output: str = "int8", *, preserve_tensors: bool = False):
        self.output = require_choice("output", output, ("int8", "float"))
        path = _default_model("PREPROCESSOR_INT8" if output == "int8" else "PREPROCESSOR_FLOAT")
        self.interpreter = load_interpreter(path, preserve_tensors=preserve_tensors)
        self._tensor_index = _tensor_indices(path) if preserve_tensors else None

    def reset(self) -> None:
        """Clear the noise-reduction state: call before each new clip."""
        self.interpreter.reset()

    def process_frame(self, frame) -> np.ndarray:
        """Features of one 480-sample frame (the noise state carries over from the previous call).

        Parameters
        ----------
        frame : numpy.ndarray of int16, shape (480,)

        Returns
        -------
        numpy.ndarray, shape (40,)
        """
        frame = require_frame(frame)
        self.interpreter.set_input(frame.reshape(1, WINDOW_SIZE), 0)
        self.interpreter.invoke()
        return self.interpreter.get_output(0).copy()

    def features(self, y, sr: int = 16000) -> np.ndarray:
        """Features of a whole clip: ``reset()``, then one frame every 320 samples.

        Parameters
        ----------
        y : numpy.ndarray of int16, shape (n,)
        sr : int
            Must be 16000.

        Returns
        -------
        numpy.ndarray, shape (n_frames, 40)
        """
        require_frontend_sr(sr)
        frames = _clip_frames(y)
        self.reset()
        return np.stack([self.process_frame(frame) for frame in frames])

    def stages(self, y, sr: int = 16000) -> dict[str, np.ndarray]:
        """Every intermediate tensor of the graph for a whole clip, named as in ``process_frames``.

        ``energy`` is read after the graph zeroes the bins outside [5, 241) (its raw energy tensor leaves them
        uninitialized).

        Parameters
        ----------
        y : numpy.ndarray of int16, shape (n,)
        sr : int

        Returns
        -------
        dict of str to numpy.ndarray, each with a leading frame axis
        """
        if self._tensor_index is None:
            raise ParameterError("stages needs TflmFrontend(preserve_tensors=True)")
        require_frontend_sr(sr)
        frames = _clip_frames(y)
        self.reset()
        collected = {name: [] for name in self._tensor_index}
        for frame in frames:
            self.process_frame(frame)
            for name, index in self._tensor_index.items():
                collected[name].append(np.array(self.interpreter.GetTensor(index, 0)["tensor_data"]).reshape(-1))
        result = {name: np.stack(rows) for name, rows in collected.items()}
        result["spectrum"] = result["spectrum"].reshape(len(frames), -1, 2)
        result["shift"] = result["shift"].reshape(-1)
        return result


def _tensor_indices(path: Path) -> dict[str, int]:
    model = _read_model(path)
    by_name = {tensor.name.decode(): i for i, tensor in enumerate(model.subgraphs[0].tensors)}
    return {stage: by_name[name] for stage, name in _STAGE_TENSORS.items() if name in by_name}


def tflm_features(y, sr: int = 16000, *, output: str = "int8") -> np.ndarray:
    """Features of a clip from TFLM's own preprocessor (the reference the NumPy frontend must equal).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
    sr : int
        Must be 16000.
    output : {"int8", "float"}

    Returns
    -------
    numpy.ndarray, shape (n_frames, 40)
    """
    return TflmFrontend(output).features(y, sr)


def model_constants(path=None) -> dict[str, np.ndarray]:
    """The constant tensors stored in a ``.tflite`` graph (window, filterbank tables, PCAN gain table, ...).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Model file; defaults to :data:`PREPROCESSOR_INT8`.

    Returns
    -------
    dict of str to numpy.ndarray
        Keyed by tensor name.
    """
    model = _read_model(_model_path(path, "PREPROCESSOR_INT8"))
    dtypes = {2: np.int32, 7: np.int16, 9: np.int8}
    constants = {}
    for tensor in model.subgraphs[0].tensors:
        data = model.buffers[tensor.buffer].data
        if data is not None and len(data) and tensor.type in dtypes:
            constants[tensor.name.decode()] = np.frombuffer(bytes(bytearray(data)), dtype=dtypes[tensor.type])
    return constants


def operator_options(path=None) -> dict[str, dict]:
    """Parameters of each custom (signal) operator in a ``.tflite`` graph, decoded from their flexbuffers.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Model file; defaults to :data:`PREPROCESSOR_INT8`.

    Returns
    -------
    dict of str to dict
        Operator name (e.g. ``"SignalFilterBankSpectralSubtraction"``) -> its options.
    """
    from flatbuffers import flexbuffers

    model = _read_model(_model_path(path, "PREPROCESSOR_INT8"))
    options = {}
    for operator in model.subgraphs[0].operators:
        code = model.operatorCodes[operator.opcodeIndex].customCode
        if code is not None and operator.customOptions is not None:
            options[code.decode()] = flexbuffers.Loads(bytes(bytearray(operator.customOptions)))
    return options


class MicroSpeechModel:
    """TFLM's micro_speech keyword spotter: 49x40 int8 features (1 s) in, scores for silence/unknown/yes/no out.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Model file (default :data:`MICRO_SPEECH_MODEL`, ``data/tflm/micro_speech_quantized.tflite``).

    Attributes
    ----------
    input_quantization, output_quantization : tuple of (float, int)
        ``(scale, zero_point)`` of the int8 input and output tensors, read from the model file:
        ``real value = scale * (q - zero_point)``.
    """

    def __init__(self, path=None):
        self.path = _model_path(path, "MICRO_SPEECH_MODEL")
        self.interpreter = load_interpreter(self.path)
        self.input_quantization = _quantization(self.interpreter.get_input_details(0))
        self.output_quantization = _quantization(self.interpreter.get_output_details(0))

    def scores(self, features) -> np.ndarray:
        """Raw int8 output scores, one per label in :data:`LABELS`.

        Parameters
        ----------
        features : numpy.ndarray of int8, shape (49, 40)

        Returns
        -------
        numpy.ndarray of int8, shape (4,)
        """
        features = require_int8_features(features, shape=(MODEL_FRAMES, NUM_CHANNELS))
        self.interpreter.set_input(features.reshape(1, -1), 0)
        self.interpreter.invoke()
        return self.interpreter.get_output(0).reshape(-1).copy()

    def probabilities(self, features) -> dict[str, float]:
        """Dequantized output (softmax probabilities) per label.

        Parameters
        ----------
        features : numpy.ndarray of int8, shape (49, 40)

        Returns
        -------
        dict of str to float
        """
        scale, zero_point = self.output_quantization
        probabilities = (self.scores(features).astype(np.float64) - zero_point) * scale
        return dict(zip(LABELS, probabilities.tolist(), strict=True))

    def predict(self, features) -> str:
        """The most likely label.

        Parameters
        ----------
        features : numpy.ndarray of int8, shape (49, 40)

        Returns
        -------
        str
        """
        return LABELS[int(np.argmax(self.scores(features)))]


def _quantization(details: dict) -> tuple[float, int]:
    parameters = details["quantization_parameters"]
    return float(parameters["scales"][0]), int(parameters["zero_points"][0])


def arena_bytes(path=None) -> dict[str, int]:
    """Tensor-arena memory the interpreter actually used for a model, as its recording allocator reports it.

    The model is run once on zeros, then ``print_allocations`` (which writes to the C stderr) is captured.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Model file; defaults to :data:`MICRO_SPEECH_MODEL`.

    Returns
    -------
    dict with keys ``total``, ``head``, ``tail`` (bytes)
        ``head`` holds the tensors reused from layer to layer, ``tail`` the persistent allocations.
    """
    interpreter = load_interpreter(_model_path(path, "MICRO_SPEECH_MODEL"))
    details = interpreter.get_input_details(0)
    interpreter.set_input(np.zeros(details["shape"], dtype=details["dtype"]), 0)
    interpreter.invoke()
    report = _capture_c_stderr(interpreter.print_allocations)
    found = dict(re.findall(r"Arena allocation (total|head|tail) (\d+) bytes", report))
    if set(found) != {"total", "head", "tail"}:
        raise RuntimeError(f"could not read the arena report of the TFLM interpreter: {report[:200]!r}")
    return {key: int(value) for key, value in found.items()}


def _capture_c_stderr(function) -> str:
    # The interpreter prints from C++, below Python's sys.stderr, so redirect file descriptor 2 itself.
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            function()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        return capture.read().decode(errors="replace")


def compare_with_tflm(y, sr: int = 16000) -> dict[str, float]:
    """Run a clip through both frontends and summarize the agreement of the int8 features.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
    sr : int

    Returns
    -------
    dict
        ``n_features``, ``n_equal``, ``fraction_equal``, ``max_abs_diff``.
    """
    require_frontend_sr(sr)
    ours = process_frames(_clip_frames(y))["int8"].astype(np.int64)
    theirs = tflm_features(y, sr).astype(np.int64)
    difference = np.abs(ours - theirs)
    return {
        "n_features": int(difference.size),
        "n_equal": int(np.count_nonzero(difference == 0)),
        "fraction_equal": float(np.mean(difference == 0)),
        "max_abs_diff": int(difference.max()),
    }
