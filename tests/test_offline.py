"""The course runs offline: the unit tests refuse non-loopback connections (tests/conftest.py), CI runs the whole
suite and every notebook inside a network namespace with loopback only (.ci/run), and nothing fetches data."""

import socket
import urllib.request

import pytest
from conftest import NetworkAccessError


# TEST-NET-1 (RFC 5737): never routed. Without the guard a connection times out or is unreachable (an OSError, which
# urllib wraps in URLError); only the guard raises NetworkAccessError, and at once. A literal address, because a
# host name would be resolved by the C library, below any Python socket a guard can see.
UNROUTED = "192.0.2.1"


def test_connections_beyond_loopback_are_refused_during_tests():
    with pytest.raises(NetworkAccessError, match=rf"{UNROUTED}.*must run offline"):
        socket.create_connection((UNROUTED, 443), timeout=1)


def test_http_requests_are_refused_by_name_not_by_a_timeout():
    with pytest.raises(NetworkAccessError, match="must run offline"):
        urllib.request.urlopen(f"http://{UNROUTED}/", timeout=1)
    with socket.socket() as sock, pytest.raises(NetworkAccessError, match="must run offline"):
        sock.connect_ex((UNROUTED, 80))


def test_loopback_still_works():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass


def test_data_and_models_ship_with_the_course(repo_root):
    from course_utils import data, tinyml

    assert data.verify() == []
    for model in (tinyml.PREPROCESSOR_INT8, tinyml.PREPROCESSOR_FLOAT, tinyml.MICRO_SPEECH_MODEL):
        assert model.is_file() and model.is_relative_to(repo_root / "data")
