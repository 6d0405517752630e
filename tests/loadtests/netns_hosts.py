"""Test hosts as Linux network namespaces on one bridge: each host its own network stack, so an edgeload run
between them crosses real network boundaries (no shared loopback) while every packet stays inside namespaces
the test made (https://man7.org/linux/man-pages/man8/ip-netns.8.html).

The bridge lives in a namespace of its own, not on the machine's network: nothing routes from the namespaces to
the outside, nor from the outside to them. Addresses come from 10.213.0.0/24, private to those namespaces.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SUBNET = "10.213.0"


def unavailable() -> str | None:
    """Why namespaces cannot be made here (None when they can): root and iproute2 are needed."""
    if shutil.which("ip") is None:
        return "iproute2's `ip` is not installed"
    if os.geteuid() != 0:
        return "network namespaces need root"
    return None


@dataclass(frozen=True)
class Host:
    namespace: str
    address: str

    def command(self, argv: Sequence[str]) -> list[str]:
        """`argv` run inside this host's namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def fetch_json(self, url: str, headers: dict[str, str] | None = None) -> Any:
        """GET `url` from inside this host (the test process itself is outside every namespace)."""
        script = ("import json, sys, urllib.request; r = urllib.request.Request(sys.argv[1], "
                  "headers=json.loads(sys.argv[2])); print(urllib.request.urlopen(r, timeout=5).read().decode())")
        done = subprocess.run(self.command([sys.executable, "-c", script, url, json.dumps(headers or {})]),
                              capture_output=True, text=True, timeout=30, check=True)
        return json.loads(done.stdout)


def _ip(*argv: str) -> None:
    subprocess.run(["ip", *argv], check=True, capture_output=True, timeout=30)


@contextmanager
def hosts(names: Sequence[str]) -> Iterator[dict[str, Host]]:
    """One namespace per name, joined by a bridge in a namespace of its own; all removed on exit."""
    tag = f"edl{os.getpid() % 100000}"
    bridge = f"{tag}-br"
    made: list[str] = []
    try:
        _ip("netns", "add", bridge)
        made.append(bridge)
        _ip("-n", bridge, "link", "add", "br0", "type", "bridge")
        _ip("-n", bridge, "link", "set", "br0", "up")
        found: dict[str, Host] = {}
        for number, name in enumerate(names, start=1):
            namespace = f"{tag}-{name}"
            _ip("netns", "add", namespace)
            made.append(namespace)
            port = f"p{number}"
            _ip("-n", namespace, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", bridge)
            _ip("-n", bridge, "link", "set", port, "master", "br0")
            _ip("-n", bridge, "link", "set", port, "up")
            address = f"{SUBNET}.{number}"
            _ip("-n", namespace, "addr", "add", f"{address}/24", "dev", "eth0")
            _ip("-n", namespace, "link", "set", "eth0", "up")
            _ip("-n", namespace, "link", "set", "lo", "up")
            found[name] = Host(namespace, address)
        yield found
    finally:
        for namespace in reversed(made):  # deleting a namespace deletes its end of each veth pair, hence both
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True, timeout=30, check=False)
