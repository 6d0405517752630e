"""Target profiles: where requests go and how they authenticate, one setting for every runner (docs/targets.md).

A profile names a base URL, a datastream, an authentication method and extra headers. It lives in this, the
lowest layer both `edgeload run` and `edgeload contract` import, so the load test, the contract suite, schemathesis
and plain `locust` read one definition. Sources, each overriding the one before:

1. the built-ins: `emulator` (the default: the embedded emulator, no credentials), `adobe-server`
   (https://server.adobedc.net, OAuth server-to-server), `adobe-edge` (https://edge.adobedc.net, no credentials),
   and `custom` (nothing but the URL: the default when a non-local target is given without a profile);
2. `[profiles.NAME]` tables of the config file (`--config`, else $EDGELOAD_CONFIG, else ./edgeload.toml); a table
   named like a built-in refines it, another one may `extends` a built-in;
3. environment variables (`ENVIRONMENT` below);
4. command-line flags (`Overrides`).

Secrets are never part of a profile: it names the environment variables that hold them (targets._auth reads
them), and a config file holding one is refused.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import unquote, urlsplit

from contracts import location_hints
from targets._defaults import DEFAULT_DATASTREAM_ID
from targets._redaction import is_secret_name, redact, register_secret, register_secrets

AuthMethod = Literal["none", "bearer", "oauth"]
AUTH_METHODS: Final = ("none", "bearer", "oauth")
# Adobe IMS token endpoint for OAuth server-to-server credentials
# (https://developer.adobe.com/data-collection-apis/docs/getting-started/authentication/).
ADOBE_IMS_URL: Final = "https://ims-na1.adobelogin.com/ims/token/v3"
# The scopes Adobe Developer Console lists for an Experience Platform OAuth server-to-server credential.
DEFAULT_SCOPES: Final = "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext"
DEFAULT_CONFIG: Final = "edgeload.toml"
CONFIG_ENV: Final = "EDGELOAD_CONFIG"
PROFILE_ENV: Final = "EDGELOAD_PROFILE"
# The resolved profile (JSON, no secrets) a runner hands its child processes, so they need not resolve it again.
RESOLVED_ENV: Final = "EDGELOAD_PROFILE_JSON"
EMULATOR_PROFILE: Final = "emulator"
DEFAULT_PROFILE: Final = EMULATOR_PROFILE
# The profile of a non-local --target given without a profile: the emulator's datastream and settings must never
# go to another host (targets._guard), so such a target starts from nothing but its URL.
CUSTOM_PROFILE: Final = "custom"

# Environment variable -> profile field (file < environment < flags).
ENVIRONMENT: Final = {
    "EDGELOAD_TARGET": "base_url",
    "EDGELOAD_DATASTREAM_ID": "datastream_id",
    "EDGELOAD_AUTH": "auth",
    "EDGELOAD_LOCATION_HINT": "location_hint",
    "EDGELOAD_ORG_ID": "org_id",
    "EDGELOAD_SANDBOX": "sandbox",
    "EDGELOAD_SCOPES": "scopes",
    "EDGELOAD_IMS_URL": "ims_url",
}


class ProfileError(ValueError):
    """A profile that cannot be used; str() is one line naming the problem and the fix."""


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    base_url: str | None = None  # None: the embedded emulator, started by the runner
    datastream_id: str | None = None
    auth: AuthMethod = "none"
    location_hint: str | None = None  # puts /ee/{hint}/ in every path
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers, sent as given
    verify_tls: bool = True
    org_id: str | None = None  # x-gw-ims-org-id
    sandbox: str | None = None  # x-sandbox-name
    scopes: str = DEFAULT_SCOPES
    ims_url: str = ADOBE_IMS_URL  # "{target}" stands for the base URL (the emulator's own token endpoint)
    bearer_token_env: str = "EDGELOAD_BEARER_TOKEN"
    client_id_env: str = "EDGELOAD_CLIENT_ID"
    client_secret_env: str = "EDGELOAD_CLIENT_SECRET"
    api_key_env: str = "EDGELOAD_API_KEY"  # x-api-key; with OAuth it defaults to the client id (Adobe's rule)

    @property
    def is_local(self) -> bool:
        """The embedded emulator or a loopback address: no TLS to verify, no bill, no rate ceiling needed."""
        return self.base_url is None or is_local_url(self.base_url)

    @property
    def token_url(self) -> str:
        return self.ims_url.replace("{target}", (self.base_url or "").rstrip("/"))

    def path(self, path: str) -> str:
        """`/ee/v2/interact` -> `/ee/{hint}/v2/interact` when the profile has a hint (location-hints.md)."""
        if not self.location_hint or not path.startswith("/ee/"):
            return path
        return f"/ee/{self.location_hint}/{path[4:]}"

    def describe(self) -> str:
        """One line saying where requests go and how they authenticate (never a secret: only variable names)."""
        auth = {"none": "no credentials",
                "bearer": f"bearer token from ${self.bearer_token_env}",
                "oauth": f"OAuth client credentials from ${self.client_id_env}/${self.client_secret_env} "
                         f"via {self.token_url}"}[self.auth]
        hint = f", location hint {self.location_hint}" if self.location_hint else ""
        tls = "" if self.base_url is None or not self.base_url.startswith("https") else (
            ", TLS verified" if self.verify_tls else ", TLS NOT verified")
        return (f"profile {self.name}: {self.base_url or 'the embedded emulator'}, datastream "
                f"{self.datastream_id or '(none)'}{hint}, auth {self.auth} ({auth}){tls}")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Profile:
        try:
            data = json.loads(text)
            data["headers"] = tuple(tuple(pair) for pair in data.get("headers", ()))
            return cls(**data)
        except (ValueError, TypeError, AttributeError) as error:
            raise ProfileError(f"${RESOLVED_ENV} does not hold a profile ({error}); unset it") from None


BUILT_IN: Final[Mapping[str, Profile]] = {
    "emulator": Profile("emulator", None, DEFAULT_DATASTREAM_ID, ims_url="{target}/ims/token/v3"),
    "adobe-server": Profile("adobe-server", "https://server.adobedc.net", auth="oauth"),
    "adobe-edge": Profile("adobe-edge", "https://edge.adobedc.net"),
    CUSTOM_PROFILE: Profile(CUSTOM_PROFILE),
}


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says; None (or empty) leaves the profile's value."""

    profile: str | None = None
    target: str | None = None
    datastream_id: str | None = None
    auth: str | None = None
    location_hint: str | None = None
    headers: tuple[str, ...] = ()  # "Name: value"
    insecure: bool = False  # only ever turns verification off
    config: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)  # other fields by name (tests, the web UI)


def is_local_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_FILE_KEYS = {f.name for f in fields(Profile)} - {"name"} | {"extends", "target"}


def read_config(path: str, label: str, error: type[ValueError]) -> dict[str, Any]:
    """The TOML document at `path` (edgeload.toml holds both [profiles] and `edgeload run`'s [run]), or `error`
    with one line naming the file (`label` says how the user gave it) and how to fix it."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{label}{path} does not exist; give the path of a TOML file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise error(f"{label}{path} is not a readable TOML file ({problem})") from None


def _file_profiles(path: str | None, environ: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], str | None]:
    explicit = path or environ.get(CONFIG_ENV) or None
    chosen = explicit or DEFAULT_CONFIG
    if not explicit and not Path(chosen).is_file():
        return {}, None
    document = read_config(chosen, "config file ", ProfileError)
    tables = document.get("profiles", {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise ProfileError(f"{chosen}: [profiles.NAME] must be tables of profile settings")
    return tables, chosen


def _from_table(name: str, table: Mapping[str, Any], base: Profile, where: str) -> Profile:
    values: dict[str, Any] = {}
    for key, value in table.items():
        dest = key.replace("-", "_")
        if dest == "target":
            dest = "base_url"
        if dest in ("client_secret", "bearer_token", "token", "api_key", "password") or (
                is_secret_name(dest) and not dest.endswith("_env")):
            raise ProfileError(f"{where}: [profiles.{name}] holds a secret ({key}); secrets belong in environment "
                               f"variables, e.g. {base.client_secret_env}, never in a file")
        if dest not in _FILE_KEYS:
            raise ProfileError(f"{where}: unknown key {key!r} in [profiles.{name}]; known keys: "
                               f"{', '.join(sorted(_FILE_KEYS))}")
        if dest == "extends":
            continue
        if dest == "headers":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ProfileError(f'{where}: [profiles.{name}].headers must be a table of strings, e.g. '
                                   f'headers = {{ "x-proxy-route" = "eu" }}')
            value = tuple((str(k), v) for k, v in value.items())
        elif dest == "verify_tls":
            if not isinstance(value, bool):
                raise ProfileError(f"{where}: [profiles.{name}].verify_tls must be true or false")
        elif not isinstance(value, str):
            raise ProfileError(f"{where}: [profiles.{name}].{key} must be a string")
        values[dest] = value
    return replace(base, name=name, **values)


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise ProfileError(f"--header {text!r} is not 'Name: value'; write e.g. --header 'x-proxy-route: eu'")
    return name.strip(), value.strip()


def resolve(overrides: Overrides = Overrides(), environ: Mapping[str, str] | None = None) -> Profile:
    """The profile to use: built-in < config file < environment < flags; checked, or ProfileError (one line)."""
    env = os.environ if environ is None else environ
    resolved = Profile.from_json(env[RESOLVED_ENV]) if env.get(RESOLVED_ENV) else None
    target = overrides.target or env.get("EDGELOAD_TARGET")
    name = (overrides.profile or (resolved.name if resolved else None) or env.get(PROFILE_ENV)
            or (CUSTOM_PROFILE if target and not is_local_url(target) else DEFAULT_PROFILE))
    if resolved is not None and resolved.name == name:
        profile = resolved  # handed down by the runner that started this process: resolved once, there
    else:
        tables, where = _file_profiles(overrides.config, env)
        table = tables.get(name)
        if table is None and name not in BUILT_IN:
            known = sorted({*BUILT_IN, *tables})
            raise ProfileError(f"unknown profile {name!r}; choose one of {', '.join(known)} or add [profiles.{name}] "
                               f"to {where or DEFAULT_CONFIG}")
        profile = BUILT_IN.get(name, Profile(name))
        if table is not None:
            parent = table.get("extends")
            if parent is not None and parent not in BUILT_IN:
                raise ProfileError(f"{where}: [profiles.{name}] extends {parent!r}, which is not one of "
                                   f"{', '.join(BUILT_IN)}")
            profile = _from_table(name, table, BUILT_IN[parent] if parent else profile, str(where))
    from_env: dict[str, Any] = {dest: env[var] for var, dest in ENVIRONMENT.items() if env.get(var)}
    if env.get("EDGELOAD_INSECURE", "").lower() in ("1", "true", "yes"):
        from_env["verify_tls"] = False
    profile = replace(profile, **from_env)
    flags: dict[str, Any] = {key: value for key, value in {
        "base_url": overrides.target, "datastream_id": overrides.datastream_id, "auth": overrides.auth,
        "location_hint": overrides.location_hint, **overrides.extra}.items() if value}
    if overrides.headers:
        # A flag's header replaces the profile's header of the same name (names compare case-insensitively).
        merged = {name.lower(): (name, value) for name, value in (*profile.headers, *map(_header, overrides.headers))}
        flags["headers"] = tuple(merged.values())
    if overrides.insecure:
        flags["verify_tls"] = False
    return check(replace(profile, **flags))


def check(profile: Profile) -> Profile:
    if profile.base_url is not None:
        profile = without_userinfo(profile)
        url = profile.base_url or ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProfileError(f"target {redact(repr(url))} of profile {profile.name} is not an "
                               "http(s):// URL with a host; pass e.g. --target https://server.adobedc.net")
        if parts.query or parts.fragment:
            # Requests go to the base URL's path: a query there would never be sent, only shown (a key in it too).
            raise ProfileError(f"target {redact(url)} of profile {profile.name} has a query or "
                               "fragment, which is never sent; give the base URL alone, e.g. https://host/base, and "
                               "credentials through --auth or the environment")
        profile = replace(profile, base_url=url.rstrip("/"))
    if profile.auth not in AUTH_METHODS:
        raise ProfileError(f"auth {profile.auth!r} of profile {profile.name} is not one of {', '.join(AUTH_METHODS)}")
    if profile.location_hint is not None and profile.location_hint not in location_hints():
        raise ProfileError(f"location hint {profile.location_hint!r} is not one of {', '.join(location_hints())}")
    for header, value in profile.headers:
        if is_secret_name(header):
            register_secret(value)  # a credential given as a header is still a credential
    return profile


def without_userinfo(profile: Profile) -> Profile:
    """The profile with a `user:password@` taken out of its URL and sent as `Authorization: Basic` instead.

    A URL is shown everywhere (Locust's host field, its reports, ours, error lines), so credentials must not ride
    in it: RFC 3986 §3.2.1 deprecates "user:password" in a URL for this reason. The header keeps what a proxy asking
    for HTTP Basic authentication (RFC 7617) needs, and its value, the password and the userinfo are registered
    secrets, masked wherever they would appear.
    """
    url = profile.base_url or ""
    scheme, sep, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not sep or "@" not in authority:
        return profile
    userinfo, _, host = authority.rpartition("@")
    user, _, password = userinfo.partition(":")
    if profile.auth != "none" or any(name.lower() == "authorization" for name, _ in profile.headers):
        raise ProfileError(f"the target URL of profile {profile.name} carries a user name and password, and the "
                           f"profile sends its own Authorization header (auth {profile.auth}); drop one of the two")
    basic = "Basic " + base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    register_secrets((userinfo, unquote(userinfo), password, unquote(password), basic, basic[6:]))
    stripped = f"{scheme}://{host}{rest[len(authority):]}"
    return replace(profile, base_url=stripped, headers=(*profile.headers, ("Authorization", basic)))


def require_datastream(profile: Profile) -> str:
    if not profile.datastream_id:
        raise ProfileError(f"profile {profile.name} names no datastream; pass --datastream-id, set "
                           f"EDGELOAD_DATASTREAM_ID, or add datastream_id to [profiles.{profile.name}]")
    return profile.datastream_id
