"""Emulator settings: the TOML config file (parsed with tomllib) merged with command-line flags.

File layout (docs/emulator.md): an optional `[emulator]` table (host, port, seed, rate_limit,
collect_rate_limit, location_hint, log_level, token_ttl, server_host), an optional `faults` array (spec strings or
`[[faults]]` tables; the client limits max_header_bytes, head_timeout, body_timeout, max_connections), an optional
`[[datastreams]]` array and an optional `[[clients]]` array (OAuth clients of the
token endpoint). A file without datastreams or clients uses those of the shipped `emulator/_datastreams.toml`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from emulator._auth import DEFAULT_TOKEN_TTL_S, Client, parse_clients
from emulator._datastreams import Datastream, parse_datastreams
from emulator._errors import ConfigError
from emulator._faults import Fault, parse_entry
from emulator._limits import Limits, check_connections, check_header_bytes, check_seconds
from emulator._tls import TlsFiles

DEFAULT_CONFIG_PATH = Path(__file__).with_name("datastreams.toml")
DEFAULT_DATASTREAM_ID = "3f0c6a8e-6a4e-4d5b-9a52-2f1e7c9b1d01"
DEFAULT_ORG_ID = "53A16ACB5CC1D3760A495C99@AdobeOrg"
# The shipped client-side datastream for Adobe's Web SDK (same org; no primary identity required).
WEB_DATASTREAM_ID = "7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a07"

# EdgeNetwork location hints (https://developer.adobe.com/data-collection-apis/docs/getting-started/location-hints/).
# The contract states them in its OpenAPI document, which the emulator may not read (it must not judge itself by
# the contract); a contract test holds the two equal.
LOCATION_HINTS = ("or2", "va6", "irl1", "ind1", "jpn3", "sgp3", "aus3")

# guardrails.md: default request units per second per IMS org.
DEFAULT_INTERACT_RATE_LIMIT = 4000
DEFAULT_COLLECT_RATE_LIMIT = 6000

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")

_EMULATOR_KEYS = frozenset(
    {"host", "port", "seed", "rate_limit", "collect_rate_limit", "location_hint", "log_level", "token_ttl",
     "server_host", "max_header_bytes", "head_timeout", "body_timeout", "max_connections"}
)
# [emulator] keys of the client limits (limits.py): key -> (Limits field, check)
LIMIT_KEYS = {
    "max_header_bytes": ("max_header_bytes", check_header_bytes),
    "head_timeout": ("head_timeout_s", check_seconds),
    "body_timeout": ("body_timeout_s", check_seconds),
    "max_connections": ("max_connections", check_connections),
}
_TOP_KEYS = frozenset({"emulator", "faults", "datastreams", "clients"})


@dataclass(frozen=True, slots=True)
class Settings:
    datastreams: Mapping[str, Datastream]
    host: str = "127.0.0.1"
    port: int = 0
    seed: int | None = None  # None: a fresh seed per run, logged at start
    rate_limit: int = DEFAULT_INTERACT_RATE_LIMIT  # request units/s per org on interact; 0 disables
    collect_rate_limit: int = DEFAULT_COLLECT_RATE_LIMIT  # the same on collect
    location_hint: str = "or2"  # the cluster answered when the path carries no hint
    log_level: str = "warning"
    faults: tuple[Fault, ...] = ()
    tls: TlsFiles | None = None  # --certfile/--keyfile: serve HTTPS (tls.py)
    clients: tuple[Client, ...] = ()  # OAuth clients the token endpoint knows (auth.py)
    token_ttl: float = DEFAULT_TOKEN_TTL_S  # seconds an issued token lives
    server_host: bool = False  # answer as server.adobedc.net: mixed datastreams authenticate too (auth.py)
    limits: Limits = field(default_factory=Limits)  # what a client may make the emulator hold (limits.py)
    # Required on the admin routes when set (admin_access.py); never shown, repr included.
    admin_token: str | None = field(default=None, repr=False)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist; pass an existing TOML file to --config") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def check_port(port: object, where: str) -> int:
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ConfigError(f"{where} must be an integer from 0 (any free port) to 65535, got {port!r}")
    return port


def check_rate_limit(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(
            f"{where} must be a whole number of request units per second >= 0 (0 disables), got {value!r}"
        )
    return value


def check_hint(value: object, where: str) -> str:
    if value not in LOCATION_HINTS:
        raise ConfigError(f"{where} must be one of {', '.join(LOCATION_HINTS)}, got {value!r}")
    return str(value)


def check_token_ttl(value: object, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        raise ConfigError(f"{where} must be a number of seconds above 0 (e.g. 2 for tests), got {value!r}")
    return float(value)


def check_log_level(value: object, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in LOG_LEVELS:
        raise ConfigError(f"{where} must be one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return value.lower()


def _emulator_table(table: object, where: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [emulator] must be a table")
    unknown = sorted(set(table) - _EMULATOR_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: [emulator] has unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_EMULATOR_KEYS))}"
        )
    out: dict[str, Any] = {}
    if "host" in table:
        if not isinstance(table["host"], str) or not table["host"]:
            raise ConfigError(f"{where}: emulator.host must be an address such as '127.0.0.1'")
        out["host"] = table["host"]
    if "port" in table:
        out["port"] = check_port(table["port"], f"{where}: emulator.port")
    if "seed" in table:
        if not isinstance(table["seed"], int) or isinstance(table["seed"], bool):
            raise ConfigError(f"{where}: emulator.seed must be an integer, got {table['seed']!r}")
        out["seed"] = table["seed"]
    for key in ("rate_limit", "collect_rate_limit"):
        if key in table:
            out[key] = check_rate_limit(table[key], f"{where}: emulator.{key}")
    if "location_hint" in table:
        out["location_hint"] = check_hint(table["location_hint"], f"{where}: emulator.location_hint")
    if "log_level" in table:
        out["log_level"] = check_log_level(table["log_level"], f"{where}: emulator.log_level")
    if "token_ttl" in table:
        out["token_ttl"] = check_token_ttl(table["token_ttl"], f"{where}: emulator.token_ttl")
    if "server_host" in table:
        if not isinstance(table["server_host"], bool):
            raise ConfigError(f"{where}: emulator.server_host must be true or false")
        out["server_host"] = table["server_host"]
    limits: dict[str, Any] = {
        name: check(table[key], f"{where}: emulator.{key}") for key, (name, check) in LIMIT_KEYS.items() if key in table
    }
    if limits:
        out["limits"] = replace(Limits(), **limits)
    return out


def load_datastreams(path: Path = DEFAULT_CONFIG_PATH) -> dict[str, Datastream]:
    return parse_datastreams(_read_toml(path).get("datastreams"), str(path))


def load_clients(path: Path = DEFAULT_CONFIG_PATH) -> tuple[Client, ...]:
    return parse_clients(_read_toml(path).get("clients", []), str(path))


def load_settings(path: Path | None = None) -> Settings:
    """Settings from a config file, or the defaults (shipped datastreams and clients, no faults) when path is None."""
    if path is None:
        return Settings(datastreams=load_datastreams(), clients=load_clients())
    document = _read_toml(path)
    where = str(path)
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown top-level key {unknown[0]!r}; allowed: {', '.join(sorted(_TOP_KEYS))}")
    streams = parse_datastreams(document["datastreams"], where) if "datastreams" in document else load_datastreams()
    faults_value = document.get("faults", [])
    if not isinstance(faults_value, list):
        raise ConfigError(f"{where}: `faults` must be an array of spec strings or [[faults]] tables")
    faults = tuple(parse_entry(entry, f"{where}: faults[{i}]") for i, entry in enumerate(faults_value))
    clients = parse_clients(document["clients"], where) if "clients" in document else load_clients()
    settings = Settings(datastreams=streams, faults=faults, clients=clients)
    return replace(settings, **_emulator_table(document.get("emulator", {}), where))
