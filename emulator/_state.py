"""Client-side state the Edge Network hands to browsers: consent, and reading `meta.state.entries` back.

The real service keeps no session: what it must remember about a visitor goes out in `state:store` handle items
(first-party cookies `kndctr_{org}_*` written by the Web SDK) and comes back in the next request's `meta.state.entries`
(https://experienceleague.adobe.com/en/docs/experience-platform/collection/client-state). The identity
entry is `identity.py`'s; this module adds consent: `kndctr_{org}_consent` = `general=in|out` (maxAge 15552000) and
`_consent_check` = `1` (maxAge 7200), as in eplen-client-state-state-store-response.json. The Web SDK parses the consent
value as `purpose=value` pairs separated by `;` and keeps a `sendEvent` pending until it reads `general=in`
(https://github.com/adobe/alloy).
"""

from __future__ import annotations

from typing import Any, Literal

CONSENT_MAX_AGE = 15552000
CONSENT_CHECK_MAX_AGE = 7200
_SAME_SITE_NONE = {"SameSite": "None"}

General = Literal["in", "out"]


class ConsentError(ValueError):
    """A set-consent body the service rejects; `field` names the offending field for the EXEG detail."""

    def __init__(self, field: str, missing: bool) -> None:
        super().__init__(field)
        self.field = field
        self.missing = missing


def entries(meta: object) -> dict[str, str]:
    """`meta.state.entries` as key -> value (string values only; anything malformed is ignored, never fatal)."""
    state = meta.get("state") if isinstance(meta, dict) else None
    items = state.get("entries") if isinstance(state, dict) else None
    if not isinstance(items, list):
        return {}
    return {
        item["key"]: item["value"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("key"), str) and isinstance(item.get("value"), str)
    }


def _general_of(preference: dict[str, Any], index: int) -> General:
    """One consent preference's general purpose, by the standards the Web SDK's setConsent sends.

    Adobe 1.0: `value.general` in/out. Adobe 2.0: `value.collect.val` y/n (consent:preferences shape). IAB TCF 2.0
    carries a TC string the emulator does not decode: it counts as in, as a string the CMP produced after a choice.
    """
    standard, value = preference.get("standard"), preference.get("value")
    where = f"consent[{index}].value"
    if standard == "Adobe" and preference.get("version") == "1.0" and isinstance(value, dict):
        general = value.get("general")
        if general in ("in", "out"):
            return "in" if general == "in" else "out"
        raise ConsentError(f"{where}.general", missing=general is None)
    if standard == "Adobe" and preference.get("version") == "2.0" and isinstance(value, dict):
        collect = value.get("collect")
        val = collect.get("val") if isinstance(collect, dict) else None
        if val in ("y", "n"):
            return "in" if val == "y" else "out"
        raise ConsentError(f"{where}.collect.val", missing=val is None)
    if standard == "IAB TCF" and isinstance(value, str) and value:
        return "in"
    raise ConsentError(f"consent[{index}]", missing=False)


def general_consent(document: dict[str, Any]) -> General:
    """The visitor's general consent from a set-consent body `{"consent": [...]}`: out if any preference is out."""
    preferences = document.get("consent")
    if not isinstance(preferences, list) or not preferences:
        raise ConsentError("consent", missing=preferences is None or preferences == [])
    choices = []
    for index, preference in enumerate(preferences):
        if not isinstance(preference, dict):
            raise ConsentError(f"consent[{index}]", missing=False)
        choices.append(_general_of(preference, index))
    return "out" if "out" in choices else "in"


def consent_items(prefix: str, general: General) -> list[dict[str, Any]]:
    """The `state:store` payload items recording a consent choice (keys `{prefix}consent`, `{prefix}consent_check`)."""
    return [
        {"key": prefix + "consent_check", "value": "1", "maxAge": CONSENT_CHECK_MAX_AGE, "attrs": _SAME_SITE_NONE},
        {"key": prefix + "consent", "value": f"general={general}", "maxAge": CONSENT_MAX_AGE, "attrs": _SAME_SITE_NONE},
    ]
