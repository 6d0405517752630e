from __future__ import annotations

import tomllib

import pytest
import schemathesis

from contract_runner._st_config import NEGATIVE_EXPECTED, render
from emulator import _config as emulator_config
from targets import _defaults as defaults
from tests.contracts.reference import CHECKOUT


def test_root_schemathesis_toml_is_the_rendering_for_the_default_datastream():
    assert (CHECKOUT / "schemathesis.toml").read_text(encoding="utf-8") == render()


def test_rendered_config_pins_the_datastream_and_loads_in_schemathesis():
    text = render("abc-123", max_examples=4)
    data = tomllib.loads(text)
    assert data["hooks"] == "contract_runner.st_hooks"
    assert data["generation"] == {"deterministic": True, "max-examples": 4}
    assert set(data["parameters"].values()) == {"abc-123"}
    config = schemathesis.Config.from_str(text)
    assert config.projects.default.checks.negative_data_rejection.expected_statuses == list(NEGATIVE_EXPECTED)


def test_render_refuses_a_datastream_id_that_would_break_the_toml():
    with pytest.raises(ValueError, match="letters, digits and dashes"):
        render('x" = 1')


def test_default_datastreams_are_the_ones_the_emulator_ships():
    assert defaults.DEFAULT_DATASTREAM_ID == emulator_config.DEFAULT_DATASTREAM_ID
    shipped = tomllib.loads((CHECKOUT / "emulator" / "datastreams.toml").read_text(encoding="utf-8"))
    streams = {stream["id"]: stream for stream in shipped["datastreams"]}
    assert shipped["datastreams"][0]["id"] == defaults.DEFAULT_DATASTREAM_ID
    assert streams[defaults.DISABLED_DATASTREAM_ID]["enabled"] is False
    assert streams[defaults.AUTHENTICATED_DATASTREAM_ID]["access_type"] == "authenticated"
    assert defaults.UNKNOWN_DATASTREAM_ID not in streams
    web = streams[emulator_config.WEB_DATASTREAM_ID]  # the Web SDK's: a browser never sends a primary identity
    assert (web["enabled"], web["access_type"], web["requires_primary_identity"]) == (True, "mixed", False)
    assert web["org_id"] == emulator_config.DEFAULT_ORG_ID
    assert {p["provider"] for p in web["propositions"]} == {"TGT", "AJO"}
