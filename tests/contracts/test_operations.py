from __future__ import annotations

import pickle

import pytest

from contracts._operations import LABELS, hint_of, hinted_path, label_for, location_hints
from contracts._schemas import contract
from contracts._violations import HandleShapeViolation
from emulator import _config as config


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/ee/v2/interact", "POST /ee/v2/interact"),
        ("/ee/v2/interact?datastreamId=x&requestId=y", "POST /ee/v2/interact"),
        ("/ee/or2/v2/interact", "POST /ee/v2/interact"),
        ("/ee/va6/v2/collect", "POST /ee/v2/collect"),
        ("/ee/bogus/v1/interact", "POST /ee/v1/interact"),
        ("/ee/v1/identity/acquire", "POST /ee/v1/identity/acquire"),
        ("/ee/irl1/v1/privacy/set-consent", "POST /ee/v1/privacy/set-consent"),
        ("/ee/v3/interact", None),
        ("/ee/or2/x/v2/interact", None),
        ("/other/v2/interact", None),
    ],
)
def test_label_for_maps_plain_and_hint_paths_to_one_label(path, label):
    assert label_for("POST", path) == label


def test_label_for_is_none_for_other_methods():
    assert label_for("GET", "/ee/v2/interact") is None


@pytest.mark.parametrize(("path", "hint"), [("/ee/v2/interact", None), ("/ee/va6/v2/interact?x=1", "va6"),
                                            ("/ee/v1/identity/acquire", None), ("/ee/zz9/v1/collect", "zz9")])
def test_hint_of_returns_the_hint_segment_valid_or_not(path, hint):
    assert hint_of(path) == hint


def test_hinted_path_round_trips_through_label_for():
    for label in LABELS:
        for hint in (None, *location_hints()):
            assert label_for("POST", hinted_path(label, hint)) == label


def test_labels_are_exactly_the_operations_of_the_contract():
    assert set(LABELS) == set(contract().operations)


def test_location_hints_are_the_enum_of_the_contract():
    assert location_hints() == ("or2", "va6", "irl1", "ind1", "jpn3", "sgp3", "aus3")


def test_location_hints_of_the_emulator_are_the_contracts():
    # The emulator may not import contracts, so it states the hints it serves itself; they must be these.
    assert location_hints() == config.LOCATION_HINTS


def test_violations_survive_pickling_with_check_rule_and_detail():
    violation = pickle.loads(pickle.dumps(HandleShapeViolation("rule text", detail="where")))
    assert (violation.check, violation.rule, violation.detail, str(violation)) == (
        "handle_shape", "rule text", "where", "handle_shape: rule text")
