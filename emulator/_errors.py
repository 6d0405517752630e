"""The one exception the emulator raises for bad configuration, flags or fault specs.

Its message is a single line naming the problem and how to fix it: the CLI prints it and exits 2, the admin
endpoint returns it in a 400 body, never a traceback.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration file, command-line flag or fault spec the emulator cannot use."""
