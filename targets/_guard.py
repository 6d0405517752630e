"""What may be sent to a target that is not this machine: one guard for every command that sends traffic.

`edgeload run` (and plain `locust`, through loadtests._target_profile), `edgeload contract` and the contract suite
ask `refusal` before they open a connection. Against a non-local target (anything but a loopback address or the
embedded emulator) it refuses, in one line naming the fix:

- the `emulator` profile, and any of the emulator's own datastream ids: they mean nothing to another host, and
  sending them to Adobe's would be load on a datastream that is not yours;
- no datastream at all (the runners would fall back to the emulator's);
- no credentials where the host demands them: server.adobedc.net authenticates every request, whatever the datastream's
  access type (https://experienceleague.adobe.com/en/docs/experience-platform/edge-network-server-api/authentication;
  Adobe's samples put a location hint in front of the host: `{hint}.server.adobedc.net`);
- no explicit ceiling on the request rate: the real service rate-limits per organisation and bills usage.

`st run` alone, which knows neither a profile nor a ceiling, sends only to this machine (contract_runner.st_hooks).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from targets._defaults import (
    AUTHENTICATED_DATASTREAM_ID,
    DEFAULT_DATASTREAM_ID,
    DISABLED_DATASTREAM_ID,
    UNKNOWN_DATASTREAM_ID,
)
from targets._profiles import EMULATOR_PROFILE, Profile

# The datastreams of the embedded emulator (targets._defaults): never sent to another host.
EMULATOR_DATASTREAMS: Final = frozenset(
    ds.lower() for ds in (DEFAULT_DATASTREAM_ID, DISABLED_DATASTREAM_ID, AUTHENTICATED_DATASTREAM_ID,
                          UNKNOWN_DATASTREAM_ID))
# Hosts that authenticate every request, with the way to give credentials: the host itself and its subdomains.
CREDENTIAL_HOSTS: Final = {
    "server.adobedc.net": "--auth oauth (EDGELOAD_CLIENT_ID, EDGELOAD_CLIENT_SECRET, EDGELOAD_ORG_ID in the "
                          "environment) or --auth bearer, e.g. --profile adobe-server",
}


def credentials_needed(host: str) -> str | None:
    """How to give credentials when `host` demands them; None when it does not."""
    host = host.lower().rstrip(".")
    for name, how in CREDENTIAL_HOSTS.items():
        if host == name or host.endswith("." + name):
            return how
    return None


def refusal(profile: Profile, *, sender: str, ceiling: float | None, ceiling_flags: str) -> str | None:
    """Why `sender` (e.g. "a load test") may not send to `profile`'s target; None when it may.

    `ceiling`: the most requests per second the command will send, as the user gave it (None or 0: none given);
    `ceiling_flags`: the flags that give one, for the message.
    """
    if profile.is_local or profile.base_url is None:
        return None
    url = profile.base_url
    if profile.name == EMULATOR_PROFILE:
        return (f"profile {EMULATOR_PROFILE} is the embedded emulator's and cannot target {url}; pass --profile "
                "adobe-server, adobe-edge or one of your own [profiles.NAME], or leave the profile out, with "
                "--datastream-id of your datastream")
    if not profile.datastream_id:
        return (f"{sender} against {url} needs your datastream: pass --datastream-id ID (or set "
                "EDGELOAD_DATASTREAM_ID)")
    if profile.datastream_id.lower() in EMULATOR_DATASTREAMS:
        return (f"datastream {profile.datastream_id} is the embedded emulator's, not one of {url}; pass "
                "--datastream-id of your own datastream")
    how = credentials_needed(urlsplit(url).hostname or "")
    if how is not None and profile.auth == "none":
        return (f"{urlsplit(url).hostname} authenticates every request, and profile {profile.name} sends no "
                f"credentials; pass {how}")
    if not ceiling or ceiling <= 0:
        return (f"{sender} against {url} needs an explicit ceiling on the request rate (the real service "
                f"rate-limits per organisation and bills usage): pass {ceiling_flags}")
    return None
