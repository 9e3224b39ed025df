"""librosa's calling conventions: ``sr`` is keyword-only wherever it appears (issue 19)."""

import inspect

import pytest

from course_utils import audio, dsp, plots

TAKING_SR = [dsp.mel_filterbank, dsp.melspectrogram, dsp.mfcc, dsp.fft_frequencies, dsp.frames_to_time,
             dsp.time_to_frames, dsp.mel_to_stft, audio.wav_bytes, audio.write_wav, audio.audio_tag, plots.waveform,
             plots.spectrogram]


@pytest.mark.parametrize("function", TAKING_SR, ids=lambda function: function.__name__)
def test_sr_is_keyword_only(function):
    assert inspect.signature(function).parameters["sr"].kind is inspect.Parameter.KEYWORD_ONLY


def test_y_is_keyword_only_where_librosa_makes_it_so():
    for function in (dsp.melspectrogram, dsp.mfcc):
        assert inspect.signature(function).parameters["y"].kind is inspect.Parameter.KEYWORD_ONLY


def test_a_positional_sample_rate_is_refused():
    with pytest.raises(TypeError):
        dsp.fft_frequencies(16000, n_fft=512)
