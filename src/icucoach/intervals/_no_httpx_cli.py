"""Import ``httpx`` without its command line.

``httpx/__init__`` imports ``httpx._main`` (the ``httpx`` console command) whenever click and rich are
installed, and with them rich's console, progress, syntax and table modules and pygments: 40 % of importing
httpx, paid by every ``icucoach`` command (an export with nothing new spends more on imports than on work).
icucoach never runs that command line, so the first import puts a stand-in module in its place for the
duration of ``import httpx`` and takes it out again: ``httpx.main`` still works (it loads the real one when
called) and a later ``import httpx._main`` gets the real module. This package's ``__init__`` imports this
module first, before anything of it imports httpx.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _real_main(*args: Any, **kwargs: Any) -> Any:
    if getattr(sys.modules.get("httpx._main"), "main", None) is _real_main:
        del sys.modules["httpx._main"]
    from httpx._main import main

    return main(*args, **kwargs)


if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _stand_in = types.ModuleType("httpx._main")
    _stand_in.main = _real_main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = _stand_in
    try:
        import httpx  # noqa: F401
    finally:
        if sys.modules.get("httpx._main") is _stand_in:
            del sys.modules["httpx._main"]
