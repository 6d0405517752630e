"""curl reproductions of failing cases: exact once a shell parses them, never holding a secret."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from contract_runner._reproduction import curl_command, setup_note, variables
from targets._redaction import forget_secrets, redact, register_secret

URL = "http://127.0.0.1:8080/ee/v2/interact?datastreamId=ds-1&requestId=r-1"
TRICKY = '{"name":"it\'s \\"quoted\\" $HOME `id` \\\\ \n\t ü \U0001f600 !x"}'.encode()


def fake_secret(name: str) -> str:
    return f"fake-{name}-Qw8Zr4Lp"


@pytest.fixture(autouse=True)
def _no_registered_secrets():
    forget_secrets()
    yield
    forget_secrets()


def argv(command: str) -> list[str]:
    """The words a POSIX shell passes to curl: continuation lines joined, comments dropped."""
    lines = [line for line in command.splitlines() if not line.startswith("#")]
    return shlex.split("\n".join(lines).replace(" \\\n  ", " "))


def shell_argv(command: str, env: dict[str, str]) -> list[str]:
    """What bash really passes to curl, variables expanded, with a `curl` function printing its arguments."""
    python = shlex.quote(sys.executable)
    printer = f"curl() {{ {python} -c 'import json,sys; print(json.dumps(sys.argv[1:]))' \"$@\"; }}"
    run = subprocess.run(["bash", "-c", f"{printer}\n{command}"], capture_output=True, text=True, timeout=30,
                         env={"PATH": "/usr/bin:/bin", **env}, check=True)
    words: list[str] = json.loads(run.stdout)
    return words


def test_curl_command_sends_method_url_headers_and_body_exactly():
    command = curl_command("POST", URL, {"content-type": "application/json", "x-request-id": "a'b\"c"}, TRICKY)
    words = argv(command)
    assert words[:6] == ["curl", "-sS", "-i", "-X", "POST", URL]
    assert words[6:] == ["-H", "content-type: application/json", "-H", "x-request-id: a'b\"c",
                         "--data-binary", TRICKY.decode()]


def test_curl_command_body_reaches_curl_byte_for_byte_through_bash():
    words = shell_argv(curl_command("POST", URL, {"content-type": "application/json"}, TRICKY), {})
    assert words[-2:] == ["--data-binary", TRICKY.decode()]


def test_curl_command_keeps_curl_from_adding_a_content_type_the_request_had_none():
    words = argv(curl_command("POST", URL, {}, b""))
    assert words[-4:] == ["-H", "Content-Type:", "--data-binary", ""]


def test_curl_command_leaves_out_what_curl_computes_itself():
    words = argv(curl_command("POST", URL, {"Host": "x", "Content-Length": "99", "Accept": "*/*"}, b"{}"))
    assert "-H" in words
    assert [words[i + 1] for i, word in enumerate(words) if word == "-H"] == ["Accept: */*", "Content-Type:"]


def test_curl_command_turns_on_k_only_for_an_insecure_run():
    assert argv(curl_command("POST", URL, {}, b"{}", insecure=True))[1] == "-sS"
    assert argv(curl_command("POST", URL, {}, b"{}", insecure=True))[2] == "-ik"
    assert argv(curl_command("POST", URL, {}, b"{}"))[2] == "-i"


def test_curl_command_replaces_every_secret_with_a_variable():
    token, key, password, signature, opaque = (fake_secret(f"part-{n}") for n in range(5))
    register_secret(opaque)
    command = curl_command(
        "POST", f"https://user:{password}@edge.example/ee/v2/interact?datastreamId=ds&api_key={key}&sig={signature}",
        {"Authorization": f"Bearer {token}", "x-api-key": key, "x-gw-ims-org-id": "ORG@AdobeOrg",
         "x-custom": opaque}, b"{}")
    for secret in (token, key, password, signature, opaque):
        assert secret not in command
    assert variables(command) == ["EDGELOAD_URL_USERINFO", "EDGELOAD_API_KEY", "EDGELOAD_SIG",
                                  "EDGELOAD_BEARER_TOKEN", "EDGELOAD_X_CUSTOM"]
    assert "x-gw-ims-org-id: ORG@AdobeOrg" in argv(command)  # the org is no secret: kept as sent


def test_curl_command_variables_expand_to_the_request_sent():
    token, key = fake_secret("token"), fake_secret("key")
    command = curl_command("POST", f"{URL}&api_key={key}", {"Authorization": f"Bearer {token}", "x-api-key": key},
                           b"{}")
    words = shell_argv(command, {"EDGELOAD_BEARER_TOKEN": token, "EDGELOAD_API_KEY": key})
    assert words[:5] == ["-sS", "-i", "-X", "POST", f"{URL}&api_key={key}"]
    assert words[5:9] == ["-H", f"Authorization:Bearer {token}", "-H", f"x-api-key:{key}"]


def test_curl_command_is_left_unchanged_by_redaction():
    register_secret(fake_secret("opaque"))
    command = curl_command(
        "POST", f"https://u:p@edge.example/ee/v2/interact?token={fake_secret('t')}&code=abc&client_secret=x",
        {"Authorization": "Basic dXNlcjpwYXNzd29yZA==", "Cookie": "a=b", "x-api-key": fake_secret("k")},
        b'{"client_secret": "shh-not-for-reports", "access_token": "eyJa.eyJb.c"}')
    note = setup_note(command)
    assert redact(command) == command
    assert redact(note) == note
    assert "shh-not-for-reports" not in command
    assert command.startswith("# secrets in the body are masked as [REDACTED]\n")


def test_setup_note_names_each_variable_once_and_is_empty_without_any():
    command = curl_command("POST", URL, {"authorization": "Bearer abcdefgh12345678", "x-api-key": "k" * 32}, b"{}")
    assert setup_note(command).startswith("# set $EDGELOAD_BEARER_TOKEN, $EDGELOAD_API_KEY first")
    assert setup_note(curl_command("POST", URL, {}, b"{}")) == ""


def test_curl_command_gives_basic_credentials_a_variable_of_their_own():
    command = curl_command("POST", URL, {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}, b"{}")
    assert "dXNlcjpwYXNzd29yZA==" not in command
    assert "Authorization:Basic $EDGELOAD_BASIC_CREDENTIALS" in argv(command)


def test_curl_command_names_a_body_it_cannot_show():
    command = curl_command("POST", URL, {}, b"\xff\xfe{}")
    assert command.splitlines()[0] == "# the body (4 bytes) is not UTF-8 text: save it as body.bin"
    assert argv(command)[-2:] == ["--data-binary", "@body.bin"]
