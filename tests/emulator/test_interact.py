"""POST /ee/v2/interact: status, body, handles, headers and requestId."""

from __future__ import annotations

import re

import pytest

from emulator._config import DEFAULT_DATASTREAM_ID, DEFAULT_ORG_ID
from emulator._identity import decode_identity_state, ecid_for
from tests.emulator.asgi_client import AUTH, AUTHENTICATED_ID, DEFAULT, call, interact_body, make_app

PREFIX = "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_"


def handles_by_type(document: dict) -> dict[str, dict]:
    return {h["type"]: h for h in document["handle"]}


def test_interact_answers_200_with_request_id_and_handles(app):
    answer = call(app, body=interact_body(), query=DEFAULT)
    assert answer.status == 200
    document = answer.json()
    assert set(document) == {"requestId", "handle"}
    assert set(handles_by_type(document)) == {"locationHint:result", "state:store"}


def test_interact_state_store_carries_identity_and_cluster_with_max_age_and_same_site(app):
    store = handles_by_type(call(app, body=interact_body(), query=DEFAULT).json())["state:store"]
    assert "eventIndex" not in store
    identity, cluster = store["payload"]
    assert identity["key"] == PREFIX + "identity"
    assert identity["maxAge"] == 34128000
    assert identity["attrs"] == {"SameSite": "None"}
    assert cluster == {"key": PREFIX + "cluster", "value": "or2", "maxAge": 1800, "attrs": {"SameSite": "None"}}
    assert decode_identity_state(identity["value"]) == ecid_for(DEFAULT_ORG_ID, "FPID", "visitor-1")


def test_interact_identity_state_is_url_safe_base64_of_protobuf_field_1():
    from base64 import urlsafe_b64decode

    from emulator._identity import encode_identity_state

    ecid = "24816829704426489597507966523344957799"
    assert urlsafe_b64decode(encode_identity_state(ecid)) == b"\x0a\x26" + ecid.encode()


def test_interact_location_hint_names_edge_network_cluster_for_1800_seconds(app):
    hint = handles_by_type(call(app, body=interact_body(), query=DEFAULT).json())["locationHint:result"]
    assert {"scope": "EdgeNetwork", "hint": "or2", "ttlSeconds": 1800} in hint["payload"]
    assert {"scope": "Target", "hint": "35", "ttlSeconds": 1800} in hint["payload"]  # target is on


@pytest.mark.parametrize("hint", ["or2", "va6", "irl1", "ind1", "jpn3", "sgp3", "aus3"])
def test_interact_under_a_hint_path_answers_that_cluster(app, hint):
    answer = call(app, f"/ee/{hint}/v2/interact", interact_body(), query=DEFAULT)
    assert answer.status == 200
    assert answer.headers["x-adobe-edge"].startswith(hint.upper() + ";")
    store = handles_by_type(answer.json())["state:store"]
    assert store["payload"][1]["value"] == hint


def test_interact_identity_result_has_a_38_digit_ecid_when_asked(app):
    body = interact_body(query={"identity": {"fetch": ["ECID"]}})
    result = handles_by_type(call(app, body=body, query=DEFAULT).json())["identity:result"]
    (item,) = result["payload"]
    assert re.fullmatch(r"\d{38}", item["id"])
    assert item["namespace"] == {"code": "ECID"}
    assert "eventIndex" not in result


def test_interact_identity_result_absent_when_not_asked(app):
    document = call(app, body=interact_body(query={"identity": {"fetch": ["CORE"]}}), query=DEFAULT).json()
    assert "identity:result" not in handles_by_type(document)


def ecid_of(app, body, query=DEFAULT):
    body = {**body, "query": {"identity": {"fetch": ["ECID"]}}}
    return handles_by_type(call(app, body=body, query=query).json())["identity:result"]["payload"][0]["id"]


def test_interact_same_identity_gets_same_ecid_across_calls_and_seeds():
    first, second = make_app(seed=1), make_app(seed=2)
    assert ecid_of(first, interact_body("alice")) == ecid_of(second, interact_body("alice"))
    assert ecid_of(first, interact_body("alice")) != ecid_of(first, interact_body("bob"))


def test_interact_ecid_sent_in_identity_map_is_kept(app):
    ecid = "05907638112924484241029082405297151763"
    body = interact_body()
    body["event"]["xdm"]["identityMap"]["ECID"] = [{"id": ecid}]
    assert ecid_of(app, body) == ecid


def test_interact_identity_state_from_an_earlier_response_keeps_the_ecid():
    app = make_app(seed=3)
    # A client-side datastream (no primary identity required): the first call mints an ECID.
    query = {"datastreamId": AUTHENTICATED_ID}
    first = call(app, body=interact_body(None), query=query, headers=AUTH).json()
    state = handles_by_type(first)["state:store"]["payload"][0]
    minted = decode_identity_state(state["value"])
    body = interact_body(None, meta={"state": {"entries": [{"key": state["key"], "value": state["value"]}]}})
    again = call(app, body=body, query=query, headers=AUTH).json()
    assert decode_identity_state(handles_by_type(again)["state:store"]["payload"][0]["value"]) == minted


def test_interact_without_identity_mints_a_fresh_ecid_per_call():
    app = make_app(seed=3)
    query = {"datastreamId": AUTHENTICATED_ID}
    first = call(app, body=interact_body(None), query=query, headers=AUTH).json()
    second = call(app, body=interact_body(None), query=query, headers=AUTH).json()
    values = [handles_by_type(d)["state:store"]["payload"][0]["value"] for d in (first, second)]
    assert values[0] != values[1]


def test_interact_personalization_decisions_for_configured_scopes_only(app):
    body = interact_body(query={"personalization": {"decisionScopes": ["__view__", "unknown-mbox"]}})
    handle = handles_by_type(call(app, body=body, query=DEFAULT).json())["personalization:decisions"]
    assert handle["eventIndex"] == 0
    (proposition,) = handle["payload"]
    assert proposition["scope"] == "__view__"
    assert proposition["id"] == "AT:eyJhY3Rpdml0eUlkIjoiMTMxMDEwIiwiZXhwZXJpZW5jZUlkIjoiMCJ9"
    assert proposition["scopeDetails"]["decisionProvider"] == "TGT"
    assert proposition["items"][0]["schema"] == "https://ns.adobe.com/personalization/dom-action"
    assert proposition["items"][0]["meta"]["activity.id"] == "131010"


def test_interact_personalization_decisions_for_a_configured_surface(app):
    surface = "web://example.com/#hero"
    body = interact_body(query={"personalization": {"surfaces": [surface]}})
    (proposition,) = handles_by_type(call(app, body=body, query=DEFAULT).json())["personalization:decisions"]["payload"]
    assert proposition["scope"] == surface
    assert proposition["scopeDetails"]["decisionProvider"] == "AJO"
    assert proposition["items"][0]["data"]["content"] == {"headline": "Free shipping this week"}


def test_interact_no_personalization_handle_for_unconfigured_scopes(app):
    body = interact_body(query={"personalization": {"decisionScopes": ["nope"], "surfaces": ["web://x/#y"]}})
    assert "personalization:decisions" not in handles_by_type(call(app, body=body, query=DEFAULT).json())


@pytest.mark.parametrize("param", ["datastreamId", "dataStreamId", "configId"])
def test_interact_reads_the_datastream_from_either_parameter_name(app, param):
    assert call(app, body=interact_body(), query={param: DEFAULT_DATASTREAM_ID}).status == 200


def test_interact_datastream_id_is_case_insensitive_like_a_uuid(app):
    assert call(app, body=interact_body(), query={"datastreamId": DEFAULT_DATASTREAM_ID.upper()}).status == 200


def test_interact_accepts_text_plain_with_charset(app):
    answer = call(app, body=interact_body(), query=DEFAULT, content_type="text/plain; charset=UTF-8")
    assert answer.status == 200


def test_interact_reads_a_body_sent_in_several_chunks(app):
    assert call(app, body=interact_body(), query=DEFAULT, chunk=7).status == 200


def test_interact_response_headers_follow_the_real_service(app):
    answer = call(app, body=interact_body(), query={**DEFAULT, "requestId": "r-1"})
    headers = answer.headers
    assert headers["content-type"] == "application/json;charset=utf-8"
    assert headers["cache-control"] == "no-cache, no-store, max-age=0, no-transform"
    assert headers["x-adobe-edge"] == "OR2;9"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["vary"] == "Origin"
    assert re.fullmatch(r"[\d.]+:\S+", headers["x-konductor"])
    assert headers["x-request-id"] == answer.json()["requestId"]
    assert int(headers["content-length"]) == len(answer.body)
    assert int(headers["x-rate-limit-remaining"]) == 4000 - 4  # one fragment x four services


def test_interact_request_id_from_query_gets_a_16_hex_suffix(app):
    answer = call(app, body=interact_body(), query={**DEFAULT, "requestId": "708e4f90-5bff-41c5-8f4b-6c15bab76b11"})
    assert re.fullmatch(r"708e4f90-5bff-41c5-8f4b-6c15bab76b11-[0-9a-f]{16}", answer.json()["requestId"])


def test_interact_request_id_from_header_when_no_query(app):
    answer = call(app, body=interact_body(), query=DEFAULT, headers={"x-request-id": "from-header"})
    assert re.fullmatch(r"from-header-[0-9a-f]{16}", answer.json()["requestId"])


def test_interact_request_id_query_wins_over_header(app):
    answer = call(app, body=interact_body(), query={**DEFAULT, "requestId": "q"}, headers={"x-request-id": "h"})
    assert answer.json()["requestId"].startswith("q-")


def test_interact_request_id_generated_as_uuid_when_none_sent(app):
    request_id = call(app, body=interact_body(), query=DEFAULT).json()["requestId"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-[0-9a-f]{16}", request_id)


def test_interact_cross_origin_callers_get_cors_headers(app):
    answer = call(app, body=interact_body(), query=DEFAULT, headers={"origin": "https://site.test"})
    assert answer.headers["access-control-allow-origin"] == "https://site.test"
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in answer.headers["access-control-expose-headers"]
