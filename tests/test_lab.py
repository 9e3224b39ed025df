"""`make lab` serves the lessons on 127.0.0.1: start it exactly as the README says, query it, stop it.

It loads the course's Jupyter config (course_utils/jupyter_config), as the browser tests' servers do: widget
messages are not kernel activity there, and are with plain ``jupyter lab``."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))

from harness import LabServer  # noqa: E402  (tests/browser/harness.py, which the browser tests and benchmarks use)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port``, read from the kernel's tables (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if int(port_hex, 16) == port and state == "0A":  # 0A = LISTEN
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1 as the kernel prints them


def test_make_lab_serves_the_notebooks_on_localhost(repo_root):
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(["make", "lab", f"LAB_PORT={port}", f"LAB_TOKEN={token}"], cwd=repo_root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        listing = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5) as reply:
                    listing = json.load(reply)
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, f"JupyterLab did not answer on 127.0.0.1:{port}"
        names = {item["name"] for item in listing["content"]}
        assert "01_sampling_quantization.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as reply:
            assert reply.status == 200 and b"JupyterLab" in reply.read()
        if Path("/proc/net/tcp").exists():  # the kernel's socket table: Linux only
            addresses = listening_addresses(port)
            assert addresses and addresses <= LOOPBACK, f"listening on {addresses}, not only on loopback"
        before, after = kernel_activity_after_a_widget_message(f"http://127.0.0.1:{port}", token)
        assert after == before, "make lab did not load the course's Jupyter config (comm_msg counted as activity)"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"open http://127.0.0.1:{port}/lab?token={token}" in output
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "JupyterLab still listening after make lab was stopped"


OPEN_A_COMM = """\
try:
    from comm import create_comm
except ImportError:  # ipykernel < 6.18 (the floor's and Colab's pins) has no comm package, only its own Comm
    from ipykernel.comm import Comm as create_comm
echo = create_comm(target_name="course-test")
echo.on_msg(lambda message: None)"""


def kernel_activity_after_a_widget_message(base_url: str, token: str) -> tuple[str, str]:
    """Start a kernel on a running server, open a comm from it, send the comm one widget message (comm_msg) once the
    kernel is idle, and return the server's ``last_activity`` of that kernel before and 2 s after."""
    import asyncio
    import uuid

    from tornado.websocket import websocket_connect

    def api(path, method="GET", body=None):
        request = urllib.request.Request(f"{base_url}/api/{path}?token={token}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def message(msg_type, content):
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "test",
                  "date": "", "version": "5.3"}
        return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
                           "buffers": [], "content": content})

    async def read_until(connection, msg_type, timeout=120):
        while True:
            reply = json.loads(await asyncio.wait_for(connection.read_message(), timeout))
            if reply["header"]["msg_type"] == msg_type:
                return reply

    session = uuid.uuid4().hex
    kernel = api("kernels", "POST", {"name": "python3"})
    try:
        async def send_comm_msg():
            socket_url = base_url.replace("http", "ws", 1) + f"/api/kernels/{kernel['id']}/channels?token={token}"
            connection = await websocket_connect(socket_url)
            for _ in range(12):  # a loaded machine may take a while to start the kernel: ask until it answers
                await connection.write_message(message("kernel_info_request", {}))
                try:
                    await read_until(connection, "kernel_info_reply", timeout=10)
                    break
                except asyncio.TimeoutError:
                    continue
            await connection.write_message(message("execute_request", {"code": OPEN_A_COMM, "silent": False}))
            # comm_open (iopub) and execute_reply (shell) come on different channels, in either order.
            seen = {}
            while not {"comm_open", "execute_reply"} <= seen.keys():
                reply = json.loads(await asyncio.wait_for(connection.read_message(), 120))
                seen.setdefault(reply["header"]["msg_type"], reply)
            comm_id = seen["comm_open"]["content"]["comm_id"]
            await asyncio.sleep(1)
            before = api(f"kernels/{kernel['id']}")
            await connection.write_message(message("comm_msg", {"comm_id": comm_id, "data": {}}))
            await asyncio.sleep(2)
            after = api(f"kernels/{kernel['id']}")
            connection.close()
            assert before["execution_state"] == "idle", before
            return before["last_activity"], after["last_activity"]

        return asyncio.run(send_comm_msg())
    finally:
        api(f"kernels/{kernel['id']}", "DELETE")


@pytest.mark.parametrize("course_config", [True, False], ids=["course-config", "plain-jupyter-lab"])
def test_widget_messages_count_as_kernel_activity_only_without_the_course_config(tmp_path, course_config):
    with LabServer(tmp_path, course_config=course_config) as server:
        before, after = kernel_activity_after_a_widget_message(server.url, server.token)
    assert (after == before) is course_config, (before, after)
