"""`--certfile`/`--keyfile`: the emulator over HTTPS for browser clients (issue 7)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path

import pytest

from emulator.errors import ConfigError
from emulator.server import spawn
from emulator.tls import TlsFiles, tls_files


@pytest.fixture(scope="module")
def pem_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not on PATH; install Debian's openssl to make the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=edge.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


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
