"""targets._profiles: built-in profiles, the config file, precedence file < environment < flags."""

from __future__ import annotations

import base64
import re

import pytest

from targets._defaults import DEFAULT_DATASTREAM_ID
from targets._profiles import (
    ADOBE_IMS_URL,
    RESOLVED_ENV,
    Overrides,
    Profile,
    ProfileError,
    is_local_url,
    require_datastream,
    resolve,
)
from targets._redaction import redact

CONFIG = """
[run]
users = 3

[profiles.adobe-server]
datastream_id = "file-datastream"
org_id = "FILEORG@AdobeOrg"
location_hint = "va6"

[profiles.proxy]
extends = "adobe-edge"
target = "https://edge-proxy.example.com/base/"
datastream_id = "proxy-datastream"
headers = { "x-proxy-route" = "eu" }
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "edgeload.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return str(path)


def test_resolve_defaults_to_the_emulator_profile_without_credentials():
    profile = resolve(Overrides(), environ={})
    assert (profile.name, profile.base_url, profile.datastream_id, profile.auth) == (
        "emulator", None, DEFAULT_DATASTREAM_ID, "none")
    assert profile.is_local


@pytest.mark.parametrize(("name", "url", "auth"), [
    pytest.param("adobe-server", "https://server.adobedc.net", "oauth", id="server"),
    pytest.param("adobe-edge", "https://edge.adobedc.net", "none", id="edge"),
])
def test_resolve_built_in_adobe_profiles(name, url, auth):
    profile = resolve(Overrides(profile=name), environ={})
    assert (profile.base_url, profile.auth, profile.verify_tls, profile.is_local) == (url, auth, True, False)
    assert profile.token_url == ADOBE_IMS_URL


def test_resolve_file_refines_a_built_in_of_the_same_name(config):
    profile = resolve(Overrides(profile="adobe-server", config=config), environ={})
    assert (profile.base_url, profile.auth, profile.datastream_id, profile.org_id, profile.location_hint) == (
        "https://server.adobedc.net", "oauth", "file-datastream", "FILEORG@AdobeOrg", "va6")


def test_resolve_file_profile_extends_a_built_in_and_keeps_its_path(config):
    profile = resolve(Overrides(profile="proxy", config=config), environ={})
    assert (profile.base_url, profile.auth, profile.headers) == (
        "https://edge-proxy.example.com/base", "none", (("x-proxy-route", "eu"),))


def test_resolve_precedence_is_file_then_environment_then_flags(config):
    environ = {"EDGELOAD_DATASTREAM_ID": "env-datastream", "EDGELOAD_ORG_ID": "ENVORG@AdobeOrg",
               "EDGELOAD_LOCATION_HINT": "irl1"}
    from_env = resolve(Overrides(profile="adobe-server", config=config), environ=environ)
    assert (from_env.datastream_id, from_env.org_id, from_env.location_hint) == (
        "env-datastream", "ENVORG@AdobeOrg", "irl1")
    flagged = resolve(Overrides(profile="adobe-server", config=config, datastream_id="flag-datastream",
                                location_hint="jpn3"), environ=environ)
    assert (flagged.datastream_id, flagged.org_id, flagged.location_hint) == (
        "flag-datastream", "ENVORG@AdobeOrg", "jpn3")


def test_resolve_reads_the_profile_name_and_config_path_from_the_environment(config):
    profile = resolve(Overrides(), environ={"EDGELOAD_PROFILE": "proxy", "EDGELOAD_CONFIG": config})
    assert profile.name == "proxy"


def test_resolve_flag_header_replaces_the_profile_header_of_the_same_name(config):
    profile = resolve(Overrides(profile="proxy", config=config, headers=("X-Proxy-Route: us", "x-team: load")),
                      environ={})
    assert profile.headers == (("X-Proxy-Route", "us"), ("x-team", "load"))


def test_resolve_insecure_turns_verification_off_by_flag_or_environment():
    assert not resolve(Overrides(profile="adobe-edge", insecure=True), environ={}).verify_tls
    assert not resolve(Overrides(profile="adobe-edge"), environ={"EDGELOAD_INSECURE": "1"}).verify_tls


def test_resolve_takes_the_profile_a_parent_process_resolved():
    handed = Profile("adobe-server", "https://server.adobedc.net", "d1", auth="oauth", org_id="O@AdobeOrg")
    profile = resolve(Overrides(profile="adobe-server"), environ={RESOLVED_ENV: handed.to_json()})
    assert profile == handed


@pytest.mark.parametrize(("overrides", "environ", "message"), [
    pytest.param(Overrides(profile="nope"), {}, "unknown profile 'nope'; choose one of adobe-edge", id="unknown"),
    pytest.param(Overrides(target="ftp://x"), {}, "is not an http(s):// URL", id="bad-url"),
    pytest.param(Overrides(auth="kerberos"), {}, "auth 'kerberos' of profile emulator is not one of", id="auth"),
    pytest.param(Overrides(location_hint="mars1"), {}, "location hint 'mars1' is not one of", id="hint"),
    pytest.param(Overrides(headers=("no colon",)), {}, "is not 'Name: value'", id="header"),
    pytest.param(Overrides(), {"EDGELOAD_AUTH": "magic"}, "auth 'magic'", id="env-auth"),
])
def test_resolve_refuses_bad_input_with_one_line(overrides, environ, message):
    with pytest.raises(ProfileError, match=re.escape(message)) as caught:
        resolve(overrides, environ=environ)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("line", ['client_secret = "s"', 'bearer_token = "t"', 'api_key = "k"'])
def test_resolve_refuses_a_config_file_holding_a_secret(tmp_path, line):
    path = tmp_path / "edgeload.toml"
    path.write_text(f"[profiles.mine]\nextends = \"adobe-server\"\n{line}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="secrets belong in environment variables"):
        resolve(Overrides(profile="mine", config=str(path)), environ={})


def test_resolve_refuses_an_unknown_key_naming_the_known_ones(tmp_path):
    path = tmp_path / "edgeload.toml"
    path.write_text('[profiles.mine]\nbase_ur1 = "https://x"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"unknown key 'base_ur1'.*known keys: api_key_env"):
        resolve(Overrides(profile="mine", config=str(path)), environ={})


def test_profile_path_puts_the_location_hint_after_ee():
    profile = Profile("p", "https://x", location_hint="irl1")
    assert profile.path("/ee/v2/interact") == "/ee/irl1/v2/interact"
    assert Profile("p").path("/ee/v2/interact") == "/ee/v2/interact"


def test_profile_token_url_of_the_emulator_is_its_own_endpoint():
    profile = resolve(Overrides(target="http://127.0.0.1:8080"), environ={})
    assert profile.token_url == "http://127.0.0.1:8080/ims/token/v3"


@pytest.mark.parametrize(("url", "local"), [
    ("http://127.0.0.1:1", True), ("http://localhost:8080", True), ("http://[::1]:80", True),
    ("http://127.8.0.1", True), ("https://server.adobedc.net", False), ("http://10.0.0.1", False),
])
def test_is_local_url_means_loopback_only(url, local):
    assert is_local_url(url) is local


def test_profile_describe_names_variables_never_values():
    profile = Profile("adobe-server", "https://server.adobedc.net", "d1", auth="oauth")
    line = profile.describe()
    assert "$EDGELOAD_CLIENT_ID/$EDGELOAD_CLIENT_SECRET" in line
    assert "TLS verified" in line


def test_require_datastream_says_where_to_set_it():
    with pytest.raises(ProfileError, match="pass --datastream-id, set EDGELOAD_DATASTREAM_ID"):
        require_datastream(resolve(Overrides(profile="adobe-edge"), environ={}))


def test_resolve_takes_userinfo_out_of_the_target_and_sends_it_as_basic_authentication():
    profile = resolve(Overrides(target="http://alice:pa%40ss-w0rd@127.0.0.1:8080/base/"), environ={})
    assert profile.base_url == "http://127.0.0.1:8080/base"
    assert profile.headers == (("Authorization", "Basic " + base64.b64encode(b"alice:pa@ss-w0rd").decode()),)
    # The password, the userinfo and the header are masked wherever they would be shown.
    assert redact("pa@ss-w0rd alice:pa%40ss-w0rd " + profile.headers[0][1]) == "[REDACTED] [REDACTED] [REDACTED]"


@pytest.mark.parametrize("auth", ["bearer", "oauth"])
def test_resolve_refuses_userinfo_beside_an_authentication_of_its_own_without_showing_it(auth):
    with pytest.raises(ProfileError, match="drop one of the two") as raised:
        resolve(Overrides(target="http://alice:pa55w0rd-x@127.0.0.1:8080", auth=auth), environ={})
    assert "pa55w0rd" not in str(raised.value)


def test_resolve_refuses_a_target_with_a_query_and_names_no_secret_value():
    with pytest.raises(ProfileError, match="has a query or fragment, which is never sent") as raised:
        resolve(Overrides(target="http://127.0.0.1:8080/base?api_key=Zq8Wv3Xk9"), environ={})
    assert "Zq8Wv3Xk9" not in str(raised.value)
