"""The traffic personas: `FastHttpUser`s sending generated Edge Network requests, every response judged.

One abstract base (`EdgeUser`) does what every persona shares: it waits for its turn (per-user pacing or the
process's global-rate schedule, loadtests._pacing), honours Retry-After when asked, sends one request with an
orjson body, and judges the response with the contract's one verdict inside `catch_response`, so that Locust's
failure table reads by check name (loadtests._exchange_adapter). A persona's class names its entry of the persona
registry (loadtests._personas), which makes it that persona's user in `USERS` with the entry's weight (the default
locustfile runs them all), and only says what to send next:

- `ServerForwarder`: a server-side integration forwarding one event per call to v2 interact, with the headers a
  server sends (`x-request-id`, plus the target's own headers);
- `BrowserVisitor`: a browser-like visitor that speaks v1 exactly as Adobe's Web SDK does (loadtests._web_sdk, shapes
  observed from the real client), keeps the `kndctr_*` state of each response's `state:store` handle and sends it back
  in `meta.state.entries`, and follows the `_cluster` entry to the `/ee/{hint}/` path (https://github.com/adobe/alloy,
  core/createCookieTransfer.js; https://developer.adobe.com/data-collection-apis/docs/getting-started/location-hints/);
- `BatchCollector`: batches of events to v2 collect.

FastHttpUser, not HttpUser: measured here it drives about 4x the requests per core
(https://docs.locust.io/en/stable/increase-performance.html).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NamedTuple
from urllib.parse import quote, urlencode, urlsplit

import orjson
from geventhttpclient import HTTPClient
from geventhttpclient.url import URL
from locust import task
from locust.contrib.fasthttp import FastHttpUser, insecure_ssl_context_factory

from contracts import COLLECT_V2, INTERACT_V2, Exchange, hinted_path
from loadtests import _listeners as listeners  # noqa: F401  (listeners: our users need our options and measurements wired)
from loadtests import _web_sdk as web_sdk
from loadtests._exchange_adapter import CheckFailed, judge_exchange, read_body, retry_after_seconds, transport_failure
from loadtests._pacing import IDLE_S, UserPacing, spread_phase
from loadtests._personas import PERSONAS
from loadtests._process_state import ProcessState, process_state

RETRY_AFTER_CAP_S = 60.0  # a target asking for more than a minute is treated as asking for a minute
JSON = "application/json"
# Each persona's user class, filled as the classes are defined (EdgeUser.__init_subclass__).
USERS: dict[str, type[EdgeUser]] = {}


class Prepared(NamedTuple):
    operation: str  # the operation label: Locust's name=, the contract's operation, the report row
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names, as the contract's Exchange has them
    body: Mapping[str, Any]


class EdgeUser(FastHttpUser):
    """What every persona shares; a persona implements `prepare()` and may override `received()`."""

    abstract = True
    persona: ClassVar[str] = ""  # its entry in the persona registry (loadtests._personas)
    max_retries = 0  # one request per task: a retry would reach the target uncounted

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A class naming a persona in its own body is that persona's user, with the registry's default weight."""
        super().__init_subclass__(**kwargs)
        persona = cls.__dict__.get("persona")
        if persona is None:  # a subclass of a persona's class (a test's, a locustfile's own) is not the persona's
            return
        if persona not in PERSONAS:
            raise TypeError(f"{cls.__name__}: persona {persona!r} is not in loadtests._personas.PERSONAS "
                            f"({', '.join(PERSONAS)}); add its entry there")
        if persona in USERS:
            raise TypeError(f"{cls.__name__}: persona {persona!r} already has a user class, {USERS[persona].__name__}")
        cls.weight = PERSONAS[persona].weight
        USERS[persona] = cls

    def __init__(self, environment: Any) -> None:
        state = process_state(environment)
        # FastHttpUser reads these two when it builds its client, so set them before super().__init__().
        self.network_timeout = self.connection_timeout = state.options.request_timeout
        super().__init__(environment)
        self.state: ProcessState = state
        self.index = state.next_user_index()
        self.rng = random.Random(state.seed * 1_000_003 + self.index)
        self.pacing = (
            UserPacing(state.options.user_rps, spread_phase(self.index), on_late=state.record_late)
            if state.options.user_rps > 0 and state.rate is None else None
        )
        self.hold_until = 0.0  # Retry-After: no request before this monotonic time
        self.due = True  # whether the next task has a request to send (see wait_time)
        self.due_at: float | None = None  # open model: the monotonic time the claimed slot is due
        self.journey: Iterator[Any] = iter(())
        self._http: HTTPClient | None = None
        self._base_path = ""
        self._last_query: dict[str, str] = {}
        self._last_query_string = ""

    # --- when ------------------------------------------------------------------------------------------------
    def on_start(self) -> None:
        # Locust waits after a task, not before the first: wait here so the first request keeps the schedule too.
        self.wait()  # type: ignore[no-untyped-call]

    def wait_time(self) -> float:
        """Seconds until this user's next request; also decides whether the next task sends one."""
        now = time.monotonic()
        held = self.hold_until - now
        self.due_at = None
        if held > 0:
            self.due = False  # a held-off user claims no slot: the others take them (or they are never sent)
            return held
        self.due = True
        if self.state.rate is not None:
            due = self.state.rate.claim()
            if due is None:  # the rate profile is over; the shape or run time ends the run
                self.due = False
                return IDLE_S
            self.due_at = due
            return max(0.0, due - now)
        return self.pacing.delay() if self.pacing is not None else 0.0

    # --- what ------------------------------------------------------------------------------------------------
    def next_event(self) -> Any:
        """The next event of this user's visitor journey; a new journey (a new visitor) when one ends."""
        for _ in range(2):
            try:
                return next(self.journey)
            except StopIteration:
                self.journey = self.state.traffic.journey()
                self.journey_started()
        raise RuntimeError("the generators returned an empty journey")

    def journey_started(self) -> None:
        """Hook: a new visitor begins (the browser persona forgets its state)."""

    def request_id(self) -> str:
        """A random (version 4) UUID from the user's seeded generator; formatted directly, at a third of the cost
        of uuid.UUID (it runs once per request)."""
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def prepare(self) -> Prepared:
        raise NotImplementedError

    def received(self, prepared: Prepared, status: int, body: bytes) -> None:
        """Hook: a response that kept the contract arrived (the browser persona reads its state)."""

    # --- how -------------------------------------------------------------------------------------------------
    # Our users send through geventhttpclient's connection pool, the layer under Locust's FastHttpSession, and
    # report to Locust's `request` event themselves, exactly as `catch_response` would (failures by check name,
    # transport categories). Measured here, that session layer costs about 35 µs of CPU per request (URL and
    # compat-request objects, a cookie jar, header copies), as much as generating the event, judging the answer
    # and recording it exactly together: without it our forwarder keeps up with a bare FastHttpUser
    # (benchmarks/locust_overhead.py). `self.client` stays there for tasks of one's own.
    @property
    def http(self) -> HTTPClient:
        if self._http is None:
            parts = urlsplit(str(self.host))
            self._base_path = parts.path.rstrip("/")
            factory = insecure_ssl_context_factory if self.insecure else self.ssl_context_factory
            self._http = HTTPClient.from_url(
                URL(str(self.host)), concurrency=1, connection_timeout=self.connection_timeout,
                network_timeout=self.network_timeout, ssl_context_factory=factory)
        return self._http

    @task
    def send(self) -> None:
        if not self.due:
            return
        prepared = self.prepare()
        http = self.http
        uri = self._base_path + prepared.path
        if prepared.query:
            if prepared.query != self._last_query:  # most personas send the same query every time
                self._last_query, self._last_query_string = prepared.query, urlencode(prepared.query, quote_via=quote)
            uri += "?" + self._last_query_string
        data = orjson.dumps(prepared.body)
        due_at, rate, behind_s = self.due_at, self.state.rate, 0.0
        if due_at is not None and rate is not None:
            self.due_at = None
            behind_s = rate.sent(due_at)  # counts the slot on time or late, now that it really goes out
        started = time.time()
        clock = time.perf_counter()
        content = b""
        try:
            response = http.request("POST", uri, body=data, headers=prepared.headers)
            try:
                content = read_body(response, self.state.options.max_response_bytes)
            finally:
                response.release()
        except Exception as error:  # every transport failure is a measured outcome, categorised below
            elapsed_ms = (time.perf_counter() - clock) * 1000.0
            failed: CheckFailed | None = transport_failure(
                prepared.operation, prepared.query, prepared.headers, prepared.body, error)
            status, headers = 0, {}
        else:
            elapsed_ms = (time.perf_counter() - clock) * 1000.0
            status, headers = response.status_code, dict(response.info().iterlower())  # info(): the Headers
            failed = judge_exchange(Exchange(prepared.operation, prepared.query, prepared.headers, prepared.body,
                                             status, headers, content))
        # schedule_response_time: the latency from the slot's due time (open model; listeners.on_request).
        self.environment.events.request.fire(
            request_type="POST", name=prepared.operation, response_time=elapsed_ms, response_length=len(content),
            response=None, context=self.context(), exception=failed, start_time=started, url=str(self.host) + uri,
            schedule_response_time=None if due_at is None else elapsed_ms + behind_s * 1000.0)
        if failed is None:
            self.received(prepared, status, content)
        if status in (429, 503) and self.state.options.respect_retry_after:
            # 429 and 503 "must respect Retry-After"
            # (https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/)
            wait = retry_after_seconds(headers, time.time())
            if wait:
                self.hold_until = time.monotonic() + min(wait, RETRY_AFTER_CAP_S)

    def on_stop(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


class ServerForwarder(EdgeUser):
    """A server-side integration: v2 interact, one generated event per call."""

    persona = "forwarder"

    def prepare(self) -> Prepared:
        headers = {"content-type": JSON, "x-request-id": self.request_id(), **self.state.target_headers}
        body = self.state.traffic.interact_body(self.next_event())
        path = hinted_path(INTERACT_V2, self.state.location_hint)
        return Prepared(INTERACT_V2, path, {"datastreamId": self.state.options.datastream_id},
                        headers, body)


class BrowserVisitor(EdgeUser):
    """A browser-like visitor: carries the Edge's `kndctr_*` state and follows its location hint."""

    persona = "visitor"

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.entries: dict[str, str] = {}
        self.hint: str | None = None

    def journey_started(self) -> None:
        self.entries = {}
        self.hint = self.state.location_hint  # the profile's hint until the Edge names its cluster

    def prepare(self) -> Prepared:
        event = self.next_event()
        # The Web SDK's v1 body, stored entries sent back: what `edgeload generate --kind v1-interact-request` prints.
        body = self.state.traffic.v1_interact_body([event], self.entries)
        query = {"configId": self.state.options.datastream_id, "requestId": self.request_id()}
        return Prepared(web_sdk.OPERATION, web_sdk.interact_path(self.hint), query, web_sdk.headers(event), body)

    def received(self, prepared: Prepared, status: int, body: bytes) -> None:
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            return
        for handle in document.get("handle") or () if isinstance(document, dict) else ():
            if isinstance(handle, dict) and handle.get("type") == "state:store":
                for item in handle.get("payload") or ():
                    self.store(item)

    def store(self, item: Mapping[str, Any]) -> None:
        key, value = item.get("key"), item.get("value")
        if not isinstance(key, str) or not key.startswith("kndctr_"):
            return
        if item.get("maxAge") == 0:  # an expired cookie: the browser drops it
            self.entries.pop(key, None)
            if key.endswith("_cluster"):
                self.hint = None
            return
        self.entries[key] = str(value)
        if key.endswith("_cluster") and isinstance(value, str) and value.isalnum():
            self.hint = value  # kndctr_{org}_cluster names the edge region: /ee/{hint}/ (Web SDK)


class BatchCollector(EdgeUser):
    """A batch sender: `--batch-size` events of one journey per v2 collect request."""

    persona = "collector"

    def prepare(self) -> Prepared:
        events = [self.next_event() for _ in range(self.state.options.batch_size)]
        body = self.state.traffic.collect_body(events)
        headers = {"content-type": JSON, "x-request-id": self.request_id(), **self.state.target_headers}
        path = hinted_path(COLLECT_V2, self.state.location_hint)
        return Prepared(COLLECT_V2, path, {"datastreamId": self.state.options.datastream_id},
                        headers, body)


def persona_users() -> list[type[EdgeUser]]:
    """The user class of every persona, in the registry's order: the users the default locustfile runs."""
    missing = [name for name in PERSONAS if name not in USERS]
    if missing:
        raise LookupError(f"persona(s) {', '.join(missing)} of loadtests._personas have no EdgeUser class naming them "
                          "in loadtests._users")
    return [USERS[name] for name in PERSONAS]
