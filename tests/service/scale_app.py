"""The ASGI factory the two-worker tests start with ``uvicorn --factory scale_app:create``: the service from
the environment, as ``icucoach serve`` builds it, with the limits the tests set (``SCALE_RATE_PER_MINUTE``,
``SCALE_UPSTREAM_PER_SECOND``) and a Redis key prefix of their own (``SCALE_REDIS_PREFIX``), so test runs
sharing one Redis never see each other's counters."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from icucoach.service import limits
from icucoach.service.app import create_app
from icucoach.service.settings import ServiceSettings


def create() -> Any:
    settings = dataclasses.replace(
        ServiceSettings.from_env(),
        rate_per_minute=int(os.environ.get("SCALE_RATE_PER_MINUTE", "120")),
        upstream_per_second=float(os.environ.get("SCALE_UPSTREAM_PER_SECOND", "10")),
    )
    app = create_app(settings, migrate=False)
    limits.install(app.hub, prefix=os.environ.get("SCALE_REDIS_PREFIX", limits.DEFAULT_PREFIX))
    return app
