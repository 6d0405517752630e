"""Throwaway self-signed certificates for the TLS tests (the emulator over HTTPS, Chromium against it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def self_signed(folder: Path, common_name: str = "edge.test") -> tuple[Path, Path]:
    """(cert.pem, key.pem) for `common_name`, also as its subjectAltName, valid for one day."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not on PATH; install Debian's openssl to make the test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", f"/CN={common_name}",
         "-addext", f"subjectAltName=DNS:{common_name}"],
        check=True, capture_output=True,
    )
    return cert, key
