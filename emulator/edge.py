"""The Edge operations: validate one request the way the real service does and build its reply.

Checks run in this order, each answering with its documented EXEG problem (problems.py): requestId (0102),
datastream missing / unknown / disabled (0002, 0003, 0004), credentials (0500, 0502, 0503; auth.py),
content type (0111), declared size (0112, before reading), streamed size (0112, reading stops at 64 KB), empty
body (0109), request units (429), JSON (0101), the operation's required event (0103) and primary identity (0306).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

import orjson

from emulator import problems as P
from emulator import v1
from emulator.asgi import Receive, Scope
from emulator.auth import Authenticator
from emulator.config import Settings
from emulator.handles import DatastreamHandles, requested_scopes, wants_ecid
from emulator.identity import known_ecid, primary_identity
from emulator.ids import IdSource
from emulator.ratelimit import RateLimiter, request_units
from emulator.request_schema import BATCH_V2_REQUEST, SINGLE_EVENT_REQUEST, body_mismatch
from emulator.responses import Reply
from emulator.routes import Route

ACCEPTED_MEDIA_TYPES = frozenset({"application/json", "text/plain"})  # issue 2; EXEG-0111-415 otherwise
_PRINTABLE_ID = re.compile(r"[!-~]{1,128}")  # echoed in a header: visible ASCII only, bounded


# The request headers the checks read, by position in `handle`'s unpacking.
_HEADER_SLOTS = {
    name: slot
    for slot, name in enumerate(
        (
            b"content-type",
            b"content-length",
            b"x-request-id",
            b"authorization",
            b"x-api-key",
            b"x-gw-ims-org-id",
            b"origin",
        )
    )
}


def parse_query(raw: bytes) -> dict[str, str]:
    """Query parameters, the first occurrence of each name winning; percent-decoding only when needed (speed)."""
    params: dict[str, str] = {}
    if not raw:
        return params
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        for key, value in parse_qsl(text, keep_blank_values=True):
            params.setdefault(key, value)
        return params
    for pair in text.split("&"):
        if pair:
            key, _, value = pair.partition("=")
            params.setdefault(key, value)
    return params


_CONTENT_TYPES: dict[bytes, bool] = {}  # header value -> accepted; clients send a handful of distinct values


def accepted_content_type(value: bytes) -> bool:
    """True for application/json and text/plain, with or without parameters such as charset."""
    known = _CONTENT_TYPES.get(value)
    if known is None:
        known = value.split(b";", 1)[0].strip().lower().decode("latin-1") in ACCEPTED_MEDIA_TYPES
        if len(_CONTENT_TYPES) < 1024:  # bounded: a fuzzer must not grow it without end
            _CONTENT_TYPES[value] = known
    return known


class ClientGone(Exception):
    """The client disconnected before its body arrived: there is nobody to answer."""


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None as soon as more than `limit` bytes have arrived (the rest is never read)."""
    message = await receive()
    if message["type"] != "http.request":
        raise ClientGone
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        return body if len(body) <= limit else None
    chunks = [body]
    size = len(body)
    while True:
        if size > limit:
            return None
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks) if size <= limit else None


class EdgeService:
    def __init__(
        self, settings: Settings, ids: IdSource, clock: Callable[[], float], wall_clock: Callable[[], float] = time.time
    ) -> None:
        self.ids = ids
        self.auth = Authenticator(settings.clients, settings.token_ttl, server_host=settings.server_host,
                                  clock=wall_clock)
        self.default_hint = settings.location_hint
        self.streams = {key: DatastreamHandles.build(stream) for key, stream in settings.datastreams.items()}
        self.interact_limits = RateLimiter(settings.rate_limit, clock)
        self.collect_limits = RateLimiter(settings.collect_rate_limit, clock)

    def reset(self) -> None:
        self.interact_limits.reset()
        self.collect_limits.reset()
        self.auth.reset()

    async def handle(self, route: Route, scope: Scope, receive: Receive) -> Reply:
        seen: list[bytes | None] = [None] * len(_HEADER_SLOTS)
        for name, value in scope["headers"]:
            slot = _HEADER_SLOTS.get(name)
            if slot is not None:
                seen[slot] = value
        content_type, content_length, raw_id, authorization, api_key, ims_org, origin = seen
        header_id = raw_id.decode("latin-1") if raw_id is not None else None
        params = parse_query(scope["query_string"])

        sent = params.get("requestId") or header_id
        bad_id_field = None
        if sent and not _PRINTABLE_ID.fullmatch(sent):
            bad_id_field = "requestId" if params.get("requestId") else "x-request-id"
            sent = None
        request_id = (sent or self.ids.uuid()) + "-" + self.ids.entropy()
        hint = route.hint or self.default_hint
        reply = Reply(0, request_id, hint=hint)
        if origin is not None and _PRINTABLE_ID.fullmatch(origin.decode("latin-1")):
            reply.origin = origin

        def fail(kind: P.ProblemKind, org: str | None = None, config: str | None = None, **detail: object) -> Reply:
            reply.status = kind.status
            reply.document = dict(P.problem_body(kind, request_id, org_id=org, config_id=config, **detail))
            reply.content_type = P.PROBLEM_CONTENT_TYPE
            return reply

        if bad_id_field is not None:
            return fail(P.INVALID_FIELD, field=bad_id_field)
        op = route.operation
        config_id = None
        for param in op.datastream_params:
            config_id = params.get(param)
            if config_id:
                break
        if not config_id:
            return fail(P.MISSING_DATASTREAM, param=op.datastream_params[0])
        handles = self.streams.get(config_id.lower())
        if handles is None:
            return fail(P.UNKNOWN_DATASTREAM, datastream=config_id[:200])
        stream = handles.datastream
        org = reply.org_id = stream.org_id
        reply.config_id = stream.id
        if not stream.enabled:
            return fail(P.DISABLED_DATASTREAM, org, stream.id, datastream=stream.id)
        refusal = self.auth.refusal(stream.access_type, authorization, api_key, ims_org)
        if refusal is not None:
            return fail(refusal, org, stream.id)
        if content_type is None or not accepted_content_type(content_type):
            return fail(P.UNSUPPORTED_TYPE, org, stream.id)
        if content_length is not None and content_length.isdigit() and int(content_length) > P.MAX_BODY_BYTES:
            reply.close = True
            return fail(P.TOO_LARGE, org, stream.id)
        body = await read_body(receive, P.MAX_BODY_BYTES)
        if body is None:
            reply.close = True
            return fail(P.TOO_LARGE, org, stream.id)
        if not body:
            return fail(P.EMPTY_BODY, org, stream.id)
        limiter = self.collect_limits if op.action == "collect" else self.interact_limits
        admission = limiter.admit(org, request_units(len(body), len(stream.services)))
        if not admission.allowed:
            reply.retry_after = admission.retry_after_s
            return fail(P.TOO_MANY_REQUESTS, org, stream.id)
        if limiter.capacity:
            reply.remaining = admission.remaining
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return fail(P.INVALID_JSON, org, stream.id)
        if not isinstance(document, dict):
            return fail(P.INVALID_JSON, org, stream.id)

        if op.version == "v1":  # the Web SDK's API: its own bodies and answers (v1.py)
            answer = v1.respond(op.action, document, handles, hint, self.ids)
            if isinstance(answer, v1.Rejection):
                return fail(answer.kind, org, stream.id, **answer.detail)
            reply.status, reply.events = answer.status, answer.events
            if answer.handles is not None:
                reply.document = {"requestId": request_id, "handle": answer.handles}
            return reply
        if op.action == "interact":
            event = document.get("event")
            if not isinstance(event, dict):
                return fail(P.MISSING_VALUE, org, stream.id, field="event")
            wrong = body_mismatch(document, SINGLE_EVENT_REQUEST)
            if wrong is not None:
                return fail(
                    P.MISSING_VALUE if wrong.missing else P.INVALID_FIELD, org, stream.id, field=wrong.path[:200]
                )
            xdm = event.get("xdm")
            primary = primary_identity(xdm)
            if primary is None and stream.requires_primary_identity:
                return fail(P.NO_PRIMARY_IDENTITY, org, stream.id, index=0)
            query = document.get("query")
            ecid = known_ecid(org, xdm, document.get("meta"), handles.identity_key, primary) or self.ids.ecid()
            reply.status = 200
            reply.document = {
                "requestId": request_id,
                "handle": handles.interact(hint, ecid, wants_ecid(query), requested_scopes(query)),
            }
            return reply

        events = document.get("events")
        if not isinstance(events, list) or not events:
            return fail(P.MISSING_VALUE, org, stream.id, field="events")
        wrong = body_mismatch(document, BATCH_V2_REQUEST)
        if wrong is not None:
            return fail(P.MISSING_VALUE if wrong.missing else P.INVALID_FIELD, org, stream.id, field=wrong.path[:200])
        for index, event in enumerate(events):
            if stream.requires_primary_identity and primary_identity(event.get("xdm")) is None:
                return fail(P.NO_PRIMARY_IDENTITY, org, stream.id, index=index)
        reply.events = len(events)
        if params.get("silent", "").lower() == "true":
            reply.status = 204  # collect/index.md: silent=true answers 204 without a body
            return reply
        reply.status = 202
        reply.document = {"requestId": request_id}
        return reply
