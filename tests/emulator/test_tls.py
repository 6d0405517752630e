"""`--certfile`/`--keyfile`: the emulator over HTTPS for browser clients."""

from __future__ import annotations

import ssl
import urllib.request
from pathlib import Path

import pytest

from emulator._errors import ConfigError
from emulator._server import spawn
from emulator._tls import TlsFiles, tls_files
from tests.certificates import self_signed


@pytest.fixture(scope="module")
def pem_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


def test_tls_files_none_means_plain_http():
    assert tls_files(None, None) is None


def test_tls_files_accepts_a_matching_pem_pair(pem_pair):
    cert, key = pem_pair
    assert tls_files(cert, key) == TlsFiles(cert, key)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        pytest.param("cert-only", "go together", id="cert-only"),
        pytest.param("missing", "is not a readable file", id="missing-file"),
        pytest.param("swapped", "are not a PEM certificate and its private key", id="key-as-cert"),
    ],
)
def test_tls_files_rejects_with_one_line_naming_the_flag(pem_pair, tmp_path, which, message):
    cert, key = pem_pair
    args = {"cert-only": (cert, None), "missing": (tmp_path / "nope.pem", key), "swapped": (key, key)}[which]
    with pytest.raises(ConfigError, match=message) as raised:
        tls_files(*args)
    assert "\n" not in str(raised.value)
    assert "--" in str(raised.value)


@pytest.mark.slow
def test_tls_emulator_announces_https_and_answers_over_tls(pem_pair):
    cert, key = pem_pair
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False  # the certificate names edge.test; the socket is 127.0.0.1
    with spawn(["--certfile", str(cert), "--keyfile", str(key)]) as running:
        assert running.url.startswith("https://127.0.0.1:")
        with urllib.request.urlopen(running.url + "/_emulator/stats", context=context, timeout=5) as response:
            assert response.status == 200
