"""Ship a model to a microcontroller: write the ``.tflite`` bytes and a feature clip as C arrays in a header.

Firmware usually has no file system, so the model is compiled in as a ``const`` byte array (placed in flash)
and handed to ``tflite::GetModel``. The header also records each array's length, alignment and an FNV-1a
checksum so a tiny C program can verify that nothing was lost on the way. The arrays are ``static``: include the
header from one source file only, or each file that includes it carries its own copy. (TFLM's
``generate_cc_arrays.py`` instead writes a ``.cc`` file with the data and a header of ``extern`` declarations.)

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..validate import require_int
from .inputs import require_int8_features
from .reference import _model_path

_C_TYPES = {
    np.dtype(np.uint8): "uint8_t",
    np.dtype(np.int8): "int8_t",
    np.dtype(np.int16): "int16_t",
    np.dtype(np.uint16): "uint16_t",
    np.dtype(np.int32): "int32_t",
    np.dtype(np.uint32): "uint32_t",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# TFLM needs the model buffer 16-byte aligned; a compiler with no known spelling stops here rather than
# silently dropping the alignment.
_ALIGN_MACRO = """#ifndef COURSE_ALIGN16
#if defined(__cplusplus) && __cplusplus >= 201103L
#define COURSE_ALIGN16 alignas(16)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define COURSE_ALIGN16 _Alignas(16)
#elif defined(__GNUC__)
#define COURSE_ALIGN16 __attribute__((aligned(16)))
#else
#error "define COURSE_ALIGN16 to this compiler's 16-byte alignment attribute"
#endif
#endif"""


def fnv1a32(data) -> int:
    """32-bit FNV-1a hash of bytes: a checksum simple enough to recompute in a few lines of C.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    data : bytes or numpy.ndarray
        Arrays are hashed as their little-endian memory bytes (C order).

    Returns
    -------
    int
    """
    if isinstance(data, np.ndarray):
        data = np.ascontiguousarray(data).tobytes()
    value = 0x811C9DC5
    for byte in bytes(data):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _require_identifier(name: str, value: str) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise ParameterError(
            f"{name} must be a C identifier (letters, digits and _, not starting with a digit), got {value!r}"
        )
    return value


def _initializer(array: np.ndarray, per_line: int, indent: str) -> str:
    # Multi-dimensional arrays get one brace level per dimension, as C compilers expect (-Wmissing-braces).
    if array.ndim == 1:
        numbers = [str(int(v)) for v in array]
        return ",\n".join(indent + ", ".join(numbers[i : i + per_line]) for i in range(0, len(numbers), per_line))
    rows = (f"{indent}{{\n{_initializer(row, per_line, indent + '    ')}\n{indent}}}" for row in array)
    return ",\n".join(rows)


def c_array(name: str, values, *, aligned: bool = False, per_line: int = 12) -> str:
    """One ``static const`` C array definition holding ``values``, with its shape as C dimensions.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    name : str
        C identifier.
    values : bytes or numpy.ndarray
        bytes become ``uint8_t``; arrays keep their (integer) dtype and shape.
    aligned : bool
        Align to 16 bytes (TFLM wants its model buffer aligned); needs the ``COURSE_ALIGN16`` macro of
        :func:`c_header`.
    per_line : int
        Numbers per source line.

    Returns
    -------
    str
    """
    _require_identifier("name", name)
    per_line = require_int("per_line", per_line, minimum=1)
    array = np.frombuffer(values, dtype=np.uint8) if isinstance(values, (bytes, bytearray)) else np.asarray(values)
    if array.dtype not in _C_TYPES:
        raise ParameterError(f"values must be bytes or an integer array of 8 to 32 bits, got dtype {array.dtype}")
    if array.size == 0:
        raise ParameterError("values is empty: a C array needs at least one element")
    dims = "".join(f"[{n}]" for n in array.shape)
    body = _initializer(array, per_line, indent="    ")
    prefix = "COURSE_ALIGN16 " if aligned else ""
    return f"{prefix}static const {_C_TYPES[array.dtype]} {name}{dims} = {{\n{body}\n}};\n"


def c_header(arrays: dict, *, guard: str = "COURSE_TINYML_DATA_H_", comment: str = "") -> str:
    """A complete C header with one array per entry, plus ``<NAME>_SIZE`` (bytes), ``<NAME>_ALIGN`` and
    ``<NAME>_FNV1A`` macros.

    Byte strings (a ``.tflite`` model) are 16-byte aligned (``<NAME>_ALIGN`` 16, else 1).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    arrays : dict of str to bytes or numpy.ndarray
        C identifier -> data.
    guard : str
        Include-guard macro.
    comment : str
        Text for the opening comment (what the data is, its licence).

    Returns
    -------
    str
    """
    _require_identifier("guard", guard)
    if not arrays:
        raise ParameterError("arrays is empty: give at least one name -> data entry")
    parts = [
        f"/* {comment.strip() or 'Data exported by course_utils.tinyml.export.'}\n"
        " * Generated file: regenerate rather than edit. Include it from one source file only:\n"
        " * its arrays are static, so every file that includes it gets its own copy. */",
        f"#ifndef {guard}\n#define {guard}\n",
        "#include <stdint.h>\n",
        _ALIGN_MACRO + "\n",
    ]
    for name, values in arrays.items():
        _require_identifier("arrays key", name)
        is_bytes = isinstance(values, (bytes, bytearray))
        array = np.frombuffer(values, dtype=np.uint8) if is_bytes else np.asarray(values)
        macro = name.upper()
        parts.append(f"#define {macro}_SIZE {array.nbytes}u")
        parts.append(f"#define {macro}_ALIGN {16 if is_bytes else 1}u")
        parts.append(f"#define {macro}_FNV1A 0x{fnv1a32(array):08X}u")
        parts.append(c_array(name, values, aligned=is_bytes))
    parts.append(f"#endif  /* {guard} */\n")
    return "\n".join(parts)


def micro_speech_header(features, model_path=None) -> str:
    """Header with the micro_speech model (``g_micro_speech_model``) and one 49x40 feature clip (``g_features``).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    features : numpy.ndarray of int8, shape (49, 40)
        Frontend output for one 1 s clip.
    model_path : str or pathlib.Path, optional
        The ``.tflite`` file; defaults to :data:`~course_utils.tinyml.MICRO_SPEECH_MODEL`.

    Returns
    -------
    str
    """
    features = require_int8_features(features)
    model_path = _model_path(model_path, "MICRO_SPEECH_MODEL")
    model = model_path.read_bytes()
    return c_header(
        {"g_micro_speech_model": model, "g_features": features},
        guard="MICRO_SPEECH_DATA_H_",
        comment=(
            f"micro_speech keyword model ({model_path.name}, {len(model)} bytes; TensorFlow Authors, "
            f"Apache-2.0) and one {features.shape[0]}x{features.shape[1]} int8 feature clip."
        ),
    )


def write_header(path, text: str) -> Path:
    """Write header text to ``path`` (creating parent folders) and return the path.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    path : str or pathlib.Path
    text : str
        From :func:`c_header` or :func:`micro_speech_header`.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def checksum_program(header_name: str, names) -> str:
    """C source of a program that includes the header, prints each array's size, FNV-1a and address modulo 16,
    and exits 0 only when the size and checksum match the header's macros and the address is a multiple of
    ``<NAME>_ALIGN``.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    header_name : str
        File name used in ``#include``.
    names : iterable of str
        Array names in the header.

    Returns
    -------
    str
    """
    names = [_require_identifier("names", n) for n in names]
    checks = "\n".join(
        f'    ok &= check("{n}", (const uint8_t *){n}, sizeof({n}), {n.upper()}_SIZE, {n.upper()}_FNV1A, '
        f"{n.upper()}_ALIGN);"
        for n in names
    )
    return f"""#include <stdint.h>
#include <stdio.h>
#include "{header_name}"

static uint32_t fnv1a(const uint8_t *p, size_t n) {{
    uint32_t h = 0x811C9DC5u;
    for (size_t i = 0; i < n; ++i) {{
        h = (h ^ p[i]) * 0x01000193u;
    }}
    return h;
}}

static int check(const char *name, const uint8_t *p, size_t n, size_t size, uint32_t expected,
                 unsigned alignment) {{
    uint32_t h = fnv1a(p, n);
    printf("%s %zu %08X %u\\n", name, n, (unsigned)h, (unsigned)((uintptr_t)p % 16u));
    return n == size && h == expected && (uintptr_t)p % alignment == 0;
}}

int main(void) {{
    int ok = 1;
{checks}
    return ok ? 0 : 1;
}}
"""
