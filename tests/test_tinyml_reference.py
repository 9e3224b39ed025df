"""TFLM reference helpers of course_utils.tinyml: the micro_speech model, arena size, graph introspection."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from course_utils.errors import ParameterError
from course_utils import tinyml as tm

import tflite_micro  # noqa: F401,E402  (a dev dependency: its absence must fail, not skip)

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT / "data" / "speech_commands"


def features_of(word: str) -> list[np.ndarray]:
    rows = []
    for path in sorted(CLIPS.glob(f"{word}_*.wav")):
        y, _ = sf.read(path, dtype="int16")
        rows.append(tm.frontend(tm.pad_to_length(y)))
    return rows


@pytest.fixture(scope="module")
def model():
    return tm.MicroSpeechModel()


def test_model_files_are_in_data_tflm():
    for path in (tm.PREPROCESSOR_INT8, tm.PREPROCESSOR_FLOAT, tm.MICRO_SPEECH_MODEL):
        assert path.is_file() and path.parent == ROOT / "data" / "tflm"


@pytest.mark.parametrize("word", ["yes", "no"])
def test_micro_speech_recognizes_its_keywords_from_our_features(model, word):
    predictions = [model.predict(features) for features in features_of(word)]
    assert len(predictions) == 10
    assert predictions.count(word) >= 8


def test_other_words_are_mostly_unknown(model):
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    predictions = [model.predict(f) for word in words for f in features_of(word)]
    assert len(predictions) == 20
    assert predictions.count("unknown") >= 12


def test_probabilities_are_a_distribution(model):
    probabilities = model.probabilities(features_of("yes")[0])
    assert list(probabilities) == list(tm.LABELS) == ["silence", "unknown", "yes", "no"]
    assert abs(sum(probabilities.values()) - 1) < 0.02
    assert max(probabilities, key=probabilities.get) == "yes"


def test_model_rejects_wrong_features(model):
    with pytest.raises(ParameterError, match="features must have shape"):
        model.scores(np.zeros((43, 40), dtype=np.int8))
    with pytest.raises(TypeError, match="features must be int8"):
        model.scores(np.zeros((49, 40), dtype=np.float32))


def test_arena_bytes_are_measured_by_the_interpreter():
    arena = tm.arena_bytes()
    assert arena["total"] == arena["head"] + arena["tail"]
    assert 2_000 < arena["total"] < 50_000
    preprocessor = tm.arena_bytes(tm.PREPROCESSOR_INT8)
    assert preprocessor["total"] > 0


def test_model_reports_its_int8_quantization(model):
    scale, zero_point = model.input_quantization
    assert zero_point == -128 and abs(scale * 255 * 25.6 - 664) < 1e-4  # calibrated on log values up to 664
    assert model.output_quantization == (1 / 256, -128)


def test_fixed_int8_formula_is_one_step_above_the_models_scale_on_76_log_values(model):
    v = np.arange(700)
    scale, zero_point = model.input_quantization
    with_model_scale = np.clip(np.floor(v / 25.6 / scale + 0.5) + zero_point, -128, 127)
    difference = tm.quantize_features(v.astype(np.int16)).astype(np.int64) - with_model_scale
    assert sorted(set(difference.tolist())) == [0, 1]
    assert np.count_nonzero(difference) == 76


def test_model_paths_follow_the_data_folder(tmp_path, monkeypatch):
    (tmp_path / "MANIFEST.tsv").write_text("")
    monkeypatch.setenv("AUDIO_COURSE_DATA", str(tmp_path))
    assert tm.MICRO_SPEECH_MODEL == tmp_path.resolve() / "tflm" / "micro_speech_quantized.tflite"
    assert tm.reference.PREPROCESSOR_INT8.parent == tmp_path.resolve() / "tflm"
    with pytest.raises(ParameterError, match="path must be an existing"):
        tm.MicroSpeechModel()
    monkeypatch.delenv("AUDIO_COURSE_DATA")
    assert tm.MICRO_SPEECH_MODEL.parent == ROOT / "data" / "tflm"


def test_model_runs_with_exactly_the_measured_arena():
    total = tm.arena_bytes()["total"]
    interpreter = tm.reference.load_interpreter(tm.MICRO_SPEECH_MODEL, arena_size=total)
    interpreter.set_input(np.zeros((1, 49 * 40), dtype=np.int8), 0)
    interpreter.invoke()
    assert interpreter.get_output(0).shape == (1, 4)


def test_operator_options_list_the_signal_pipeline():
    options = tm.operator_options()
    assert list(options) == [
        "SignalWindow",
        "SignalFftAutoScale",
        "SignalRfft",
        "SignalEnergy",
        "SignalFilterBank",
        "SignalFilterBankSquareRoot",
        "SignalFilterBankSpectralSubtraction",
        "SignalPCAN",
        "SignalFilterBankLog",
    ]
    assert options["SignalRfft"]["fft_length"] == 512


def test_compare_with_tflm_reports_full_agreement():
    y, _ = sf.read(CLIPS / "yes_439c84f4_nohash_1.wav", dtype="int16")
    summary = tm.compare_with_tflm(y)
    assert summary == {"n_features": 1960, "n_equal": 1960, "fraction_equal": 1.0, "max_abs_diff": 0}


def test_stages_need_preserved_tensors():
    y = np.zeros(1000, dtype=np.int16)
    with pytest.raises(ParameterError, match="preserve_tensors"):
        tm.TflmFrontend().stages(y)


def test_missing_model_file_is_reported():
    with pytest.raises(ParameterError, match="path must be an existing"):
        tm.reference.load_interpreter(ROOT / "no_such_model.tflite")
