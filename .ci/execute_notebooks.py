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
from queue import Empty

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
RECHECK_S = 1.0


def recheck_while_waiting(channel, *, every_s: float = RECHECK_S, on_lost=lambda: None) -> None:
    """Make ``channel.get_msg(timeout)`` look for a message every ``every_s`` s, keeping the total timeout.

    nbclient answers each output that an ``interact`` cell's Output widget captures with a comm_msg on the shell
    channel, and jupyter_client sends it through a plain shadow of the asyncio socket. If the kernel's execute_reply
    reaches the socket during that send, the send consumes the edge-triggered wake-up, and the pending poll only sees
    the reply when its timeout runs out (jupyter/nbclient#312): the cell seemed to wait out the whole cell timeout.
    A re-check that runs out after a send on the channel, yet finds a message, is such a lost wake-up: ``on_lost`` is
    called. (Without a send, a message found as a re-check ran out merely arrived while this process was busy.)
    """
    get_msg, send = channel.get_msg, channel.send
    sends = 0

    def send_counting(*args, **kwargs):
        nonlocal sends
        sends += 1
        return send(*args, **kwargs)

    async def get_msg_rechecking(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = every_s if deadline is None else min(every_s, deadline - time.monotonic())
            if wait <= 0:
                raise Empty
            start, sends_before = time.monotonic(), sends
            try:
                message = await get_msg(timeout=wait)
            except Empty:
                continue
            if time.monotonic() - start >= wait - 1e-3 and sends > sends_before:
                on_lost()
            return message

    channel.get_msg, channel.send = get_msg_rechecking, send_counting


class _Client(NotebookClient):
    """Notes the cells whose execute_reply arrived without waking the client (see :func:`recheck_while_waiting`)."""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        self.lost_wake_ups, self.cell_index = [], None
        recheck_while_waiting(kc.shell_channel, on_lost=lambda: self.lost_wake_ups.append(self.cell_index))
        return kc

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        self.cell_index = cell_index
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)


def execute(path: Path):
    """Execute one notebook; return it and the indices of the cells whose reply had to be found by a re-check."""
    notebook = nbformat.read(path, as_version=4)
    client = _Client(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=True,
                     record_timing=False,
                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    # Dropped after execution: nbclient's Output-widget hook fails when told not to record widget state.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps from earlier runs would churn every diff
    return notebook, client.lost_wake_ups


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--in-place", action="store_true", help="write the outputs back into the notebooks")
    parser.add_argument("names", nargs="*", help="only these notebooks (file names); default: every lesson")
    args = parser.parse_args(argv)
    lessons = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        unknown = sorted(set(args.names) - {path.name for path in lessons})
        if unknown:
            parser.error(f"no lesson named {', '.join(unknown)} in {NOTEBOOKS}; give file names such as "
                         f"{lessons[0].name} (without the folder)")
        lessons = [path for path in lessons if path.name in args.names]
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for path in lessons:
            start = time.perf_counter()
            notebook, lost_wake_ups = execute(path)
            nbformat.write(notebook, path if args.in_place else Path(scratch) / path.name)
            found = problems_in(notebook)
            seconds = time.perf_counter() - start
            print(f"{path.name}: {'ok' if not found else f'{len(found)} problem(s)'} ({seconds:.0f} s)")
            if lost_wake_ups:
                print(f"    note: cell(s) {', '.join(map(str, lost_wake_ups))}: the kernel's reply arrived without "
                      f"waking nbclient (jupyter/nbclient#312); found by the {RECHECK_S:.0f} s re-check")
            for line in found:
                print(f"    {line}")
            failures += bool(found)
    print(f"{len(lessons) - failures} of {len(lessons)} notebooks ran cleanly")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
