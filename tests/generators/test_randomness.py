"""No randomness outside the seeded generators: global `random`, `uuid4`, `datetime.now` are never used."""

from __future__ import annotations

import ast
import datetime as datetime_module
import random
import sys
import uuid
from pathlib import Path

import generators
from generators._cli import main
from generators._factory import seeded_faker
from generators._traffic import Traffic

PACKAGE = Path(generators.__file__).resolve().parent
GLOBAL_RANDOM = ("random", "randrange", "randint", "choice", "choices", "sample", "shuffle", "uniform",
                 "getrandbits", "triangular", "gauss", "seed")


def _forbid(name: str):
    def raiser(*args, **kwargs):
        raise AssertionError(f"{name} called during generation")
    return raiser


class _NoNow(datetime_module.datetime):
    @classmethod
    def now(cls, tz=None):
        raise AssertionError("datetime.now called during generation")

    @classmethod
    def utcnow(cls):
        raise AssertionError("datetime.utcnow called during generation")

    @classmethod
    def today(cls):
        raise AssertionError("datetime.today called during generation")


def test_generation_never_calls_global_random_uuid4_or_now(monkeypatch, capsys):
    for name in GLOBAL_RANDOM:
        monkeypatch.setattr(random, name, _forbid(f"random.{name}"))
    monkeypatch.setattr(uuid, "uuid4", _forbid("uuid.uuid4"))
    monkeypatch.setattr(uuid, "uuid1", _forbid("uuid.uuid1"))
    monkeypatch.setattr(datetime_module, "datetime", _NoNow)
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("generators") and getattr(module, "datetime", None) is datetime_module.datetime:
            monkeypatch.setattr(module, "datetime", _NoNow)
    traffic = Traffic(1, visitors=30)
    for kind in ("page-view", "link-click", "product-view", "add-to-cart", "checkout", "purchase"):
        traffic.interact_body(traffic.event(kind))
    list(traffic.journey())
    fake = seeded_faker(1)
    fake.xdm_journey()
    fake.edge_collect_body(size=12)
    fake.edge_v1_interact_body()
    assert main(["-n", "3", "--kind", "collect-request", "--start", "2025-01-01T00:00:00Z"]) == 0
    assert capsys.readouterr().out.count("\n") == 3


def test_generators_source_has_no_global_random_calls():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                call = f"{node.value.id}.{node.attr}"
                if (node.value.id == "random" and node.attr in GLOBAL_RANDOM) or call in {
                    "uuid.uuid4", "uuid.uuid1", "datetime.now", "datetime.utcnow", "datetime.today", "time.time",
                }:
                    offenders.append(f"{path.name}:{node.lineno} {call}")
            if isinstance(node, ast.ImportFrom) and node.module in {"random", "uuid"}:
                offenders += [f"{path.name}:{node.lineno} from {node.module} import {a.name}" for a in node.names]
    assert offenders == []
