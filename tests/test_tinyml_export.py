"""C-header export of course_utils.tinyml, compiled with the system C compiler when there is one."""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from course_utils.errors import ParameterError
from course_utils import tinyml as tm

ROOT = Path(__file__).resolve().parents[1]
COMPILER = shutil.which("cc") or shutil.which("gcc")


@pytest.fixture(scope="module")
def features():
    y, _ = sf.read(ROOT / "data" / "speech_commands" / "yes_439c84f4_nohash_1.wav", dtype="int16")
    return tm.frontend(y)


def test_fnv1a32_known_values():
    assert tm.fnv1a32(b"") == 0x811C9DC5
    assert tm.fnv1a32(b"a") == 0xE40C292C
    assert tm.fnv1a32(b"foobar") == 0xBF9CF968
    assert tm.fnv1a32(np.array([1, 2], dtype=np.int8)) == tm.fnv1a32(b"\x01\x02")


def test_c_array_keeps_shape_and_type():
    text = tm.c_array("g_demo", np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int8), per_line=4)
    assert text.startswith("static const int8_t g_demo[2][3] = {")
    assert "{\n        1, -2, 3\n    },\n    {\n        4, 5, -6\n    }" in text
    assert tm.c_array("g_bytes", b"\x00\xff", aligned=True).startswith("COURSE_ALIGN16 static const uint8_t g_bytes[2]")


def test_header_holds_sizes_and_checksums(features):
    text = tm.micro_speech_header(features)
    model = tm.MICRO_SPEECH_MODEL.read_bytes()
    assert f"#define G_MICRO_SPEECH_MODEL_SIZE {len(model)}u" in text
    assert f"#define G_MICRO_SPEECH_MODEL_FNV1A 0x{tm.fnv1a32(model):08X}u" in text
    assert "#define G_FEATURES_SIZE 1960u" in text
    assert "#define G_MICRO_SPEECH_MODEL_ALIGN 16u" in text and "#define G_FEATURES_ALIGN 1u" in text
    assert "static const int8_t g_features[49][40]" in text
    assert text.count("#ifndef MICRO_SPEECH_DATA_H_") == 1 and "Apache-2.0" in text


def test_bad_export_arguments_are_rejected(features):
    with pytest.raises(ParameterError, match="name must be a C identifier"):
        tm.c_array("2bad", b"\x00")
    with pytest.raises(ParameterError, match="values must be bytes or an integer array"):
        tm.c_array("g_x", np.zeros(3))
    with pytest.raises(TypeError, match="features must be int8"):
        tm.micro_speech_header(features.astype(np.int16))
    with pytest.raises(ParameterError, match="arrays is empty"):
        tm.c_header({})


@pytest.mark.skipif(COMPILER is None, reason="no C compiler (cc or gcc) on PATH")
@pytest.mark.parametrize("standard", ["c99", "c11"])
def test_header_compiles_and_checksums_match_in_c(tmp_path, features, standard):
    header = tm.write_header(tmp_path / "micro_speech_data.h", tm.micro_speech_header(features))
    names = ["g_micro_speech_model", "g_features"]
    source = tmp_path / "check.c"
    source.write_text(tm.checksum_program(header.name, names))
    program = tmp_path / "check"
    subprocess.run(
        [COMPILER, f"-std={standard}", "-Wall", "-Wextra", "-Werror", "-o", str(program), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = subprocess.run([str(program)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout
    printed = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}
    model = tm.MICRO_SPEECH_MODEL.read_bytes()
    assert printed["g_micro_speech_model"][:3] == [str(len(model)), f"{tm.fnv1a32(model):08X}", "0"]
    assert printed["g_features"][:2] == ["1960", f"{tm.fnv1a32(features):08X}"]


@pytest.mark.skipif(COMPILER is None, reason="no C compiler (cc or gcc) on PATH")
def test_header_refuses_to_drop_the_alignment_silently(tmp_path, features):
    # A C99 compiler without GNU extensions has no way to spell the alignment: the header must stop, not ignore it.
    header = tm.write_header(tmp_path / "micro_speech_data.h", tm.micro_speech_header(features))
    source = tmp_path / "use.c"
    source.write_text(f'#include "{header.name}"\nint main(void) {{ return g_features[0][0] == 0; }}\n')
    compile_c99 = [COMPILER, "-std=c99", "-U__GNUC__", "-c", "-o", str(tmp_path / "use.o"), str(source)]
    failed = subprocess.run(compile_c99, capture_output=True, text=True)
    assert failed.returncode != 0 and "define COURSE_ALIGN16" in failed.stderr
    aligned = "-DCOURSE_ALIGN16=__attribute__((aligned(16)))"
    given = subprocess.run([*compile_c99, aligned], capture_output=True, text=True)
    assert given.returncode == 0, given.stderr
