"""The one resampler and the one WAV encoder, and the full-scale policy they share with data.load and the recorder.

Policy (course_utils/audio.py): samples beyond [-1, 1] are never clipped silently. Resampling keeps every value,
the WAV encoder refuses them, and the recorder scales a take down to fit and says so.
"""

import io
import warnings

import librosa
import numpy as np
import pytest
import soundfile as sf

from course_utils import audio, data
from course_utils.errors import ParameterError
from course_utils.recorder import Recorder, Take, own_voice_or

SR = 16000


def tone(n, sr, freq=440.0, amplitude=0.5):
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(n) / sr)).astype(np.float32)


def square(n, sr, freq=500.0):
    """A full-scale square wave: every anti-aliasing filter overshoots it (Gibbs), so resampling leaves [-1, 1]."""
    return np.sign(np.sin(2 * np.pi * freq * np.arange(n) / sr) + 1e-9).astype(np.float32)


@pytest.fixture(autouse=True)
def recordings(tmp_path, monkeypatch):
    folder = tmp_path / "recordings"
    monkeypatch.setenv(data.RECORDINGS_ENV_VAR, str(folder))
    return folder


# ------------------------------------------------------------------------------------------------ resample


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("orig_sr, target_sr", [(48000, 16000), (22050, 16000), (16000, 44100), (44100, 8000)])
def test_resample_is_librosas_soxr_hq_exactly(orig_sr, target_sr, dtype):
    rng = np.random.default_rng(0)
    y = (0.3 * rng.standard_normal(orig_sr // 3)).astype(dtype)
    ours = audio.resample(y, orig_sr=orig_sr, target_sr=target_sr)
    reference = librosa.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type="soxr_hq")
    assert ours.dtype == dtype and ours.shape == (int(np.ceil(len(y) * target_sr / orig_sr)),)
    np.testing.assert_array_equal(ours, reference)


def test_resample_keeps_duration_and_frequency_and_channels():
    y48 = tone(48000, 48000, freq=1000)
    y16 = audio.resample(y48, orig_sr=48000, target_sr=SR)
    assert y16.shape == (16000,) and y16.dtype == np.float32
    assert np.argmax(np.abs(np.fft.rfft(y16))) * SR / len(y16) == pytest.approx(1000, abs=2)
    stereo = np.stack([y48, 0.5 * y48])
    both = audio.resample(stereo, orig_sr=48000, target_sr=SR)
    assert both.shape == (2, 16000)
    np.testing.assert_array_equal(both[0], y16)


def test_resample_at_the_same_rate_returns_the_samples_untouched():
    y = tone(100, SR)
    assert audio.resample(y, orig_sr=SR, target_sr=SR) is y


def test_resample_never_clips():
    y = square(4800, 48000)
    out = audio.resample(y, orig_sr=48000, target_sr=SR)
    assert np.abs(out).max() > 1.01  # the overshoot is kept: cutting it off is the caller's choice, made openly


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"orig_sr": 0, "target_sr": SR}, ParameterError, "orig_sr must be a positive"),
        ({"orig_sr": SR, "target_sr": -1}, ParameterError, "target_sr must be a positive"),
        ({"orig_sr": "48k", "target_sr": SR}, TypeError, "orig_sr must be a positive integer"),
    ],
)
def test_resample_refuses_bad_rates_naming_the_parameter(kwargs, error, message):
    with pytest.raises(error, match=message):
        audio.resample(tone(100, SR), **kwargs)


def test_resample_refuses_non_finite_and_integer_samples():
    with pytest.raises(ParameterError, match="non-finite"):
        audio.resample(np.array([0.0, np.nan]), orig_sr=SR, target_sr=8000)
    with pytest.raises(TypeError, match="integer dtype"):
        audio.resample(np.zeros(10, dtype=np.int16), orig_sr=SR, target_sr=8000)


def test_data_load_resamples_with_the_one_resampler(in_repo, capsys):
    native, native_sr = data.load("trumpet_sorohanro_22k")
    y16, sr16 = data.load("trumpet_sorohanro_22k", sr=SR)
    assert native_sr == 22050 and sr16 == SR
    np.testing.assert_array_equal(y16, audio.resample(native, orig_sr=22050, target_sr=SR))


def test_the_recorder_resamples_with_the_one_resampler():
    y = tone(4800, 48000)
    take = Recorder(sr=SR).add(y, 48000)
    np.testing.assert_array_equal(take.y, audio.resample(y, orig_sr=48000, target_sr=SR))


# ---------------------------------------------------------------------------------------------- WAV encoder


def test_wav_bytes_refuses_samples_beyond_full_scale_and_normalize_scales_them():
    with pytest.raises(ParameterError, match=r"y peaks at 1\.5, beyond \[-1, 1\]"):
        audio.wav_bytes(np.array([0.0, 1.5, -0.5]), sr=SR)
    back, _ = sf.read(io.BytesIO(audio.wav_bytes(np.array([0.0, 1.5, -0.75]), sr=SR, normalize=True)))
    np.testing.assert_allclose(back, [0.0, 1.0, -0.5], atol=1 / 32768)


def test_write_wav_writes_what_wav_bytes_encodes(tmp_path):
    y = tone(1600, SR)
    path = audio.write_wav(tmp_path / "deep" / "tone.wav", y, sr=SR)
    assert path.read_bytes() == audio.wav_bytes(y, sr=SR)
    assert sf.info(path).subtype == "PCM_16"


@pytest.mark.parametrize("path, error", [("tone.mp3", ParameterError), (3, TypeError)])
def test_write_wav_refuses_other_formats(path, error):
    with pytest.raises(error):
        audio.write_wav(path, tone(10, SR), sr=SR)


def test_write_wav_refuses_to_clip_and_writes_nothing(tmp_path):
    with pytest.raises(ParameterError, match="peaks at 2"):
        audio.write_wav(tmp_path / "loud.wav", np.array([0.0, 2.0]), sr=SR)
    assert not (tmp_path / "loud.wav").exists()


def test_a_take_beyond_full_scale_is_refused_by_the_encoder_not_clipped(tmp_path):
    take = Take(y=np.array([0.0, 1.5], np.float32), sr=SR, label="loud")
    with pytest.raises(ParameterError, match="peaks at 1.5"):
        take.save(tmp_path / "loud.wav")


# ------------------------------------------------------------------------------ the recorder keeps full scale


def test_a_full_scale_take_that_overshoots_when_resampled_is_scaled_to_fit_and_says_so(recordings):
    rec = Recorder(sr=SR)
    sent = []
    rec.widget.send = lambda content, buffers=None: sent.append(content)
    y48 = square(48000, 48000)
    rec.handle_message({"type": "take", "uid": "u", "sr": 48000, "n": len(y48), "encoding": "binary"},
                       [memoryview(y48.astype("<f4").tobytes())])
    take = rec.last
    resampled = audio.resample(y48, orig_sr=48000, target_sr=SR)
    overshoot = float(np.abs(resampled).max())
    assert overshoot > 1.01
    assert take.peak == 1.0
    np.testing.assert_allclose(take.y, resampled / overshoot, rtol=1e-6, atol=1e-7)  # scaled, the shape kept
    assert take.notes == ("resampled from 48000 Hz", f"scaled down {20 * np.log10(overshoot):.1f} dB to fit full "
                                                     f"scale (its peak was {overshoot:.3g})")
    assert "scaled down" in sent[-1]["warning"] and sent[-1]["type"] == "take_added"
    saved, _ = sf.read(recordings / "last_take.wav", dtype="float32")  # the autosave encoded it without clipping
    assert np.max(np.abs(saved - take.y)) <= 1 / 32768


def test_a_float_wav_upload_beyond_full_scale_keeps_its_shape(recordings):
    buffer = io.BytesIO()
    loud = 1.5 * tone(8000, SR, amplitude=1.0)
    sf.write(buffer, loud, SR, format="WAV", subtype="FLOAT")
    rec = Recorder(sr=SR)
    rec.widget.send = lambda content, buffers=None: None
    rec.handle_message({"type": "upload", "uid": "up", "name": "loud.wav"}, [memoryview(buffer.getvalue())])
    take = rec.last
    assert take.peak == 1.0 and take.notes == ("scaled down 3.5 dB to fit full scale (its peak was 1.5)",)
    np.testing.assert_allclose(take.y, loud / np.abs(loud).max(), atol=1e-7)


def test_samples_added_from_python_beyond_full_scale_warn():
    with pytest.warns(UserWarning, match=r"the take scaled down 6\.0 dB to fit full scale \(its peak was 2\)"):
        take = Recorder(sr=SR).add(np.array([0.5, -2.0, 1.0]), SR)
    np.testing.assert_array_equal(take.y, np.array([0.25, -1.0, 0.5], np.float32))


def test_a_take_inside_full_scale_is_stored_bit_for_bit_without_a_warning():
    y = tone(1000, SR, amplitude=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        take = Recorder(sr=SR).add(y, SR)
    np.testing.assert_array_equal(take.y, y)
    assert take.notes == ()


def test_own_voice_resampled_beyond_full_scale_is_scaled_and_the_description_says_so():
    rec = Recorder(sr=SR)
    rec.add(square(16000, SR), SR, label="yes", source="microphone")
    y, sr, about = own_voice_or("yes_439c84f4_nohash_1", sr=44100, recorder=rec)
    assert sr == 44100 and float(np.abs(y).max()) == 1.0
    assert "scaled down" in about and about.startswith("your recording 'yes' (1.00 s at 44100 Hz, microphone; ")
    audio.wav_bytes(y, sr=sr)  # so a lesson can play it
