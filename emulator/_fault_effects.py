"""What a fault's effect is made of: the request it acts on, its signature, and the damage every fault shares.

A fault's own code sits beside its entry in `fault_kinds` (one module per fault added); this module holds what
those effects have in common. Every effect has one signature, `effect(params, hit) -> acted`: `replace` effects
answer with an error of their own, `shape` effects damage a successful reply (an error reply is left alone: the rule
they break concerns successful bodies), `transport` effects misbehave on the socket and answer (or not) themselves.
A `delay` effect draws how long to wait. The fault table of docs/emulator.md#faults is the specification.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from emulator import _problems as P
from emulator._asgi import TRANSPORT_EXTENSION, Receive, Scope, Send
from emulator._ids import IdSource
from emulator._responses import Reply
from emulator._stats import Stats

ParamValue = float | str
Params = Mapping[str, ParamValue]


@dataclass(slots=True)
class Hit:
    """The request a fault acts on: the reply the Edge behaviour made, and the connection it goes out on."""

    reply: Reply
    ids: IdSource
    stats: Stats
    scope: Scope
    receive: Receive
    send: Send


Effect = Callable[[Params, Hit], Awaitable[bool]]  # True when the fault acted (counted in the stats' `faults`)
Delay = Callable[[Params, random.Random], float]  # seconds to wait, drawn from the fault board's generator

MAX_LATENCY_MS = 600_000.0  # 10 minutes: a longer delay is a hung emulator, not a slow one


# ---- replace: an error answer of the fault's own ---------------------------------------------------------------

def problem(reply: Reply, kind: P.ProblemKind, code: str | None = None, status: int | None = None) -> Reply:
    """Turn the reply into the problem+json of `kind`, its type suffixed `code` and sent with `status` if given."""
    body = dict(P.problem_body(kind, reply.request_id, org_id=reply.org_id, config_id=reply.config_id))
    if code is not None:
        body["type"] = P.TYPE_PREFIX + code
    reply.status = status or int(str(body["type"])[-3:])
    body["status"] = reply.status
    reply.document = body
    reply.body = b""
    reply.content_type = P.PROBLEM_CONTENT_TYPE
    reply.remaining = None
    reply.header_request_id = None
    return reply


# ---- shape: damage to a successful answer ----------------------------------------------------------------------

def document(reply: Reply) -> dict[str, Any] | None:
    """The reply's body as a dict to damage; None when the reply is an error, which shape faults leave alone."""
    if not reply.success:
        return None
    if reply.document is None and reply.body:  # serialised up front (handles.interact_body): shape its parsed form
        reply.document = orjson.loads(reply.body)
    elif reply.document is None:  # silent collect (204): the fault needs a body, answer as without silent
        reply.status = 202
        reply.document = {"requestId": reply.request_id}
    return reply.document


def handles(reply: Reply) -> list[dict[str, Any]] | None:
    """The successful reply's `handle` list; None on an error or a reply without one (collect)."""
    body = document(reply)
    found = None if body is None else body.get("handle")
    return found if isinstance(found, list) else None


# ---- transport: misbehaviour on the connection -----------------------------------------------------------------

def transport_of(scope: Scope) -> asyncio.Transport | None:
    """The connection's transport, handed over by the emulator's uvicorn protocol; None under another server."""
    extensions = scope.get("extensions") or {}
    transport = extensions.get(TRANSPORT_EXTENSION)
    # uvloop's transports are not asyncio.BaseTransport subclasses: check the one method we need.
    return transport if hasattr(transport, "abort") else None


async def until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
