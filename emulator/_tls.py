"""Serving HTTPS with `--certfile`/`--keyfile`: what a real browser needs to reach the emulator.

The Web SDK only speaks `https://{edgeDomain}/...` (https://github.com/adobe/alloy), so the most faithful client test
runs Chromium against the emulator over TLS with a throwaway self-signed certificate. The pair is loaded once here,
before uvicorn starts, so a wrong file is one line naming the flag instead of a traceback from the server.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from emulator._errors import ConfigError


@dataclass(frozen=True, slots=True)
class TlsFiles:
    certfile: Path
    keyfile: Path


def tls_files(certfile: Path | None, keyfile: Path | None) -> TlsFiles | None:
    """The checked certificate/key pair, or None for plain HTTP; raises ConfigError with a one-line message."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise ConfigError("--certfile and --keyfile go together: give both PEM files to serve HTTPS, or neither")
    for flag, path in (("--certfile", certfile), ("--keyfile", keyfile)):
        if not path.is_file():
            raise ConfigError(f"{flag} {path} is not a readable file; pass a PEM file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc.strerror or "unreadable"
        raise ConfigError(
            f"--certfile {certfile} / --keyfile {keyfile} are not a PEM certificate and its private key ({reason})"
        ) from None
    return TlsFiles(certfile, keyfile)
