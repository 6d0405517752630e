"""`python -m emulator`: the same as `edgeload emulator`."""

from __future__ import annotations

from emulator._cli import main

raise SystemExit(main())
