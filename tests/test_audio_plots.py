import base64
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import soundfile as sf

from course_utils import plots
from course_utils.audio import audio_tag, players, wav_bytes
from course_utils.errors import ParameterError


def test_wav_bytes_keeps_level_and_rate():
    y = 0.1 * np.sin(np.linspace(0, 50, 800))
    decoded, sr = sf.read(io.BytesIO(wav_bytes(y, sr=8000)))
    assert sr == 8000 and len(decoded) == 800
    np.testing.assert_allclose(decoded, y, atol=1 / 32768)
    loud, _ = sf.read(io.BytesIO(wav_bytes(y, sr=8000, normalize=True)))
    assert np.max(np.abs(loud)) == pytest.approx(1.0, abs=1e-4)


def test_wav_bytes_refuses_to_clip_silently():
    with pytest.raises(ParameterError, match=r"y peaks at 2, beyond \[-1, 1\]"):
        wav_bytes(np.array([0.0, 2.0]), sr=8000)


def test_players_embed_one_labelled_player_per_item():
    tone = 0.2 * np.ones(100, dtype=np.float32)
    row = players(("a & b", tone, 8000), ("second", tone, 16000))
    html = row._repr_html_()
    assert html.count("<audio") == 2 and "a &amp; b" in html and "second" in html
    payload = re.search(r"base64,([A-Za-z0-9+/=]+)", audio_tag(tone, sr=8000)).group(1)
    assert sf.read(io.BytesIO(base64.b64decode(payload)))[1] == 8000
    with pytest.raises(ParameterError, match="at least one"):
        players()


def test_waveform_draws_time_in_seconds():
    fig, ax = plt.subplots()
    line = plots.waveform(np.array([0.0, 0.5, -0.5, 0.0]), sr=4, ax=ax, offset=1.0)
    np.testing.assert_allclose(line.get_xdata(), [1.0, 1.25, 1.5, 1.75])
    assert ax.get_xlabel() == "time (s)"
    plt.close(fig)


def test_spectrum_and_spectrogram_return_their_artists():
    fig, (a, b) = plt.subplots(1, 2)
    line = plots.spectrum(np.array([0.0, 100.0]), np.array([1.0, 2.0]), ax=a, db=True)
    assert a.get_ylabel() == "magnitude (dB)" and list(line.get_ydata()) == [1.0, 2.0]
    mesh = plots.spectrogram(np.zeros((5, 4)), sr=8000, hop_length=2, ax=b)
    assert mesh.get_array().size == 20
    with pytest.raises(ParameterError, match="freqs and magnitude must be 1-D of equal length"):
        plots.spectrum([1, 2, 3], [1, 2], ax=a)
    plt.close(fig)
