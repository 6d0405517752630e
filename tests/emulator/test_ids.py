"""Seeded identifiers: the one-draw requestId is the id that `uuid()` then `entropy()` would have made."""

from __future__ import annotations

import re
import uuid

import pytest

from emulator._ids import IdSource

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.mark.parametrize("seed", [0, 1, 7, 2**40 + 3])
def test_ids_request_id_equals_uuid_then_entropy_under_the_same_seed(seed):
    one_draw, two_draws = IdSource(seed), IdSource(seed)
    for index in range(300):
        sent = f"sent-{index}" if index % 3 == 0 else None
        expected = (sent or two_draws.uuid()) + "-" + two_draws.entropy()
        assert one_draw.request_id(sent) == expected
    assert one_draw.ecid() == two_draws.ecid()  # the generators are still in step


def test_ids_uuid_is_a_version_4_rfc_9562_uuid():
    ids = IdSource(3)
    values = [ids.uuid() for _ in range(200)] + [ids.request_id(None)[:36] for _ in range(200)]
    assert all(UUID4.fullmatch(v) and uuid.UUID(v).version == 4 for v in values)
    assert len(set(values)) == 400


def test_ids_request_id_suffix_is_16_lowercase_hex():
    assert re.fullmatch(r"abc-[0-9a-f]{16}", IdSource(5).request_id("abc"))


def test_ids_seed_1_gives_the_ids_it_always_gave():
    # Made by the two-draw code this replaced: a seeded run keeps its ids across emulator versions.
    ids = IdSource(1)
    assert ids.request_id(None) == "cd613e30-d8f1-4adf-91b7-584a2265b1f5-1027c4d1c386bbc4"
    assert ids.ecid() == "58942101109365321786641234908934845500"
    assert ids.request_id("x") == "x-78e510617311d8a3"
