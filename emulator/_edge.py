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
from typing import Any
from urllib.parse import parse_qsl

import orjson

from emulator import _problems as P
from emulator import _v1 as v1
from emulator._asgi import Message, Receive, Scope
from emulator._auth import Authenticator
from emulator._config import Settings
from emulator._handles import DatastreamHandles, requested_scopes, wants_ecid
from emulator._identity import known_ecid, primary_identity
from emulator._ids import IdSource
from emulator._ratelimit import RateLimiter, request_units
from emulator._request_schema import BATCH_V2_REQUEST, SINGLE_EVENT_REQUEST, body_mismatch, compiled, described
from emulator._responses import Reply
from emulator._routes import Route

ACCEPTED_MEDIA_TYPES = frozenset({"application/json", "text/plain"})  # EXEG-0111-415 otherwise
_PRINTABLE_ID = re.compile(r"[!-~]{1,128}")  # echoed in a header: visible ASCII only, bounded
_CHECK_INTERACT = compiled(SINGLE_EVENT_REQUEST)  # called directly: body_mismatch's extra frame costs 0.1 µs


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
    if "&" not in text:  # one parameter (`datastreamId=...`), the usual query
        key, _, value = text.partition("=")
        return {key: value}
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


async def read_body(receive: Receive, limit: int, message: Message | None = None) -> bytes | None:
    """The request body, or None as soon as more than `limit` bytes have arrived (the rest is never read).

    `message`: the first message, when the caller has received it already (see `EdgeService.handle`).
    """
    if message is None:
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
        headers = dict(scope["headers"])  # of repeated headers the last wins, as before; cheaper than a scan
        params = parse_query(scope["query_string"])
        sent = params.get("requestId")
        bad_id_field = None
        if sent:
            if not _PRINTABLE_ID.fullmatch(sent):
                bad_id_field, sent = "requestId", None
        elif raw_id := headers.get(b"x-request-id"):
            sent = raw_id.decode("latin-1")
            if not _PRINTABLE_ID.fullmatch(sent):
                bad_id_field, sent = "x-request-id", None
        hint = route.hint or self.default_hint
        reply = Reply(0, self.ids.request_id(sent), hint=hint)
        origin = headers.get(b"origin")
        if origin is not None and _PRINTABLE_ID.fullmatch(origin.decode("latin-1")):
            reply.origin = origin
        if bad_id_field is not None:
            return _refuse(reply, P.INVALID_FIELD, field=bad_id_field)
        op = route.operation
        config_id = None
        for param in op.datastream_params:
            config_id = params.get(param)
            if config_id:
                break
        if not config_id:
            return _refuse(reply, P.MISSING_DATASTREAM, param=op.datastream_params[0])
        # Keys are lower case, as clients send ids: lower() only when the id as sent is not one.
        handles = self.streams.get(config_id) or self.streams.get(config_id.lower())
        if handles is None:
            return _refuse(reply, P.UNKNOWN_DATASTREAM, datastream=config_id[:200])
        stream = handles.datastream
        org = reply.org_id = stream.org_id
        reply.config_id = stream.id  # from here on, problems carry the org and datastream in their report
        if not stream.enabled:
            return _refuse(reply, P.DISABLED_DATASTREAM, datastream=stream.id)
        refusal = self.auth.refusal(
            stream.access_type,
            headers.get(b"authorization"),
            headers.get(b"x-api-key"),
            headers.get(b"x-gw-ims-org-id"),
        )
        if refusal is not None:
            return _refuse(reply, refusal)
        content_type = headers.get(b"content-type")
        if content_type is None or not accepted_content_type(content_type):
            return _refuse(reply, P.UNSUPPORTED_TYPE)
        content_length = headers.get(b"content-length")
        if content_length is not None and content_length.isdigit() and int(content_length) > P.MAX_BODY_BYTES:
            reply.close = True
            return _refuse(reply, P.TOO_LARGE)
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            whole: bytes = message.get("body", b"")  # all in one message (a small body): no coroutine to run
            body = whole if len(whole) <= P.MAX_BODY_BYTES else None
        else:
            body = await read_body(receive, P.MAX_BODY_BYTES, message)
        if body is None:
            reply.close = True
            return _refuse(reply, P.TOO_LARGE)
        if not body:
            return _refuse(reply, P.EMPTY_BODY)
        limiter = self.collect_limits if op.action == "collect" else self.interact_limits
        admission = limiter.admit(org, request_units(len(body), len(stream.services)))
        if not admission.allowed:
            reply.retry_after = admission.retry_after_s
            return _refuse(reply, P.TOO_MANY_REQUESTS)
        if limiter.capacity:
            reply.remaining = admission.remaining
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _refuse(reply, P.INVALID_JSON)
        if not isinstance(document, dict):
            return _refuse(reply, P.INVALID_JSON)

        if op.version == "v1":  # the Web SDK's API: its own bodies and answers (v1.py)
            answer = v1.respond(op.action, document, handles, hint, self.ids)
            if isinstance(answer, v1.Rejection):
                return _refuse(reply, answer.kind, **answer.detail)
            reply.status, reply.events = answer.status, answer.events
            if answer.handles is not None:
                reply.document = {"requestId": reply.request_id, "handle": answer.handles}
            return reply
        if op.action == "interact":
            return self._interact(reply, document, handles)
        return _collect(reply, document, stream.requires_primary_identity, params)

    def _interact(self, reply: Reply, document: dict[str, Any], handles: DatastreamHandles) -> Reply:
        event = document.get("event")
        if not isinstance(event, dict):
            return _refuse(reply, P.MISSING_VALUE, field="event")
        failed = _CHECK_INTERACT(document)
        if failed is not None:
            wrong = described(failed)
            return _refuse(reply, P.MISSING_VALUE if wrong.missing else P.INVALID_FIELD, field=wrong.path[:200])
        xdm = event.get("xdm")
        primary = primary_identity(xdm)
        stream = handles.datastream
        if primary is None and stream.requires_primary_identity:
            return _refuse(reply, P.NO_PRIMARY_IDENTITY, index=0)
        query = document.get("query")
        ecid = known_ecid(stream.org_id, xdm, document.get("meta"), handles.identity_key, primary) or self.ids.ecid()
        reply.status = 200
        scopes = requested_scopes(query)
        reply.body = handles.interact_body(reply.request_id, reply.hint, ecid, wants_ecid(query), scopes)
        return reply


def _collect(reply: Reply, document: dict[str, Any], requires_primary: bool, params: dict[str, str]) -> Reply:
    events = document.get("events")
    if not isinstance(events, list) or not events:
        return _refuse(reply, P.MISSING_VALUE, field="events")
    wrong = body_mismatch(document, BATCH_V2_REQUEST)
    if wrong is not None:
        return _refuse(reply, P.MISSING_VALUE if wrong.missing else P.INVALID_FIELD, field=wrong.path[:200])
    for index, event in enumerate(events):
        if requires_primary and primary_identity(event.get("xdm")) is None:
            return _refuse(reply, P.NO_PRIMARY_IDENTITY, index=index)
    reply.events = len(events)
    if params.get("silent", "").lower() == "true":
        reply.status = 204  # collect/index.md: silent=true answers 204 without a body
        return reply
    reply.status = 202
    reply.document = {"requestId": reply.request_id}
    return reply


def _refuse(reply: Reply, kind: P.ProblemKind, **detail: object) -> Reply:
    """`reply` turned into the problem `kind`; its report names the org and datastream once they are known."""
    reply.status = kind.status
    reply.document = dict(
        P.problem_body(kind, reply.request_id, org_id=reply.org_id, config_id=reply.config_id, **detail)
    )
    reply.content_type = P.PROBLEM_CONTENT_TYPE
    return reply
