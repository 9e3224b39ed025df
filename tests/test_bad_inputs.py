"""The bad-input audit: every public entry point answers bad input with a clear error that names the parameter
and says what is allowed — raised early, never a traceback from deep inside NumPy.

One row per bad input: (call, exception type, a pattern the message must match — it always names the parameter).
Odd audio files are audited in tests/test_data.py (stereo, 8/24/32-bit, FLAC/OGG, truncated, empty, text).
"""

import numpy as np
import pytest

from course_utils import audio, data, dsp, plots, recorder, session, synth, tinyml, widgets
from course_utils.checks import lesson01
from course_utils.errors import AudioFileError, ParameterError

SPEECH = np.zeros(4000)
CLIP = np.zeros(16000, dtype=np.float32)
INT16 = np.zeros(16000, dtype=np.int16)
MAGNITUDE = np.ones((257, 8))

AUDIT = [
    # data
    ("load: unknown clip", lambda: data.load("yes_439c84f4_nohash"), ParameterError, r"name .* Did you mean"),
    ("load: sr zero", lambda: data.load("piano_A4", sr=0), ParameterError, r"sr must be a positive sample rate"),
    ("load: sr text", lambda: data.load("piano_A4", sr="16k"), TypeError, r"sr must be a positive integer"),
    ("load: source type", lambda: data.load(3.5), TypeError, r"source must be a clip name or a file path"),
    ("list_clips: label", lambda: data.list_clips(label="yess"), ParameterError, r"label 'yess' is unknown"),
    ("list_clips: category", lambda: data.list_clips(category="speech"), ParameterError, r"category 'speech' is unknown"),
    ("info: name type", lambda: data.info(7), TypeError, r"name must be a clip name string"),
    # synth
    ("tone: sr", lambda: synth.tone(440, sr=-1), ParameterError, r"sr must be a positive"),
    ("tone: freq", lambda: synth.tone(-1, sr=8000), ParameterError, r"freq must be >= 0"),
    ("tone: duration", lambda: synth.tone(440, sr=8000, duration=-1), ParameterError, r"duration must be > 0"),
    ("chirp: fmax above Nyquist", lambda: synth.chirp(100, 5000, sr=8000), ParameterError, r"fmax must be < 4000"),
    ("chirp: method", lambda: synth.chirp(100, 1000, sr=8000, method="cubic"), ParameterError, r"method must be one of"),
    ("noise: seed", lambda: synth.noise(sr=8000, seed=1.5), TypeError, r"seed must be an integer"),
    ("click_train: rate", lambda: synth.click_train(sr=8000, rate=-2), ParameterError, r"rate must be > 0"),
    ("mix: clipping", lambda: synth.mix(np.ones(4), np.ones(4)), ParameterError, r"the mix peaks at 2.*gains"),
    ("mix: integer samples", lambda: synth.mix(INT16), TypeError, r"signals\[0\] has integer dtype int16.*astype"),
    # audio, plots, session
    ("wav_bytes: clipping", lambda: audio.wav_bytes(np.array([0.0, 1.5]), sr=8000), ParameterError, r"y peaks at 1.5"),
    ("players: empty", lambda: audio.players(), ParameterError, r"at least one \(label, y, sr\)"),
    ("waveform: stereo", lambda: plots.waveform(np.zeros((2, 10)), sr=8000), ParameterError, r"y must be mono.*to_mono"),
    ("setup: seed", lambda: session.setup(seed=-3, verbose=False), ParameterError, r"seed must be >= 0"),
    # dsp
    ("stft: n_fft zero", lambda: dsp.stft(SPEECH, n_fft=0), ParameterError, r"n_fft must be >= 1"),
    ("stft: n_fft float", lambda: dsp.stft(SPEECH, n_fft=512.0), TypeError, r"n_fft must be an integer"),
    ("stft: hop_length", lambda: dsp.stft(SPEECH, n_fft=512, hop_length=0), ParameterError, r"hop_length must be >= 1"),
    ("stft: win_length", lambda: dsp.stft(SPEECH, n_fft=256, win_length=512), ParameterError, r"win_length"),
    ("stft: empty y", lambda: dsp.stft(np.zeros(0)), ParameterError, r"y is empty"),
    ("stft: NaN in y", lambda: dsp.stft(np.array([0.0, np.nan] * 600)), ParameterError, r"y contains 600 non-finite value\(s\)"),
    ("stft: stereo y", lambda: dsp.stft(np.zeros((2, 4000))), ParameterError, r"y must be mono.*to_mono"),
    ("stft: int16 y", lambda: dsp.stft(INT16), TypeError, r"y has integer dtype int16.*astype"),
    ("mel: n_mels", lambda: dsp.mel_filterbank(sr=16000, n_fft=512, n_mels=0), ParameterError, r"n_mels must be >= 1"),
    ("mel: fmin >= fmax", lambda: dsp.mel_filterbank(sr=16000, n_fft=512, fmin=4000, fmax=3000), ParameterError,
     r"fmin=4000 Hz must be below fmax=3000 Hz"),
    ("mel: fmax > sr/2", lambda: dsp.mel_filterbank(sr=16000, n_fft=512, fmax=9000), ParameterError, r"fmax=9000 Hz must be <= sr / 2"),
    ("mel: sr", lambda: dsp.mel_filterbank(sr=0, n_fft=512), ParameterError, r"sr must be a positive"),
    ("power_to_db: complex", lambda: dsp.power_to_db(np.ones(3, complex)), TypeError, r"S is complex.*np.abs"),
    ("power_to_db: amin", lambda: dsp.power_to_db(np.ones(3), amin=0), ParameterError, r"amin must be > 0"),
    ("power_to_db: top_db", lambda: dsp.power_to_db(np.ones(3), top_db=-1), ParameterError, r"top_db must be >= 0"),
    ("mfcc: n_mfcc", lambda: dsp.mfcc(y=SPEECH, sr=16000, n_mfcc=0), ParameterError, r"n_mfcc must be >= 1"),
    ("griffin_lim: n_iter", lambda: dsp.griffin_lim(MAGNITUDE, n_iter=-1), ParameterError, r"n_iter must be >= 0"),
    ("griffin_lim: momentum", lambda: dsp.griffin_lim(MAGNITUDE, momentum=-1), ParameterError, r"momentum must be >= 0"),
    ("delta: even width", lambda: dsp.delta(np.ones((3, 10)), width=4), ParameterError, r"width=4 must be odd"),
    ("get_window: name", lambda: dsp.get_window("hannn", 10), ParameterError, r"window='hannn' is not a window.*'hann'"),
    # tinyml
    ("frontend: float samples", lambda: tinyml.frontend(np.zeros(16000, np.float32)), TypeError, r"y has floating-point dtype.*to_q15"),
    ("frontend: sample rate", lambda: tinyml.frontend(INT16, sr=8000), ParameterError, r"sr must be 16000 Hz"),
    ("frontend: empty", lambda: tinyml.frontend(np.zeros(0, np.int16)), ParameterError, r"y is empty"),
    ("stream: frame length", lambda: tinyml.StreamingFrontend().process_frame(np.zeros(479, np.int16)), ParameterError,
     r"frame must hold exactly 480 samples"),
    ("stream: hop length", lambda: tinyml.StreamingFrontend().push_hop(np.zeros(300, np.int16)), ParameterError,
     r"hop must hold exactly 320 samples"),
    ("to_fixed: frac_bits", lambda: tinyml.to_fixed([0.5], -1), ParameterError, r"frac_bits must be >= 0"),
    ("shift_right: rounding", lambda: tinyml.shift_right(np.array([4]), 1, rounding="up"), ParameterError, r"rounding must be one of"),
    ("model: feature shape", lambda: tinyml.MicroSpeechModel().predict(np.zeros((10, 40), np.int8)), ParameterError,
     r"features must have shape \(49, 40\)"),
    # explorers' constructors
    ("SpectrogramExplorer: n_fft", lambda: widgets.SpectrogramExplorer(CLIP, sr=16000, n_fft=0), ParameterError,
     r"n_fft must be >= 2"),
    ("SpectrogramExplorer: win_length", lambda: widgets.SpectrogramExplorer(CLIP, sr=16000, n_fft=512, win_length=1024),
     ParameterError, r"win_length=1024 must be <= n_fft=512"),
    ("SpectrogramExplorer: int16 clip", lambda: widgets.SpectrogramExplorer(INT16, sr=16000), TypeError,
     r"y has integer dtype int16.*astype"),
    ("SpectrogramExplorer: scale", lambda: widgets.SpectrogramExplorer(CLIP, sr=16000, scale="bark"), ParameterError,
     r"scale must be one of 'linear', 'log', 'mel'"),
    ("AliasingExplorer: sr", lambda: widgets.AliasingExplorer(sr=0), ParameterError, r"sr must be a positive"),
    ("QuantizationExplorer: bits", lambda: widgets.QuantizationExplorer(CLIP, sr=16000, bits=0), ParameterError,
     r"bits must be >= 1"),
    ("WindowExplorer: window", lambda: widgets.WindowExplorer(sr=16000, window="hannn"), ParameterError,
     r"window must be one of .*'hann'"),
    ("MelFilterbankExplorer: fmin", lambda: widgets.MelFilterbankExplorer(sr=16000, fmin=5000, fmax=4000), ParameterError,
     r"fmin=5000 Hz must be below fmax=4000 Hz"),
    ("DecibelExplorer: amin", lambda: widgets.DecibelExplorer(CLIP, sr=16000, amin=0), ParameterError, r"amin must be > 0"),
    ("MFCCExplorer: n_mfcc", lambda: widgets.MFCCExplorer(CLIP, sr=16000, n_mfcc=0), ParameterError, r"n_mfcc must be >= 1"),
    ("GriffinLimExplorer: n_iter", lambda: widgets.GriffinLimExplorer(CLIP, sr=16000, n_iter=-1), ParameterError,
     r"n_iter must be >= 0"),
    # recorder
    ("Recorder: max_duration", lambda: recorder.Recorder(max_duration=0), ParameterError, r"max_duration must be > 0"),
    ("Recorder: sr", lambda: recorder.Recorder(sr=0), ParameterError, r"sr must be a positive"),
    ("Recorder: take before recording", lambda: recorder.Recorder().take("yes"), recorder.NoRecordingError,
     r"no take yet: press ● Record"),
    ("Recorder: save before recording", lambda: recorder.Recorder().save("unused.wav"), recorder.NoRecordingError,
     r"no take yet"),
]


@pytest.mark.parametrize("call, error, pattern", [row[1:] for row in AUDIT], ids=[row[0] for row in AUDIT])
def test_bad_input_gets_a_clear_early_error(call, error, pattern):
    with pytest.raises(error, match=pattern) as raised:
        call()
    # raised by the course's own checks, not from deep inside numpy/scipy/librosa
    assert "course_utils" in raised.traceback[-1].path.as_posix()


def test_the_audit_is_large_enough():
    assert len(AUDIT) >= 40


def test_odd_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "lecture.wav"
    bad.write_text("not audio")
    with pytest.raises(AudioFileError, match="lecture.wav is not an audio file"):
        data.load(bad)


@pytest.mark.parametrize("answer, expected", [(42, "should be a function (def ...), got int"),
                                              ("def f(): pass", "should be a function (def ...), got str")])
def test_checkers_answer_bad_input_with_feedback_not_exceptions(answer, expected):
    feedback = lesson01.alias_frequency.evaluate(answer)
    assert feedback.passed is False and expected in str(feedback)
