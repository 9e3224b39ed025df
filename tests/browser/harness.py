"""Drive a real JupyterLab (or Notebook 7) with headless Chromium: start a private server, open notebooks, run them,
find explorers.

Shared by tests/browser/ and benchmarks/widget_latency.py. The server listens on 127.0.0.1 only, on a free port,
behind a random token, with its own settings, runtime and data folders (so nothing of the user's leaks in and
notebooks are never autosaved over nor get checkpoint folders), and is always stopped by :meth:`LabServer.stop`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The course's Jupyter server settings, loaded as `make lab` loads them (through JUPYTER_CONFIG_PATH).
COURSE_JUPYTER_CONFIG = REPO / "course_utils" / "jupyter_config"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# User settings for the private server: never autosave (the tests run committed notebooks), render every cell
# (no windowing, so every explorer is in the page), and no news or update checks (there is no network).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                          "checkForUpdates": False},
}


# The front ends a server can serve: the module `python -m` starts, the name of its application in the
# configuration (for its settings, workspaces and window.jupyterapp), and where a notebook opens.
FRONTENDS = {
    "lab": {"module": "jupyterlab", "app": "LabApp", "notebook_path": "lab/tree"},
    "notebook": {"module": "notebook", "app": "JupyterNotebookApp", "notebook_path": "notebooks"},
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's process: get SIGTERM when the test process dies, even if it is killed before stop().

    Runs between fork and exec, so start servers before starting threads (playwright's), as the fixtures do.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class LabServer:
    """A JupyterLab server on 127.0.0.1 serving ``root``; use as a context manager or call start()/stop().

    ``frontend="notebook"`` starts Notebook 7 (``jupyter notebook``) instead, with the same private set-up.
    ``course_config=False`` leaves out the course's server settings (:data:`COURSE_JUPYTER_CONFIG`), as plain
    ``jupyter lab`` would: for the tests and benchmarks that compare both.
    """

    def __init__(self, root: Path, *, startup_timeout: float = 90.0, env: dict | None = None,
                 frontend: str = "lab", course_config: bool = True):
        if frontend not in FRONTENDS:
            raise ValueError(f"frontend must be one of {sorted(FRONTENDS)}, not {frontend!r}")
        self.frontend = frontend
        self.root = Path(root).resolve()
        self.extra_env = dict(env or {})  # e.g. where the recorder keeps takes
        self.course_config = course_config
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self._home = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self._process: subprocess.Popen | None = None
        self._log = None
        self.log_path = self._home / "server.log"

    def start(self) -> LabServer:
        settings_dir = self._home / "settings"
        for relative, values in LAB_SETTINGS.items():
            path = settings_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(self._home / "config"),
            JUPYTER_DATA_DIR=str(self._home / "data"),
            JUPYTER_RUNTIME_DIR=str(self._home / "runtime"),
            IPYTHONDIR=str(self._home / "ipython"),
            PYTHONUNBUFFERED="1",
        )
        config_path = [path for path in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if path]
        if self.course_config:
            config_path.insert(0, str(COURSE_JUPYTER_CONFIG))
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
        env.update(self.extra_env)
        frontend = FRONTENDS[self.frontend]
        app = frontend["app"]
        command = [
            sys.executable, "-m", frontend["module"], "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            f"--{app}.user_settings_dir={settings_dir}", f"--{app}.workspaces_dir={self._home / 'workspaces'}",
            f"--{app}.expose_app_in_browser=True",
            # An absolute checkpoint folder keeps .ipynb_checkpoints/ out of the repository's folders.
            f"--FileCheckpoints.checkpoint_dir={self._home / 'checkpoints'}",
        ]
        if self.frontend == "lab":
            command.append("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self._log = open(self.log_path, "wb")
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                         cwd=self.root, start_new_session=True, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.frontend} server exited with {self._process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.frontend} server did not answer within {self.startup_timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def notebook_url(self, path: Path) -> str:
        relative = Path(path).resolve().relative_to(self.root).as_posix()
        url = f"{self.url}/{FRONTENDS[self.frontend]['notebook_path']}/{relative}?token={self.token}"
        # reset: start from an empty workspace, not with every notebook an earlier page had open (Notebook 7 opens
        # one notebook per page and has no workspace to reset).
        return url + "&reset" if self.frontend == "lab" else url

    def stop(self) -> None:
        """Stop the server and its kernels (its whole process group), then remove its private folders."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self._home, ignore_errors=True)

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


# ----------------------------------------------------------------------------------------------- in the page
# These run inside JupyterLab through window.jupyterapp (exposed by --LabApp.expose_app_in_browser).

JS_NOTEBOOK_READY = """
async (path) => {
  const app = window.jupyterapp;
  if (!app || !app.commands.hasCommand('notebook:run-all-cells')) return false;
  await app.restored;
  const panel = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === path);
  if (!panel || !panel.sessionContext || !panel.content) return false;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  // A headless page may never focus the notebook, and notebook commands act on the focused (current) one.
  app.shell.activateById(panel.id);
  window.__coursePanel = panel;
  return app.shell.currentWidget === panel;
}
"""

JS_RUN_ALL = """
async () => {
  const app = window.jupyterapp;
  app.shell.activateById(window.__coursePanel.id);
  app.commands.execute('notebook:run-all-cells');
  return true;
}
"""

JS_EXECUTION_STATE = """
() => {
  const panel = window.__coursePanel;
  const cells = panel.content.widgets.filter(cell => cell.model.type === 'code');
  const errors = [];
  let pending = 0;
  for (const cell of cells) {
    if (cell.model.executionCount === null) pending += 1;
    for (const output of cell.model.outputs.toJSON()) {
      if (output.output_type === 'error') errors.push(`${output.ename}: ${output.evalue}`);
      const text = output.output_type === 'stream' && output.name === 'stderr' ? String(output.text) : '';
      if (text.includes('Traceback')) errors.push(`traceback on stderr: ${text.slice(0, 500)}`);
    }
  }
  const kernel = panel.sessionContext.session.kernel;
  return {pending, errors, status: kernel ? kernel.status : 'dead', cells: cells.length};
}
"""


JS_CLOSE = """
async () => {
  const panel = window.__coursePanel;
  if (!panel || panel.isDisposed) return;
  await panel.sessionContext.shutdown();
  panel.context.model.dirty = false;  // never save: the notebooks under test stay as committed
  panel.dispose();
}
"""


def offline(context, server: LabServer) -> list[str]:
    """Answer every request that is not to ``server`` with an empty 204, and return the list of those URLs.

    There is no network here (nor in CI); lessons link images such as the Colab badge, which would otherwise fail
    to load and be reported as console errors that say nothing about the explorers.
    """
    outside = []

    def answer(route):
        outside.append(route.request.url)
        route.fulfill(status=204, body=b"")

    context.route(lambda url: not url.startswith(server.url), answer)
    return outside


def close_notebook(page) -> None:
    """Shut the notebook's kernel down and close it without saving."""
    page.evaluate(JS_CLOSE)


def open_notebook(page, server: LabServer, path: Path, *, timeout_s: float = 120.0) -> None:
    """Open ``path`` in JupyterLab and wait until its kernel is idle."""
    page.goto(server.notebook_url(path))
    relative = Path(path).resolve().relative_to(server.root).as_posix()
    deadline = time.monotonic() + timeout_s
    # Polled from Python: wait_for_function would take the async function's promise itself as "truthy".
    while not page.evaluate(JS_NOTEBOOK_READY, relative):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{relative} did not open with an idle kernel within {timeout_s:.0f} s")
        time.sleep(0.25)


def run_all_cells(page, *, timeout_s: float = 300.0) -> dict:
    """Run every cell and wait for the kernel to finish; returns {"errors": [...], "cells": n}."""
    page.evaluate(JS_RUN_ALL)
    deadline = time.monotonic() + timeout_s
    state = {}
    while time.monotonic() < deadline:
        state = page.evaluate(JS_EXECUTION_STATE)
        if state["errors"] or (state["pending"] == 0 and state["status"] == "idle"):
            return state
        if state["status"] in ("dead", "unknown"):
            return {**state, "errors": state["errors"] + [f"kernel is {state['status']}"]}
        time.sleep(0.25)
    raise TimeoutError(f"notebook did not finish within {timeout_s:.0f} s: {state}")


def notebooks_with_explorers(folder: Path) -> list[Path]:
    """Lesson notebooks whose code creates an explorer (``...Explorer(``)."""
    found = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        source = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
        if "Explorer(" in source:
            found.append(path)
    return found
