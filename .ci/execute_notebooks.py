"""Execute every lesson in the current environment; fail on any error or stderr output.

    python .ci/execute_notebooks.py             # check: executed copies go to a temporary folder
    python .ci/execute_notebooks.py --in-place  # `make notebooks`: write the outputs back into notebooks/

The check mode is what `make test-colab` and `make test-floor` run on pinned versions, where outputs may
legitimately differ from the committed ones, so only clean execution is required: no error, nothing on stderr and
no FutureWarning or DeprecationWarning from a lesson's own calls. In place, widget state is not saved: the explorers
already embed a static image of their default figure, which is what GitHub shows, and saved state would double
each notebook's size.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# course_utils.setup() prints warnings as one stdout line; these two kinds mean a lesson uses an API that is going.
OUTDATED_API = ("⚠ FutureWarning", "⚠ DeprecationWarning")


def problems_in(notebook) -> list[str]:
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {cell.id}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {cell.id}: stderr: {output.text.strip()[:300]}")
            elif output.output_type == "stream":
                found += [f"cell {cell.id}: {line.strip()[:300]}" for line in output.text.splitlines()
                          if line.startswith(OUTDATED_API)]
    return found


CELL_TIMEOUT_S = 120  # the slowest cell (Griffin-Lim on 14 s of audio) takes about 10 s


def execute(path: Path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=True,
                            record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    # Dropped after execution: nbclient's Output-widget hook fails when told not to record widget state.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps from earlier runs would churn every diff
    return notebook


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--in-place", action="store_true", help="write the outputs back into the notebooks")
    parser.add_argument("names", nargs="*", help="only these notebooks (file names); default: every lesson")
    args = parser.parse_args(argv)
    lessons = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        lessons = [path for path in lessons if path.name in args.names]
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for path in lessons:
            start = time.perf_counter()
            notebook = execute(path)
            nbformat.write(notebook, path if args.in_place else Path(scratch) / path.name)
            found = problems_in(notebook)
            seconds = time.perf_counter() - start
            print(f"{path.name}: {'ok' if not found else f'{len(found)} problem(s)'} ({seconds:.0f} s)")
            if seconds >= CELL_TIMEOUT_S:
                # Seen with ipykernel 6.17.1 on Python 3.13: an interact cell's outputs are complete and later cells
                # run, but nbclient waits out the timeout for the cell to report idle.
                print(f"    note: at least one cell waited the full {CELL_TIMEOUT_S} s timeout before continuing")
            for line in found:
                print(f"    {line}")
            failures += bool(found)
    print(f"{len(lessons) - failures} of {len(lessons)} notebooks ran cleanly")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
