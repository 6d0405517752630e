"""The client limits' arithmetic: the connection cap fitted to the file-descriptor limit, and where a request
head ends (emulator/_limits.py, emulator/_serving.py). Over real sockets:
tests/reliability/test_emulator_survives.py."""

from __future__ import annotations

import resource

import pytest

from emulator import _limits as limits
from emulator._errors import ConfigError
from emulator._limits import BACKLOG, FD_SPARE, Capacity, capacity_for
from emulator._serving import _head_ends_within


@pytest.fixture
def rlimit(monkeypatch):
    """A fake RLIMIT_NOFILE: `state["soft"], state["hard"]`, and what setrlimit was asked."""
    state = {"soft": 1024, "hard": 1024, "set": None}
    monkeypatch.setattr(limits.resource, "getrlimit", lambda kind: (state["soft"], state["hard"]))

    def setrlimit(kind, values):
        assert kind == resource.RLIMIT_NOFILE
        state["set"] = values
        state["soft"] = values[0]

    monkeypatch.setattr(limits.resource, "setrlimit", setrlimit)
    return state


def test_limits_cap_raises_the_soft_limit_up_to_what_it_needs(rlimit):
    rlimit["hard"] = 100_000
    assert capacity_for(10_000, explicit=False) == Capacity(10_000, BACKLOG)
    assert rlimit["set"] == (10_000 + BACKLOG + FD_SPARE, 100_000)


def test_limits_default_cap_is_lowered_to_fit_a_small_descriptor_limit(rlimit):
    capacity = capacity_for(10_000, explicit=False)
    assert capacity == Capacity(1024 - FD_SPARE - 240, 240)  # a quarter of what is left goes to the backlog
    assert capacity.max_connections + capacity.backlog + FD_SPARE <= 1024


def test_limits_explicit_cap_that_cannot_fit_is_refused_with_the_fix(rlimit):
    with pytest.raises(ConfigError, match=r"--max-connections 10000 needs 12112 file descriptors and this process "
                                          r"may open 1024 \(ulimit -n\); lower --max-connections"):
        capacity_for(10_000, explicit=True)


def test_limits_cap_that_fits_leaves_the_limit_alone(rlimit):
    rlimit["soft"] = rlimit["hard"] = 50_000
    assert capacity_for(500, explicit=True) == Capacity(500, BACKLOG)
    assert rlimit["set"] is None


@pytest.mark.parametrize(
    ("data", "room", "continued", "ends"),
    [
        (b"GET / HTTP/1.1\r\nhost: a\r\n\r\nbody", 30, False, True),
        (b"GET / HTTP/1.1\r\nhost: a\r\n\r\nbody", 20, False, False),  # the empty line ends past the room
        (b"GET / HTTP/1.1\nhost: a\n\nbody", 30, False, True),
        (b"x-big: aaaa", 5, False, False),
        (b"\nbody", 1, True, True),  # the previous read ended in "\r\n\r"
        (b"\r\n" + b"a" * 100, 50, False, False),  # a leading empty line does not end a head not yet begun
        (b"\r\n\r\n", -1, True, False),
    ],
)
def test_limits_head_end_is_found_within_the_room_left(data, room, continued, ends):
    assert _head_ends_within(data, room, continued=continued) is ends
