"""The target profile in a load test: which URL, datastream and credentials, and how much may be sent.

`targets._profiles` resolves the profile and `targets._auth` turns it into request headers; this module applies
them to a load test, in two places:

- `edgeload run` (no Locust import here: run.py must stay un-patched by gevent) resolves the profile once, refuses
  a non-local target without an explicit rate ceiling, prints what it will send, and hands the resolved profile to
  its Locust process through the environment ($EDGELOAD_PROFILE_JSON), never a secret on a command line;
- every Locust process (`apply`, from the init and test_start listeners, so plain `locust --profile NAME` and the
  web UI's profile field work too) sets the host, datastream, location hint, TLS verification and credentials,
  and fetches the token once at start-up where users run.

The ceiling: the real service rate-limits per organisation and costs money, so a load test against a non-local
target needs `--target-rps N` given explicitly (the rate to hold; a shape's peak is checked) or `--max-rps N` (the
most it may send; without `--target-rps` the run holds that rate).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from typing import Any

from loadtests._options import LoadOptions
from loadtests._shape_math import build_shape, peak_level
from targets import (
    RESOLVED_ENV,
    AuthError,
    Credentials,
    Overrides,
    Profile,
    ProfileError,
    credentials_for,
    refusal,
    require_datastream,
    resolve,
)

_credentials: dict[Profile, Credentials] = {}  # one per resolved profile and process: one token per process
_warned: set[str] = set()  # warnings already printed by this process (apply runs again when a start changed options)


class TargetError(ValueError):
    """A profile, credential or ceiling problem; str() is the one line shown before exiting with code 2."""


def insecure_warning(profile: Profile) -> str:
    return (f"warning: --insecure: TLS certificates of {profile.base_url or 'the target'} are not verified; "
            "credentials may reach whoever answers")


def peak_rate(options: LoadOptions) -> float:
    """The highest request rate the run's schedule asks for; 0 for a closed model (no global rate)."""
    if options.target_rps <= 0:
        return 0.0
    try:
        return peak_level(build_shape(options.shape, options, options.target_rps, None))
    except ValueError:  # a shape that cannot be built is refused, in one line, where the settings are parsed
        return options.target_rps


def ceiling_problem(profile: Profile, options: LoadOptions, explicit_rate: bool) -> str | None:
    """Why this run may not start against this target (None: it may); `explicit_rate`: --target-rps was given.

    The peak against --max-rps on any target, then the guard every command sending traffic asks
    (targets._guard: profile, datastream, credentials, a ceiling on the rate)."""
    held = held_rate(options, explicit_rate)
    peak = peak_rate(replace(options, target_rps=held) if held is not None else options)
    if options.max_rps > 0 and peak > options.max_rps:
        return (f"the run's peak rate {peak:g} requests/s exceeds --max-rps {options.max_rps:g}; lower --target-rps "
                "(or the shape's peak) or raise --max-rps")
    ceiling = options.max_rps if options.max_rps > 0 else peak if explicit_rate else None
    return refusal(profile, sender="a load test", ceiling=ceiling, ceiling_flags="--target-rps N or --max-rps N")


def held_rate(options: LoadOptions, explicit_rate: bool) -> float | None:
    """The global rate to hold when --max-rps stands in for a --target-rps that was not given; else None."""
    if options.max_rps > 0 and not (explicit_rate and options.target_rps > 0):
        return options.max_rps
    return None


def plan(profile: Profile, options: LoadOptions, users: int, run_time_s: float, workers: int) -> str:
    """What a run will send, in one line, before it starts (no secret: variable names only)."""
    weights = ", ".join(f"{name} {weight:g}" for name, weight in (options.persona_weights or {}).items())
    headers = ", ".join(sorted({name.lower() for name, _ in profile.headers}))
    rate = (f"at most {peak_rate(options):g} requests/s ({options.shape} shape)" if options.target_rps > 0
            else "as fast as the users can (closed model)")
    return (f"about to load {profile.describe()}; personas {weights or 'default'}; {rate}; for {run_time_s:g} s "
            f"with {users} users" + (f" on {workers} workers" if workers else "")
            + (f"; extra headers {headers}" if headers else ""))


def resolve_for_run(target_flags: Overrides, target: str | None, config: str | None) -> Profile:
    """`edgeload run`: the profile of the run's options and config file; TargetError (one line) if unusable."""
    try:
        profile = resolve(replace(target_flags, target=target or None, config=config))
        require_datastream(profile)
        return profile
    except ProfileError as error:
        raise TargetError(str(error)) from None


def credentials(profile: Profile) -> Credentials:
    """This process's credentials for `profile` (the same object, hence the same token, on every call)."""
    known = _credentials.get(profile)
    if known is None:
        try:
            known = _credentials[profile] = credentials_for(profile)
        except AuthError as error:
            raise TargetError(str(error)) from None
    return known


def apply(environment: Any, state: Any, *, prime: bool) -> Profile:
    """Set up one Locust process for its target; TargetError (one line) when the run must not start.

    `state` is the process's `ProcessState`; `prime`: fetch the token now (processes that run users).
    """
    parsed = environment.parsed_options
    options: LoadOptions = state.options
    try:
        profile = resolve(replace(options.target, target=environment.host or None))
        datastream = require_datastream(profile)
    except ProfileError as error:
        raise TargetError(str(error)) from None
    if profile.base_url:
        # The host as resolved: the profile's when none was given (plain `locust --profile adobe-edge`), and never
        # with a user:password@ in it (targets._profiles.without_userinfo), since Locust shows its host everywhere.
        environment.host = profile.base_url
        if getattr(parsed, "host", None):
            parsed.host = profile.base_url
    explicit = options.target_rps > 0  # Locust's own default is 0: a rate given here was asked for
    problem = ceiling_problem(profile, options, explicit) if profile.base_url else None
    if problem is not None:
        raise TargetError(problem)
    held = held_rate(options, explicit)
    state.options = replace(options, datastream_id=datastream, target_rps=held or options.target_rps)
    if not profile.verify_tls and RESOLVED_ENV not in os.environ:  # else `edgeload run` has warned already
        warn_once(insecure_warning(profile))
    for user_class in environment.user_classes:
        if hasattr(user_class, "insecure"):
            # Locust's FastHttpUser skips verification by default: verify unless the profile says --insecure.
            user_class.insecure = not profile.verify_tls
    state.location_hint = profile.location_hint
    state.target_headers = credentials(profile)
    if prime and profile.base_url:  # without a host yet (web UI), the token waits for the start of the run
        try:
            state.target_headers.prime()
        except AuthError as error:
            raise TargetError(str(error)) from None
    return profile


def warn_once(line: str) -> None:
    if line not in _warned:
        _warned.add(line)
        print(f"edgeload: {line}", file=sys.stderr, flush=True)
