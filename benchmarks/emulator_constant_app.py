"""Baseline (b) of `benchmarks.emulator_throughput`: the emulator's server stack answering a constant body.

Same uvicorn protocol, loop and parser as the emulator (`emulator._serving.serve`); the answer is the emulator's
own answer to the benchmark's page view, captured once at start, so (a) and (b) write the same bytes and differ
only by the emulator's per-request work. Prints the emulator's URL line, so `emulator.spawn` can start it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from emulator._app import EmulatorApp
from emulator._asgi import Message, Receive, Scope, Send
from emulator._config import DEFAULT_DATASTREAM_ID, Settings, load_datastreams
from emulator._serving import bind, serve, url_of

PAGE_VIEW = Path(__file__).with_name("emulator_page_view.json").read_bytes()


def capture() -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The emulator's headers and body for the page view, as a real request would get them."""
    app = EmulatorApp(Settings(datastreams=load_datastreams(), seed=1))
    messages: list[Message] = []
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/ee/v2/interact",
        "query_string": f"datastreamId={DEFAULT_DATASTREAM_ID}".encode(),
        "headers": [(b"content-type", b"application/json")],
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": PAGE_VIEW, "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    if messages[0]["status"] != 200:
        raise SystemExit(f"the emulator answered the page view with {messages[0]['status']}: {messages[1]['body']!r}")
    return messages[0]["headers"], messages[1]["body"]


HEADERS, BODY = capture()
_START = {"type": "http.response.start", "status": 200, "headers": HEADERS}
_BODY = {"type": "http.response.body", "body": BODY}


async def constant_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    message = await receive()
    while message.get("more_body"):
        message = await receive()
    await send(_START)
    await send(_BODY)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.emulator_constant_app")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    sock = bind(args.host, args.port)
    url = url_of(sock)
    serve(constant_app, sock, "warning", lambda: print(f"edgeload emulator listening on {url}", flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
