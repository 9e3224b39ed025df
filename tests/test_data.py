import csv
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from course_utils import data
from course_utils.errors import AudioFileError, DataNotFoundError, ParameterError

YES = "yes_439c84f4_nohash_1"


def manifest_rows(repo_root, name="MANIFEST.tsv"):
    """The rows of data/MANIFEST.tsv (or another manifest under data/) as the file has them, without course_utils."""
    with open(repo_root / "data" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def write_wav(path, samples, sr=16000, subtype="PCM_16"):
    sf.write(path, samples, sr, subtype=subtype)
    return path


def test_manifest_lists_every_file_in_data_and_nothing_else(in_repo):
    lesson_clips = {clip.file for clip in data.manifest()}
    digits = {clip.file for clip in data.fsdd_manifest()}
    on_disk = {p.relative_to(in_repo / "data").as_posix() for p in (in_repo / "data").rglob("*.wav")}
    assert lesson_clips | digits == on_disk and not lesson_clips & digits
    assert len(data.manifest()) == len(manifest_rows(in_repo)) == len(lesson_clips)  # no row lost, none listed twice
    assert len(data.fsdd_manifest()) == len(manifest_rows(in_repo, "fsdd/MANIFEST.tsv")) == len(digits)


def test_fsdd_counts_come_from_the_files_themselves(in_repo):
    """2,940 recordings = 10 digits × 6 speakers × 49 indices, read from the WAV files on disk, not the manifest."""
    names = [p.stem.split("_") for p in (in_repo / "data" / "fsdd").glob("*.wav")]
    assert len(names) == 2940
    assert {int(d) for d, _, _ in names} == set(range(10))
    speakers = {s for _, s, _ in names}
    assert speakers == {"george", "jackson", "lucas", "nicolas", "theo", "yweweler"}
    assert {int(i) for _, _, i in names} == set(range(1, 50))
    assert data.fsdd_speakers() == sorted(speakers)
    assert len(data.fsdd_clips()) == len(names)
    for digit in range(10):
        for speaker in speakers:
            clips = data.fsdd_clips(digit=digit, speaker=speaker)
            on_disk = sorted(f"{d}_{s}_{i}" for d, s, i in names if int(d) == digit and s == speaker)
            assert sorted(clip.name for clip in clips) == on_disk and len(on_disk) == 49
    assert len(data.fsdd_clips(digit=7)) == 6 * 49 and len(data.fsdd_clips(speaker="theo")) == 10 * 49


def test_fsdd_rows_carry_license_credit_and_native_format(in_repo):
    readme = (in_repo / "data" / "README.md").read_text(encoding="utf-8")
    assert "ShareAlike" in readme and "creativecommons.org/licenses/by-sa/4.0/" in readme
    assert "Free Spoken Digit Dataset (FSDD), Jakobovski and contributors" in readme
    assert (in_repo / "data" / "licenses" / "FSDD_CC-BY-SA-4.0.txt").is_file()
    for clip in data.fsdd_clips(digit=0, speaker="george")[:3]:
        assert clip.license == "CC BY-SA 4.0" and "Jakobovski" in clip.attribution and "george" in clip.attribution
        y, sr = data.load(clip.path)
        assert sr == clip.sample_rate == 8000 and abs(len(y) / sr - clip.duration_s) < 1e-3
        assert clip.label == clip.name.split("_")[0] == "0"


@pytest.mark.parametrize("kwargs, message", [({"digit": 10}, "digit must be a whole number from 0 to 9"),
                                             ({"digit": -1}, "digit must be"), ({"digit": "3"}, "digit must be"),
                                             ({"digit": 2.5}, "digit must be"), ({"digit": True}, "digit must be"),
                                             ({"speaker": "jakson"}, "speaker 'jakson' is unknown. Did you mean 'jackson'"),
                                             ({"speaker": "Theo"}, "speaker 'Theo' is unknown")])
def test_fsdd_bad_digit_or_speaker_is_a_parameter_error(in_repo, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        data.fsdd_clips(**kwargs)


def test_verify_checks_the_spoken_digits_too(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    target = copy / "fsdd" / "4_lucas_17.wav"
    content = bytearray(target.read_bytes())
    content[100] ^= 0x01
    target.write_bytes(bytes(content))
    (copy / "fsdd" / "9_theo_49.wav").unlink()
    monkeypatch.setenv(data.DATA_ENV_VAR, str(copy))
    problems = data.verify()
    assert sorted(problems)[0].startswith("fsdd/4_lucas_17.wav: sha256")
    assert "fsdd/9_theo_49.wav: missing" in problems and len(problems) == 2


def test_every_clip_matches_its_sha256_and_size(in_repo):
    assert data.verify() == []


def test_every_clip_has_a_license_and_attribution_and_is_credited_in_data_readme(in_repo):
    readme = (in_repo / "data" / "README.md").read_text(encoding="utf-8")
    for clip in data.manifest():
        assert clip.license.strip() and clip.attribution.strip(), clip.file
        assert f"`{clip.file}`" in readme, f"{clip.file} missing from data/README.md"
        assert clip.attribution.replace("|", "\\|") in readme


def test_verify_detects_a_changed_byte(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(data.data_dir(), copy)
    target = copy / "speech_commands" / f"{YES}.wav"
    content = bytearray(target.read_bytes())
    content[-1] ^= 0xFF
    target.write_bytes(bytes(content))
    (copy / "music" / "piano_A4.wav").unlink()
    monkeypatch.setenv(data.DATA_ENV_VAR, str(copy))
    problems = data.verify()
    assert any(YES in p and "sha256" in p for p in problems)
    assert any("piano_A4.wav: missing" in p for p in problems)
    assert len(problems) == 2


def test_list_clips_by_category_and_label(in_repo):
    rows = manifest_rows(in_repo)
    yes = data.list_clips(label="yes")
    assert yes and all(name.startswith("yes_") for name in yes)
    assert len(yes) == sum(row["label"] == "yes" for row in rows)
    speech = data.list_clips(category="speech_commands")
    assert speech == [Path(row["file"]).stem for row in rows if row["file"].startswith("speech_commands/")]
    assert data.list_clips(category="music", label="piano") == ["piano_A4", "piano_C_major_chord",
                                                                "piano_C_major_scale"]
    assert data.list_clips(category="music", label="yes") == []
    assert "speech_commands" in data.categories()
    assert {"yes", "no"} <= set(data.labels("speech_commands"))


@pytest.mark.parametrize("kwargs, parameter", [({"label": "yess"}, "label"), ({"category": "speach_commands"}, "category")])
def test_unknown_category_or_label_suggests_close_matches(in_repo, kwargs, parameter):
    with pytest.raises(ParameterError, match=rf"{parameter} .* Did you mean") as error:
        data.list_clips(**kwargs)
    assert ("'yes'" in str(error.value)) or ("'speech_commands'" in str(error.value))


def test_clip_path_accepts_name_or_relative_file(in_repo):
    path = data.clip_path(YES)
    assert path == in_repo / "data" / "speech_commands" / f"{YES}.wav"
    assert data.clip_path(f"speech_commands/{YES}.wav") == path
    assert data.clip_path(f"{YES}.wav") == path


def test_unknown_clip_name_lists_close_matches(in_repo):
    with pytest.raises(ParameterError, match=r"name 'yes_439c84f4_nohash' is not a clip.*Did you mean: yes_439c84f4_nohash_1"):
        data.load("yes_439c84f4_nohash")


def test_load_returns_float32_in_range_at_native_rate(in_repo):
    y, sr = data.load(YES)
    assert y.dtype == np.float32 and y.shape == (16000,) and sr == 16000
    assert -1 <= y.min() < 0 < y.max() <= 1
    reference, _ = sf.read(data.clip_path(YES), dtype="float32")
    np.testing.assert_array_equal(y, reference)


def test_load_resamples_only_when_asked_and_says_so(in_repo, capsys):
    y, sr = data.load("trumpet_sorohanro_22k")
    assert sr == 22050 and capsys.readouterr().out == ""
    y16, sr16 = data.load("trumpet_sorohanro_22k", sr=16000)
    out = capsys.readouterr().out
    assert "Resampled trumpet_sorohanro_22k.wav from 22050 Hz to 16000 Hz" in out
    assert sr16 == 16000 and y16.dtype == np.float32
    assert abs(len(y16) - len(y) * 16000 / 22050) <= 1
    same, _ = data.load(YES, sr=16000)
    assert capsys.readouterr().out == ""


def test_load_bad_sr_names_the_parameter(in_repo):
    with pytest.raises(ParameterError, match="sr must be a positive sample rate"):
        data.load(YES, sr=0)
    with pytest.raises(TypeError, match="sr must be a positive integer"):
        data.load(YES, sr="16k")


def test_load_stereo_averages_or_keeps_channels(tmp_path):
    left = np.linspace(-0.5, 0.5, 100)
    path = write_wav(tmp_path / "stereo.wav", np.stack([left, np.zeros(100)], axis=1), subtype="FLOAT")
    both, sr = data.load(path, mono=False)
    assert both.shape == (2, 100) and sr == 16000
    mono, _ = data.load(path)
    np.testing.assert_allclose(mono, left / 2, atol=1e-7)


def test_load_path_string_and_other_formats(tmp_path):
    tone = 0.5 * np.sin(np.linspace(0, 100, 1600))
    for name in ("x.flac", "x.ogg"):
        path = tmp_path / name
        sf.write(path, tone, 16000)
        y, sr = data.load(str(path))
        assert sr == 16000 and y.dtype == np.float32 and abs(len(y) - 1600) <= 0
    y8, _ = data.load(write_wav(tmp_path / "u8.wav", tone, subtype="PCM_U8"))
    np.testing.assert_allclose(y8, tone, atol=1 / 64)
    y24, _ = data.load(write_wav(tmp_path / "s24.wav", tone, subtype="PCM_24"))
    np.testing.assert_allclose(y24, tone, atol=1e-6)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.wav"):
        data.load(tmp_path / "nothere.wav")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load("recordings/nothere.wav")


def test_empty_file_is_named(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioFileError, match=r"empty.wav is empty \(0 bytes\)"):
        data.load(path)


def test_truncated_wav_says_how_much_is_missing(tmp_path):
    full = write_wav(tmp_path / "full.wav", np.zeros(1000) + 0.1)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[:1000])
    with pytest.raises(AudioFileError, match=r"cut.wav is truncated: its header announces 2000 bytes of audio but only 956"):
        data.load(cut)


def test_header_only_wav_has_no_samples(tmp_path):
    path = tmp_path / "zero.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
    with pytest.raises(AudioFileError, match="zero.wav holds no samples"):
        data.load(path)


def test_text_file_named_wav_is_not_audio(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("these are my lecture notes, not audio\n")
    with pytest.raises(AudioFileError, match="notes.wav is not an audio file"):
        data.load(path)


def test_float_file_beyond_full_scale_is_kept_and_warned_about(tmp_path):
    path = write_wav(tmp_path / "loud.wav", np.array([0.0, 1.5, -0.2]), subtype="FLOAT")
    with pytest.warns(UserWarning, match=r"loud.wav has samples up to 1.5, beyond \[-1, 1\]; returned unchanged"):
        y, _ = data.load(path)
    assert y[1] == pytest.approx(1.5)


def test_bad_source_type():
    with pytest.raises(TypeError, match="source must be a clip name or a file path"):
        data.load(42)


def test_data_dir_found_by_walking_up_from_the_working_directory(tmp_path, monkeypatch):
    shutil.copytree(data.data_dir(), tmp_path / "course" / "data")
    (tmp_path / "course" / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "course" / "notebooks")
    assert data.data_dir() == (tmp_path / "course" / "data").resolve()


def test_data_dir_environment_override(tmp_path, monkeypatch):
    shutil.copytree(data.data_dir(), tmp_path / "elsewhere")
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path / "elsewhere"))
    assert data.data_dir() == (tmp_path / "elsewhere").resolve()
    assert data.clip_path(YES).is_relative_to(tmp_path)
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(DataNotFoundError, match="has no MANIFEST.tsv"):
        data.data_dir()


def test_data_dir_not_found_explains_the_fix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(data, "__file__", str(tmp_path / "site-packages" / "course_utils" / "data.py"))
    with pytest.raises(DataNotFoundError, match="AUDIO_COURSE_DATA"):
        data.data_dir()


def test_credit_names_source_and_license(in_repo):
    credit = data.info(YES).credit
    assert "Speech Commands" in credit and "CC BY 4.0" in credit and YES in credit


def test_stereo_44k_file_loads_at_its_rate_or_resampled_on_request(tmp_path, capsys):
    t = np.arange(44100) / 44100
    left, right = 0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 880 * t)
    path = write_wav(tmp_path / "stereo44k.wav", np.stack([left, right], axis=1), sr=44100)
    both, sr = data.load(path, mono=False)
    assert sr == 44100 and both.shape == (2, 44100)
    np.testing.assert_allclose(both[1], right, atol=1 / 32768)
    mono16k, sr16k = data.load(path, sr=16000)
    assert sr16k == 16000 and mono16k.shape == (16000,)
    assert "from 44100 Hz to 16000 Hz" in capsys.readouterr().out
