"""Print what a leg of the version matrix runs on; with --expect, fail unless the pins of a constraints file hold.

    python .ci/versions.py                                  # one line: Python, the course's libraries, BLAS kernels
    python .ci/versions.py --expect .ci/colab-constraints.txt

The BLAS kernel is what OpenBLAS picked for this CPU, or what OPENBLAS_CORETYPE forced: the CPU legs print it so a
log shows which kernel the outputs were checked under.
"""

import argparse
import importlib.metadata
import platform
import re
import sys
from pathlib import Path

SHOWN = ["librosa", "numpy", "scipy", "matplotlib", "ipywidgets", "ipykernel", "ipython", "soundfile", "anywidget"]


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s#;]+)", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def blas_kernels() -> list[str]:
    import numpy  # noqa: F401  (loads numpy's OpenBLAS)
    import scipy.linalg  # noqa: F401  (loads scipy's, which may be another copy)
    import threadpoolctl

    return sorted({f"{info['internal_api']} {info.get('architecture', '?')}"
                   for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--expect", type=Path, help="a constraints file whose == pins must be what is installed")
    args = parser.parse_args(argv)
    installed = {name: importlib.metadata.version(name) for name in SHOWN}
    print(f"Python {platform.python_version()}; " + ", ".join(f"{name} {version}" for name, version in installed.items())
          + f"; BLAS: {', '.join(blas_kernels())}")
    if not args.expect:
        return 0
    wrong = []
    for name, version in pins(args.expect).items():
        try:
            actual = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name} not installed (pinned {version})")
            continue
        if actual != version:
            wrong.append(f"{name} {actual} (pinned {version})")
    for line in wrong:
        print(f"  not as pinned in {args.expect}: {line}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
