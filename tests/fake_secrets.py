"""Known fake credentials for the leak tests: an emulator that knows them, an environment that carries
them, and a search that names any of them (or any token) found in what a run wrote or printed."""

from __future__ import annotations

import os
import re
from pathlib import Path

from emulator._auth import mint

ORG = "8B1F4A6E5CC1D3760A495C11@AdobeOrg"
_CLIENT_ID = "fake-client-id-7e2b4c1d"
SECRETS = {
    "EDGELOAD_CLIENT_ID": _CLIENT_ID,
    "EDGELOAD_CLIENT_SECRET": "fake-client-secret-Vx3Np8",
    "EDGELOAD_API_KEY": "fake-api-key-Lq6Wd2Zs",
    "EDGELOAD_BEARER_TOKEN": mint(_CLIENT_ID, ORG, "openid", 0.0, 4102444800.0),
}
# Credentials in a URL: a user name and password (userinfo) and a secret-named query value.
URL_SECRETS = {
    "the URL's user name": "url-user-Bq5Jc",
    "the URL's password": "url-pass-Hq7Rt2Kd",
    "a secret query value": "query-key-Zx4Mn8Pq",
}
_JWT = re.compile(rb"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+")


def leaks(data: str | bytes) -> list[str]:
    """The names of the fake secrets in `data`, plus "a token (JWT)" when any token is there."""
    raw = data.encode(errors="replace") if isinstance(data, str) else data
    found = [name for name, value in {**SECRETS, **URL_SECRETS}.items() if value.encode() in raw]
    return found + (["a token (JWT)"] if _JWT.search(raw) else [])


def with_userinfo(url: str) -> str:
    """`url` (http://host:port) with the fake user name and password of `URL_SECRETS` in it."""
    user, password = URL_SECRETS["the URL's user name"], URL_SECRETS["the URL's password"]
    return url.replace("://", f"://{user}:{password}@", 1)


def with_secret_query(url: str) -> str:
    """`url` with a secret-named query parameter holding the fake query secret."""
    return f"{url}/?api_key={URL_SECRETS['a secret query value']}"


def emulator_config(folder: Path) -> Path:
    """An emulator config whose one OAuth client is the fake one (its datastreams stay the shipped ones)."""
    config = folder / "emulator.toml"
    config.write_text(f'[[clients]]\nid = "{SECRETS["EDGELOAD_CLIENT_ID"]}"\nsecret = '
                      f'"{SECRETS["EDGELOAD_CLIENT_SECRET"]}"\norg_id = "{ORG}"\n', encoding="utf-8")
    return config


def secret_env(**extra: str) -> dict[str, str]:
    """This process's environment plus every fake secret and the org, as a run under test receives them."""
    return {**os.environ, **SECRETS, "EDGELOAD_ORG_ID": ORG, **extra}
