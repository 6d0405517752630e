"""The default locustfile: `locust` from the checkout root runs it through `[tool.locust]` in pyproject.toml.

It holds exactly the users it runs, one per persona of the registry (loadtests._personas), and one shape (Locust runs
every user and shape class in this namespace, https://docs.locust.io/en/stable/writing-a-locustfile.html), and the
listeners that measure, judge and report. Examples:

    locust --host http://127.0.0.1:PORT                    # web UI; our options are fields of the start form
    locust --headless -u 20 -t 30s --host URL --target-rps 200 --gate 'p99<50ms'
    locust --headless -u 50 -t 2m --host URL --shape step --steps 5
"""

from __future__ import annotations

from loadtests import _listeners as listeners  # noqa: F401  (registers every event listener)
from loadtests._shapes import ConfiguredShape
from loadtests._users import persona_users

# Each persona's class under its own name, derived from the registry: a new persona runs here without an edit.
_USERS = {user.__name__: user for user in persona_users()}
globals().update(_USERS)
__all__ = ["ConfiguredShape"]
__all__ += list(_USERS)
