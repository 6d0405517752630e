"""The schemathesis configuration: one renderer for the root `schemathesis.toml` and `edgeload contract`'s copy.

Schemathesis reads only `schemathesis.toml` (https://schemathesis.readthedocs.io/en/stable/reference/configuration/),
and the datastream its requests carry depends on the target, so `edgeload contract --datastream-id` writes a rendered
copy into the report folder; the file at the checkout root is this rendering for the emulator's default datastream (a
test keeps them identical).
"""

from __future__ import annotations

from typing import Final

from targets import DEFAULT_DATASTREAM_ID

HOOKS: Final = "contract_runner.st_hooks"
# Every documented refusal of bad input: 0002/0003/0101/0103/0306-400, 401, 403, unknown hint 404, empty body
# 0109-408, too large 0112-413, content type 0111-415, validation 0104-422, rate limiting 429.
NEGATIVE_EXPECTED: Final = ("400", "401", "403", "404", "408", "413", "415", "422", "429")
# Schema-valid input may still be refused for what a schema cannot say: a server datastream needs one identity
# marked primary (EXEG-0306-400); credentials and rate limits depend on the datastream and the load.
POSITIVE_EXPECTED: Final = ("2XX", "400", "401", "403", "429")
# The query parameters naming the datastream: generated values would all answer EXEG-0003-400.
DATASTREAM_PARAMETERS: Final = ("query.datastreamId", "query.dataStreamId", "query.configId")


def _strings(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def render(datastream_id: str = DEFAULT_DATASTREAM_ID, max_examples: int = 20) -> str:
    """The TOML text of the configuration."""
    if not datastream_id.replace("-", "").isalnum():
        raise ValueError(f"datastream id {datastream_id!r} must be letters, digits and dashes")
    parameters = "\n".join(f'"{name}" = "{datastream_id}"' for name in DATASTREAM_PARAMETERS)
    return f"""\
# schemathesis configuration for `st run contracts/edge-network.openapi.yaml -u URL` from the checkout root.
# Rendered by contract_runner/_st_config.py (edit it there; tests/contracts/test_st_config.py keeps this file equal).
hooks = "{HOOKS}"

[generation]
# Reproducible runs: the same cases on every run and machine.
deterministic = true
max-examples = {max_examples}

[parameters]
# Requests go to this datastream (the emulator's default; `edgeload contract --datastream-id` renders another).
{parameters}

[checks.negative_data_rejection]
# Every documented refusal of bad input (EXEG table, DCAPI troubleshooting.md), 404 for an unknown hint.
expected-statuses = {_strings(NEGATIVE_EXPECTED)}

[checks.positive_data_acceptance]
# A server datastream refuses events without a primary identity (EXEG-0306-400), which no schema can express.
expected-statuses = {_strings(POSITIVE_EXPECTED)}
"""
