"""The recorder's Python side: decoding what the browser sends, sample rate, takes, saving, errors, own_voice_or.

The browser side is tested in tests/browser/test_recorder_browser.py (JupyterLab + Chromium's fake microphone).
Here the browser's messages are fed to ``Recorder.handle_message`` exactly as the widget's comm delivers them
(binary parts as ``memoryview``). Resampling and the full-scale policy are tested in tests/test_audio_io.py.
"""

import base64
import io
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile
import traitlets

from course_utils import recorder as recmod
from course_utils.errors import ParameterError
from course_utils.recorder import (
    LAST_TAKE_NAME,
    MAX_TAKES,
    STATIC_TEXT,
    NoRecordingError,
    Recorder,
    RecordingError,
    as_bytes,
    decode_audio_file,
    decode_pcm,
    last_recording,
    own_voice_or,
    recordings_dir,
)
from course_utils.recorder import capture as capture_module

SR = 16000


@pytest.fixture(autouse=True)
def recordings(tmp_path, monkeypatch):
    """Every test writes takes to its own folder, never to the repository's recordings/."""
    folder = tmp_path / "recordings"
    monkeypatch.setenv(recmod.RECORDINGS_ENV_VAR, str(folder))
    return folder


def tone(n, sr=SR, freq=440.0, amplitude=0.5):
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(n) / sr)).astype(np.float32)


def wire(y) -> memoryview:
    """Samples as the browser sends them and ipykernel delivers them: little-endian float32 in a memoryview."""
    return memoryview(np.asarray(y, dtype="<f4").tobytes())


def take_message(y, *, sr=SR, uid="u1", label=None, n=None, encoding="binary"):
    content = {"type": "take", "uid": uid, "sr": sr, "n": len(y) if n is None else n, "source": "microphone",
               "encoding": encoding}
    if label is not None:
        content["label"] = label
    if encoding == "base64":
        content["data"] = base64.b64encode(np.asarray(y, dtype="<f4").tobytes()).decode("ascii")
        return content, []
    return content, [wire(y)]


@pytest.fixture
def rec(monkeypatch):
    """A recorder whose widget's replies to the browser are captured in ``rec.sent``."""
    r = Recorder(sr=SR, max_duration=2.0, labels=["yes", "no"])
    sent = []
    monkeypatch.setattr(r.widget, "send", lambda content, buffers=None: sent.append(content))
    r.sent = sent
    return r


# ------------------------------------------------------------------------------------------- decoding


def test_decode_pcm_accepts_memoryview_and_returns_an_owned_float32_copy():
    y = tone(1000)
    view = wire(y)
    decoded = decode_pcm(view, n_samples=1000)
    assert decoded.dtype == np.float32 and decoded.shape == (1000,)
    np.testing.assert_array_equal(decoded, y)
    assert decoded.flags.owndata and decoded.flags.writeable  # not a view of the message's buffer
    view.release()  # the message is gone; the samples stay
    np.testing.assert_array_equal(decoded, y)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_as_bytes_turns_any_binary_part_into_bytes_which_a_bytes_trait_accepts(kind):
    raw = np.arange(4, dtype="<f4").tobytes()

    class Holder(traitlets.HasTraits):
        data = traitlets.Bytes()

    holder = Holder()
    if kind is memoryview:
        with pytest.raises(traitlets.TraitError):  # why as_bytes exists: the trait refuses a memoryview
            holder.data = memoryview(raw)
    holder.data = as_bytes(kind(raw))
    assert holder.data == raw and isinstance(holder.data, bytes)


@pytest.mark.parametrize(
    "payload, n, message",
    [
        (b"", None, "empty"),
        (b"\x00" * 6, None, "not a whole number of float32 samples"),
        (np.zeros(10, "<f4").tobytes(), 12, "announced 12 samples but 10 arrived"),
        (np.array([0.1, np.nan], "<f4").tobytes(), None, "NaN or infinite"),
        ("not bytes", None, "expected binary data"),
    ],
)
def test_decode_pcm_rejects_damaged_data_with_a_message(payload, n, message):
    with pytest.raises(RecordingError, match=re.escape(message)):
        decode_pcm(payload, n_samples=n)


def test_decode_audio_file_mixes_stereo_down_and_keeps_the_rate():
    buffer = io.BytesIO()
    stereo = np.stack([tone(4410, 44100), np.zeros(4410, np.float32)], axis=1)
    soundfile.write(buffer, stereo, 44100, format="WAV", subtype="PCM_16")
    y, sr = decode_audio_file(memoryview(buffer.getvalue()), name="stereo.wav")
    assert sr == 44100 and y.shape == (4410,) and y.dtype == np.float32
    assert abs(np.abs(y).max() - 0.25) < 1e-3  # the mean of a tone and silence


@pytest.mark.parametrize("payload, message", [(b"", "is empty"), (b"RIFF....not a wav at all", "not an audio file")])
def test_decode_audio_file_errors_say_what_to_upload(payload, message):
    with pytest.raises(RecordingError, match=message):
        decode_audio_file(payload, name="x.wav")


# --------------------------------------------------------------------------- messages from the browser


def test_hello_is_answered_so_the_browser_knows_a_kernel_is_there(rec):
    rec.handle_message({"type": "hello"})
    assert rec.sent == [{"type": "hello", "takes": []}]


def test_a_binary_take_is_stored_at_16k_with_its_label_and_acknowledged(rec):
    y = tone(32000)
    rec.handle_message(*take_message(y, label="yes"))
    assert len(rec.takes) == 1
    take = rec.last
    assert take.sr == rec.sr == SR and take.label == "yes" and take.source == "microphone"
    assert rec.y.dtype == np.float32 and len(rec.y) == 32000
    np.testing.assert_array_equal(rec.y, y)
    reply = rec.sent[-1]
    assert reply["type"] == "take_added" and reply["uid"] == "u1" and reply["warning"] == ""
    assert reply["takes"][0]["n"] == 32000 and reply["takes"][0]["wav"].startswith("data:audio/wav;base64,")
    assert rec.widget.n_takes == 1 and rec.widget.next_label == "no"


def test_a_base64_resend_of_the_same_take_is_stored_once(rec):
    y = tone(16000)
    rec.handle_message(*take_message(y, uid="same"))
    rec.handle_message(*take_message(y, uid="same", encoding="base64"))
    assert len(rec.takes) == 1
    assert [m["type"] for m in rec.sent] == ["take_added", "take_added"]


def test_a_base64_take_alone_is_decoded(rec):
    y = tone(8000)
    rec.handle_message(*take_message(y, uid="b64", encoding="base64"))
    np.testing.assert_array_equal(rec.y, y)


def test_a_take_at_another_rate_is_resampled_to_the_recorders_rate(rec):
    rec.handle_message(*take_message(tone(48000, 48000), sr=48000))
    assert rec.last.sr == SR and len(rec.y) == 16000
    assert rec.last.notes == ("resampled from 48000 Hz",)
    assert "resampled from 48000 Hz" in rec.sent[-1]["warning"]


def test_a_take_longer_than_max_duration_is_cut(rec):
    rec.handle_message(*take_message(tone(40000)))
    assert len(rec.y) == 32000


@pytest.mark.parametrize(
    "change, message",
    [
        ({"n": 5}, "announced 5 samples"),
        ({"sr": 0}, "impossible sample rate"),
        ({"sr": "16000"}, "impossible sample rate"),
        ({"encoding": "base64"}, "base64 copy of the recording is missing"),
    ],
)
def test_damaged_takes_are_rejected_with_a_message_and_nothing_is_stored(rec, change, message):
    content, buffers = take_message(tone(100))
    content.update(change)
    rec.handle_message(content, buffers)
    assert rec.takes == []
    assert rec.sent[-1]["type"] == "take_rejected" and message in rec.sent[-1]["message"]
    assert message in rec.error


def test_a_take_without_its_binary_part_is_rejected(rec):
    content, _ = take_message(tone(100))
    rec.handle_message(content, [])
    assert rec.takes == [] and "did not arrive" in rec.sent[-1]["message"]


def test_a_silent_take_is_kept_but_flagged(rec, recordings):
    rec.handle_message(*take_message(np.zeros(16000, np.float32)))
    assert rec.last.silent and "silent" in rec.last.summary()
    assert "muted" in rec.sent[-1]["warning"]
    assert not (recordings / LAST_TAKE_NAME).exists()  # a silent take never replaces a good saved one


@pytest.mark.parametrize(
    "code, words",
    [("no-device", "No microphone"), ("permission-denied", "denied"), ("insecure-context", "secure"),
     ("no-kernel", "kernel")],
)
def test_browser_errors_are_kept_on_the_python_side(rec, code, words):
    rec.handle_message({"type": "error", "code": code, "message": f"{words} — what to do"})
    assert rec.error.startswith(f"{code}: {words}")
    assert rec.widget.error_code == code
    rec.handle_message(*take_message(tone(100)))
    assert rec.widget.error_code == ""  # a good take clears the widget's error


@pytest.mark.parametrize("content, buffers", [(None, None), ({"type": "nonsense"}, []), ({}, [object()]),
                                              ({"type": "take", "uid": 3}, ["text, not bytes"])])
def test_odd_messages_never_raise(rec, content, buffers):
    rec.handle_message(content, buffers)
    assert rec.takes == []


def test_uploaded_wav_is_decoded_resampled_and_labelled(rec):
    buffer = io.BytesIO()
    soundfile.write(buffer, tone(22050, 44100), 44100, format="WAV", subtype="PCM_16")
    rec.handle_message({"type": "upload", "uid": "up", "name": "../../my voice.wav", "label": "yes"},
                       [memoryview(buffer.getvalue())])
    take = rec.last
    assert take.sr == SR and len(take.y) == 8000 and take.label == "yes"
    assert take.source == "upload my voice.wav"  # only the file name, never a path


def test_a_bad_upload_is_rejected_with_what_to_upload(rec):
    rec.handle_message({"type": "upload", "uid": "up", "name": "song.mp4"}, [memoryview(b"\x00\x01garbage")])
    assert rec.takes == [] and "Upload a WAV file" in rec.sent[-1]["message"]


def test_a_course_clip_can_stand_in_for_the_microphone(rec):
    rec.handle_message({"type": "clip", "uid": "c", "name": "no_2f813234_nohash_1"})
    assert rec.last.source == "course clip no_2f813234_nohash_1" and rec.last.sr == SR and len(rec.y) == 16000
    rec.handle_message({"type": "clip", "uid": "d", "name": "not_a_clip"})
    assert rec.sent[-1]["type"] == "take_rejected" and "not a clip" in rec.sent[-1]["message"]


# ------------------------------------------------------------------------------------------------ takes


def test_several_takes_are_kept_and_found_by_label_or_position(rec):
    rec.handle_message(*take_message(tone(16000, freq=300), uid="1", label="yes"))
    rec.handle_message(*take_message(tone(16000, freq=600), uid="2", label="no"))
    rec.handle_message(*take_message(tone(16000, freq=900), uid="3"))
    assert [t.label for t in rec.takes] == ["yes", "no", "take 3"]
    assert [t.number for t in rec.takes] == [1, 2, 3]
    assert rec.take("yes") is rec.takes[0] and rec.take(1) is rec.takes[1] and rec.take() is rec.takes[-1]
    assert rec.summary().splitlines()[0] == "take 1 'yes': 1.00 s = 16000 samples at 16000 Hz, peak 0.50 (microphone)"
    assert len(rec.player().items) == 3


def test_takes_are_read_only_so_a_lesson_cannot_damage_them_by_accident(rec):
    rec.handle_message(*take_message(tone(100)))
    with pytest.raises(ValueError):
        rec.y[0] = 1.0


def test_at_most_max_takes_are_kept(rec):
    for i in range(MAX_TAKES + 3):
        rec.add(tone(100), SR)
    assert len(rec.takes) == MAX_TAKES and rec.takes[0].number == 4


def test_clear_forgets_takes_and_restarts_the_labels(rec):
    rec.add(tone(100), SR)
    rec.clear()
    assert rec.takes == [] and rec.widget.next_label == "yes" and rec.summary() == "no takes yet"
    assert rec.sent[-1] == {"type": "takes", "takes": []}  # the browser's list empties too


def test_takes_added_from_python_appear_in_the_browser_and_browser_takes_are_answered_once(rec):
    rec.add(tone(100), SR, label="from python")
    assert [m["type"] for m in rec.sent] == ["takes"] and rec.sent[0]["takes"][0]["n"] == 100
    rec.handle_message(*take_message(tone(200)))
    assert [m["type"] for m in rec.sent] == ["takes", "take_added"]


@pytest.mark.parametrize("which, message", [(0, "no take yet"), ("yes", "no take yet")])
def test_asking_for_a_take_before_recording_says_how_to_record(which, message):
    empty = Recorder()
    with pytest.raises(NoRecordingError, match=message):
        empty.take(which)
    with pytest.raises(NoRecordingError, match="Record"):
        _ = empty.y


def test_unknown_take_names_and_positions_list_what_exists(rec):
    rec.add(tone(100), SR, label="yes")
    with pytest.raises(NoRecordingError, match="no take labelled 'maybe'; the takes are 'yes'"):
        rec.take("maybe")
    with pytest.raises(NoRecordingError, match="there are 1 takes"):
        rec.take(3)


# ------------------------------------------------------------------------------------------------- save


def test_save_writes_a_16_bit_wav_that_reads_back(rec, tmp_path):
    y = tone(16000)
    rec.handle_message(*take_message(y, label="yes"))
    path = rec.save(tmp_path / "mine" / "yes.wav")
    back, sr = soundfile.read(path, dtype="float32")
    info = soundfile.info(path)
    assert sr == SR and info.subtype == "PCM_16" and back.shape == y.shape
    assert np.max(np.abs(back - y)) <= 1 / 32768
    assert rec.take("yes").save(tmp_path / "again.wav").is_file()


def test_save_all_names_files_after_the_labels(rec, recordings, tmp_path):
    for label in ("yes", "no", "yes", "é / ?"):
        rec.add(tone(100), SR, label=label)
    names = [p.name for p in rec.save_all()]
    assert names == ["yes.wav", "no.wav", "yes_2.wav", "é.wav"]
    assert all((recordings / name).is_file() for name in names)
    assert rec.save_all(tmp_path / "elsewhere")[0] == tmp_path / "elsewhere" / "yes.wav"


@pytest.mark.parametrize("path, error", [("yes.mp3", ParameterError), (42, TypeError)])
def test_save_refuses_other_formats(rec, path, error):
    rec.add(tone(100), SR)
    with pytest.raises(error):
        rec.save(path)


# -------------------------------------------------------------------------- across notebooks: own voice


def test_microphone_takes_are_saved_for_other_lessons_and_course_clips_are_not(rec, recordings):
    rec.handle_message({"type": "clip", "uid": "c", "name": "no_2f813234_nohash_1"})
    assert not (recordings / LAST_TAKE_NAME).exists()
    y = tone(16000)
    rec.handle_message(*take_message(y, label="yes"))
    assert rec.saved_to == recordings / LAST_TAKE_NAME
    last = last_recording()
    assert last.sr == SR and np.max(np.abs(last.y - y)) <= 1 / 32768


def test_own_voice_or_prefers_the_recording_then_falls_back_to_the_clip(rec):
    y, sr, about = own_voice_or("yes_439c84f4_nohash_1")
    assert sr == SR and len(y) == 16000
    assert about == ("course clip yes_439c84f4_nohash_1 (1.00 s at 16000 Hz): no recording of yours yet "
                     "(make one with the recorder in 00_start_here.ipynb)")
    rec.handle_message(*take_message(tone(8000), label="yes"))
    y, sr, about = own_voice_or("yes_439c84f4_nohash_1")
    assert len(y) == 8000 and about.startswith("your recording 'your last take' (0.50 s at 16000 Hz")
    y, sr, about = own_voice_or("yes_439c84f4_nohash_1", sr=8000)
    assert sr == 8000 and len(y) == 4000


def test_own_voice_or_with_a_recorder_uses_only_its_takes(rec, recordings):
    other = Recorder()
    other.add(tone(8000), SR, source="microphone")  # saves last_take.wav
    assert (recordings / LAST_TAKE_NAME).exists()
    y, sr, about = own_voice_or("yes_439c84f4_nohash_1", recorder=rec)
    assert about.startswith("course clip")  # rec has no take: the notebook's output does not depend on disk
    rec.add(tone(4000), SR, label="yes", source="microphone")
    assert own_voice_or("yes_439c84f4_nohash_1", recorder=rec)[2].startswith("your recording 'yes' (0.25 s")
    rec.add_clip("no_2f813234_nohash_1")
    assert own_voice_or("yes_439c84f4_nohash_1", recorder=rec)[2].startswith("course clip")


def test_recordings_can_be_switched_off(monkeypatch, tmp_path):
    monkeypatch.setenv(recmod.RECORDINGS_ENV_VAR, "off")
    assert recordings_dir() is None and last_recording() is None
    Recorder().add(tone(100), SR)
    assert own_voice_or("yes_439c84f4_nohash_1")[2].startswith("course clip")


def test_recordings_live_next_to_data_by_default(monkeypatch, repo_root):
    monkeypatch.delenv(recmod.RECORDINGS_ENV_VAR)
    monkeypatch.chdir(repo_root / "notebooks")
    assert recordings_dir() == repo_root / "recordings"


def test_a_damaged_last_take_is_ignored(recordings):
    recordings.mkdir()
    (recordings / LAST_TAKE_NAME).write_bytes(b"RIFF broken")
    assert last_recording() is None


def test_add_file_is_the_python_side_upload(tmp_path):
    path = tmp_path / "voice.wav"
    soundfile.write(path, tone(32000, 32000), 32000)
    take = Recorder().add_file(path, label="hello")
    assert take.sr == SR and len(take.y) == 16000 and take.label == "hello" and take.source == "upload voice.wav"


# ------------------------------------------------------------------------------------ parameters, widget


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"sr": 4000}, ParameterError, "between 8000 and 96000"),
        ({"sr": "16k"}, TypeError, "sample rate"),
        ({"max_duration": 0}, ParameterError, "max_duration must be > 0"),
        ({"max_duration": 600}, ParameterError, "max_duration must be <= 60"),
        ({"labels": ["yes", ""]}, ParameterError, "labels must be non-empty"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        Recorder(**kwargs)


def test_the_widget_syncs_rate_duration_labels_and_course_clips():
    r = Recorder(sr=22050, max_duration=3, labels="yes")
    widget = r.widget
    assert (widget.sr, widget.max_duration, widget.next_label) == (22050, 3.0, "yes")
    assert "yes_439c84f4_nohash_1" in widget.clips and all(not c.startswith("piano") for c in widget.clips)
    assert r.widget is widget  # created once


def test_static_copies_show_text_that_says_a_kernel_is_needed():
    widget = Recorder().widget
    assert repr(widget) == STATIC_TEXT and "kernel" in STATIC_TEXT and len(STATIC_TEXT) <= 110
    assert not re.search(r"0x[0-9a-f]{6,}", repr(widget))
    assert repr(Recorder()) == "Recorder(sr=16000, max_duration=2, takes=0)"


def test_a_take_displays_a_player_and_its_summary(rec):
    rec.add(tone(1600), SR, label="yes")
    page = rec.last._repr_html_()
    assert "<audio" in page and "take 1 &#x27;yes&#x27;: 0.10 s" in page


# ----------------------------------------------------------------------------------- front-end files, protocol

STATIC = Path(recmod.__file__).parent / "static"
PROTOCOL = Path(recmod.__file__).parent / "PROTOCOL.md"


def test_the_widget_loads_its_browser_code_from_the_package_files():
    widget = Recorder().widget
    assert widget._esm == (STATIC / "recorder.js").read_text(encoding="utf-8")
    assert widget._css == (STATIC / "recorder.css").read_text(encoding="utf-8")
    assert widget._capture_module == (STATIC / "capture.js").read_text(encoding="utf-8")
    assert widget._capture_worklet == (STATIC / "capture-worklet.js").read_text(encoding="utf-8")
    for name in ("recorder.js", "capture.js", "capture-worklet.js"):  # no CDN, no import: works offline
        assert not re.search(r"^\s*import\s", (STATIC / name).read_text(encoding="utf-8"), flags=re.M), name


def test_the_capture_widget_class_is_what_a_live_widget_would_build_on():
    base = capture_module.capture_widget_class()
    assert isinstance(Recorder().widget, base)
    assert {"sr", "error", "error_code", "_capture_module", "_capture_worklet"} <= set(base.class_trait_names(sync=True))
    assert "_esm" not in base.__dict__  # each listening widget brings its own front-end file


def _documented_types(section: str) -> set[str]:
    text = PROTOCOL.read_text(encoding="utf-8").split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M)) - {"type"}  # minus the header


def test_protocol_md_lists_every_message_python_sends_and_handles(rec):
    from_browser = _documented_types("Browser → Python")
    to_browser = _documented_types("Python → browser")
    assert from_browser == {"hello", "take", "upload", "clip", "error"}
    buffer = io.BytesIO()
    soundfile.write(buffer, tone(1600), SR, format="WAV", subtype="PCM_16")
    examples = {
        "hello": ({"type": "hello"}, []),
        "take": take_message(tone(1600), uid="t"),
        "upload": ({"type": "upload", "uid": "u", "name": "a.wav"}, [memoryview(buffer.getvalue())]),
        "clip": ({"type": "clip", "uid": "c", "name": "no_2f813234_nohash_1"}, []),
        "error": ({"type": "error", "code": "no-device", "message": "No microphone"}, []),
    }
    for kind in sorted(from_browser):
        before = len(rec.sent)
        rec.handle_message(*examples[kind])
        answers = {m["type"] for m in rec.sent[before:]}
        assert answers <= to_browser, (kind, answers)
        assert (answers == set()) == (kind == "error"), kind  # every message but "error" is answered
    rec.clear()
    assert rec.sent[-1]["type"] in to_browser
    assert {m["type"] for m in rec.sent} == to_browser - {"take_rejected"}
    rec.handle_message(*take_message(tone(10), uid="bad", n=3))
    assert rec.sent[-1]["type"] == "take_rejected"


def test_the_problem_codes_python_knows_are_the_ones_the_capture_reports():
    codes = set(capture_module.PROBLEM_CODES)
    text = (STATIC / "capture.js").read_text(encoding="utf-8")
    reported = set(re.findall(r'CaptureProblem\("([a-z-]+)"', text)) | set(re.findall(r'return "([a-z-]+)";', text))
    assert reported - {"cancelled"} == codes


@pytest.mark.parametrize("value, expected", [(16000, 16000), (44100.0, 44100)])
def test_browser_rate_accepts_whole_rates(value, expected):
    assert capture_module.browser_rate(value) == expected


@pytest.mark.parametrize("value", [0, 2999, 400000, 16000.5, True, "16000", None])
def test_browser_rate_refuses_impossible_rates(value):
    with pytest.raises(RecordingError, match="impossible sample rate"):
        capture_module.browser_rate(value)


def test_a_long_upload_is_cut_and_says_so(rec):
    buffer = io.BytesIO()
    soundfile.write(buffer, tone(8000 * 61, 8000), 8000, format="WAV", subtype="PCM_16")
    rec.handle_message({"type": "upload", "uid": "long", "name": "long.wav"}, [memoryview(buffer.getvalue())])
    assert rec.last.duration == 60.0
    assert "cut to its first 60 s (the file holds 61.0 s)" in rec.sent[-1]["warning"]


def test_every_browser_file_is_package_data_so_a_non_editable_install_ships_it():
    """``pip install`` without ``-e`` copies only .py files and the package-data globs of pyproject.toml."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["course_utils.recorder"]
    package = Path(recmod.__file__).parent
    files = [p.relative_to(package).as_posix() for p in package.rglob("*")
             if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {"PROTOCOL.md", "static/recorder.js", "static/recorder.css", "static/capture.js",
            "static/capture-worklet.js"} <= set(files)
    assert [name for name in files if not any(fnmatch.fnmatch(name, pattern) for pattern in globs)] == []
