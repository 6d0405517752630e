"""The emulator as one raw ASGI application: routing, stats, fault injection and writing replies.

No web framework (the emulator must never be what limits a load test): a dict lookup routes, the Edge
behaviour lives in `edge.py`, faults are drawn before the request is handled and act after it, each by the effect
its entry of `fault_kinds.REGISTRY` holds.
Any exception while handling a request becomes an EXEG-0001-500 problem body, never a bare 500.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable

from emulator._admin import handle_admin
from emulator._admin_access import AdminAccess
from emulator._asgi import Message, Receive, Scope, Send
from emulator._config import Settings
from emulator._cors import send_preflight
from emulator._edge import ClientGone, EdgeService
from emulator._fault_effects import Hit
from emulator._faults import Fault, FaultBoard, Plan
from emulator._ids import IdSource
from emulator._problems import INTERNAL, PROBLEM_CONTENT_TYPE, problem_body
from emulator._responses import Reply, send_empty, send_reply
from emulator._routes import ADMIN_PREFIX, EDGE_PREFIX, ROUTES
from emulator._stats import Stats
from emulator._token_endpoint import TOKEN_PATH, handle_token

log = logging.getLogger("emulator")
_ALLOW_POST = [(b"allow", b"POST")]
_FAULT_SEED_SALT = 0x5EED_FA17  # faults draw from their own generator: switching one on keeps a run's ids


class EmulatorApp:
    def __init__(
        self, settings: Settings, *, clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.seed = settings.seed if settings.seed is not None else random.SystemRandom().getrandbits(32)
        self.ids = IdSource(self.seed)
        self.board = FaultBoard(settings.faults, seed=self.seed ^ _FAULT_SEED_SALT)
        self.edge = EdgeService(settings, self.ids, clock, wall_clock)  # wall_clock: token expiry (auth.py)
        self.stats = Stats()
        self.admin_access = AdminAccess(settings.host, settings.admin_token)

    def reset(self) -> None:
        self.stats.reset()
        self.edge.reset()
        self.ids.reseed()
        self.board.reseed()

    def replace_faults(self, faults: list[Fault]) -> None:
        self.board.replace(faults)

    def tokens_issued(self) -> int:
        return self.edge.auth.issued

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # served with lifespan and websockets off (serving.py)
        path = scope["path"]
        route = ROUTES.get(path)
        stats = self.stats
        if route is None:
            if path == TOKEN_PATH:  # the emulator's IMS: not an Edge path, not counted in stats
                await self._safely(lambda tracked: handle_token(self.edge.auth, scope, receive, tracked), send, path)
                return
            if path.startswith(ADMIN_PREFIX):
                await self._safely(lambda tracked: handle_admin(self, scope, receive, tracked), send, path)
                return
            if path.startswith(EDGE_PREFIX):
                stats.total += 1
                stats.status(404)
            await send_empty(send, 404)
            return
        stats.total += 1
        if scope["method"] != "POST":
            if scope["method"] == "OPTIONS":  # a browser's CORS preflight (cors.py)
                stats.status(204)
                await send_preflight(scope, send)
                return
            stats.status(405)
            await send_empty(send, 405, _ALLOW_POST)
            return
        label = route.operation.label
        stats.operation(label)
        plan = self.board.draw(label) if self.board.faults else None
        try:
            reply = await self.edge.handle(route, scope, receive)
        except ClientGone:
            return
        except Exception:
            log.exception("internal error while handling %s", path)
            reply = self._internal_error()
        if plan is not None:
            await self._safely(lambda tracked: self._with_faults(plan, reply, scope, receive, tracked), send, path)
            return
        stats.status(reply.status)
        body = reply.payload()  # send_reply inlined: this is the path every request takes
        await send({"type": "http.response.start", "status": reply.status, "headers": reply.headers(body)})
        await send({"type": "http.response.body", "body": body})

    def _internal_error(self) -> Reply:
        request_id = self.ids.request_id(None)
        document = dict(problem_body(INTERNAL, request_id))
        return Reply(INTERNAL.status, request_id, document=document, content_type=PROBLEM_CONTENT_TYPE)

    async def _safely(self, handler: Callable[[Send], Awaitable[None]], send: Send, path: str) -> None:
        """Run `handler`; an exception before it began its answer is answered EXEG-0001-500 (docs/emulator.md).

        Off the hot path (faults, admin, token): the tracking wrapper costs a call per message sent.
        """
        tracked = _SentTracker(send)
        try:
            await handler(tracked)
        except Exception:
            log.exception("internal error while handling %s", path)
            if tracked.started:
                raise  # a begun answer cannot be replaced: uvicorn closes the connection
            reply = self._internal_error()
            if path.startswith(EDGE_PREFIX):  # the stats count Edge answers only
                self.stats.status(reply.status)
            await send_reply(send, reply)

    async def _with_faults(self, plan: Plan, reply: Reply, scope: Scope, receive: Receive, send: Send) -> None:
        stats = self.stats
        for name in plan.delays:
            stats.fault(name)
        if plan.delay_s > 0:
            await asyncio.sleep(plan.delay_s)
        fault = plan.fault
        if fault is not None:
            kind = fault.kind
            assert kind.effect is not None  # the board plans a delay fault as a delay, never as the fault
            hit = Hit(reply, self.ids, stats, scope, receive, send)
            if kind.stage == "transport":  # it answers (or not) on the connection itself
                stats.fault(fault.name)
                await kind.effect(fault.params, hit)
                return
            if await kind.effect(fault.params, hit):
                stats.fault(fault.name)
        stats.status(reply.status)
        await send_reply(send, reply)


class _SentTracker:
    """A `send` that remembers whether an answer was begun."""

    __slots__ = ("send", "started")

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = True
        await self.send(message)
