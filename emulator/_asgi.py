"""The slice of the ASGI 3 interface the emulator uses, typed (no web framework: speed matters).

`TRANSPORT_EXTENSION` names the scope extension through which our uvicorn protocol (`serving.py`) hands the app
the connection's asyncio transport: the connection-reset, truncated-body faults need the socket itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TRANSPORT_EXTENSION = "edgeload.transport"
