"""TinyML audio: an integer NumPy twin of TensorFlow Lite Micro's micro_speech frontend, and the tools around it.

- :mod:`.qformat`: fixed-point numbers (Q15, Q12), saturation, rounding shifts.
- :mod:`.tables`: window, FFT twiddles, mel filterbank, PCAN gain and log tables, from their formulas.
- :mod:`.kissfft`: KISS FFT's int16 FFT, bit-exact.
- :mod:`.pipeline`: each stage as a function, and the whole clip (:func:`frontend`).
- :mod:`.stream`: the same, fed 20 ms at a time (:class:`StreamingFrontend`).
- :mod:`.reference`: the real TFLM preprocessor and micro_speech model via ``tflite-micro``.
- :mod:`.export`: the model and features as a C header.

Taught in notebooks/08_tinyml.ipynb.
"""

from . import reference
from .export import c_array, c_header, checksum_program, fnv1a32, micro_speech_header, write_header
from .pipeline import (
    MICRO_SPEECH_NOISE,
    NoiseReductionConfig,
    apply_window,
    fft_auto_scale,
    filterbank,
    filterbank_log,
    filterbank_sqrt,
    frame_signal,
    frontend,
    frontend_stages,
    integer_sqrt,
    log32,
    log_to_float,
    max_abs16,
    noise_reduction,
    noise_reduction_config,
    pcan,
    pcan_gain,
    pcan_shrink,
    process_frames,
    quantize_features,
    rfft_q15,
    spectrum_energy,
)
from .inputs import pad_to_length, require_frame, require_frontend_sr, require_int8_features, require_int16_audio
from .kissfft import kiss_fft_q15, kiss_rfft_q15
from .qformat import (
    from_fixed,
    from_q12,
    from_q15,
    int_range,
    most_significant_bit,
    saturate,
    saturating_add,
    saturating_multiply,
    shift_right,
    to_fixed,
    to_q12,
    to_q15,
    wrap,
)
from .reference import (
    LABELS,
    MODEL_FILES,
    MicroSpeechModel,
    TflmFrontend,
    arena_bytes,
    compare_with_tflm,
    model_constants,
    operator_options,
    tflm_dir,
    tflm_features,
)
from .stream import StreamingFrontend, stream_features
from .tables import (
    FilterbankTables,
    freq_to_mel,
    hann_window_q12,
    kiss_twiddles,
    log2_correction_lut,
    mel_filterbank_tables,
    pcan_gain_lut,
)

__all__ = [
    "LABELS",
    "MICRO_SPEECH_MODEL",
    "MODEL_FILES",
    "MICRO_SPEECH_NOISE",
    "PREPROCESSOR_FLOAT",
    "PREPROCESSOR_INT8",
    "FilterbankTables",
    "MicroSpeechModel",
    "NoiseReductionConfig",
    "StreamingFrontend",
    "TflmFrontend",
    "apply_window",
    "arena_bytes",
    "c_array",
    "c_header",
    "checksum_program",
    "compare_with_tflm",
    "fft_auto_scale",
    "filterbank",
    "filterbank_log",
    "filterbank_sqrt",
    "fnv1a32",
    "frame_signal",
    "freq_to_mel",
    "from_fixed",
    "from_q12",
    "from_q15",
    "frontend",
    "frontend_stages",
    "hann_window_q12",
    "int_range",
    "integer_sqrt",
    "kiss_fft_q15",
    "kiss_rfft_q15",
    "kiss_twiddles",
    "log2_correction_lut",
    "log32",
    "log_to_float",
    "mel_filterbank_tables",
    "micro_speech_header",
    "model_constants",
    "most_significant_bit",
    "noise_reduction",
    "noise_reduction_config",
    "operator_options",
    "pad_to_length",
    "pcan",
    "pcan_gain",
    "pcan_gain_lut",
    "pcan_shrink",
    "process_frames",
    "quantize_features",
    "require_frame",
    "require_frontend_sr",
    "require_int8_features",
    "require_int16_audio",
    "rfft_q15",
    "saturate",
    "saturating_add",
    "saturating_multiply",
    "shift_right",
    "spectrum_energy",
    "stream_features",
    "tflm_dir",
    "tflm_features",
    "to_fixed",
    "to_q12",
    "to_q15",
    "wrap",
    "write_header",
]


def __getattr__(name: str):
    # The model paths (PREPROCESSOR_INT8, PREPROCESSOR_FLOAT, MICRO_SPEECH_MODEL) follow the data folder when used.
    if name in MODEL_FILES:
        return getattr(reference, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
