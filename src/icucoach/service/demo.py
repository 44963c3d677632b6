"""``icucoach serve --demo``: the whole service against the embedded sandbox, for a newcomer to click
through — sign in with a sandbox athlete at the sandbox's consent page, copy the MCP URL, invite a coach
(the email links are printed), subscribe to the feed. Nothing leaves the machine; the database and key live
in a temporary folder that is removed on exit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

from icucoach.sandbox import RunningSandbox
from icucoach.service.settings import ServiceSettings

WEBHOOK_SECRET = "icucoach-demo-webhook-secret"


@contextmanager
def demo_settings(port: int, host: str = "127.0.0.1") -> Iterator[ServiceSettings]:
    """Start the sandbox in this process and yield settings that point the service at it."""
    from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
    from icucoach.sandbox.runner import SandboxOptions, serve_in_thread

    public = f"http://{host}:{port}"
    with (
        tempfile.TemporaryDirectory(prefix="icucoach-serve-demo-") as tmp,
        serve_in_thread(SandboxOptions()) as sandbox,
    ):
        _point_webhooks(sandbox, f"{public}/webhooks/intervals")
        yield ServiceSettings.from_env(
            {
                "ICUCOACH_PUBLIC_URL": public,
                "ICUCOACH_DATABASE_URL": f"sqlite:///{Path(tmp) / 'service.db'}",
                "ICUCOACH_SECRET_KEYS": Fernet.generate_key().decode(),
                "INTERVALS_OAUTH_CLIENT_ID": SANDBOX_OAUTH_CLIENT.client_id,
                "INTERVALS_OAUTH_CLIENT_SECRET": SANDBOX_OAUTH_CLIENT.client_secret,
                "INTERVALS_BASE_URL": sandbox.base_url,
                "INTERVALS_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "ICUCOACH_DEV": "1",
                "ICUCOACH_ADMIN_ATHLETES": ",".join(a.athlete_id for a in sandbox.world.accounts),
            }
        )


def _point_webhooks(sandbox: RunningSandbox, url: str) -> None:
    """Register the service's webhook URL on the sandbox OAuth app (as "Manage App" does on the real site)."""
    from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
    from icucoach.sandbox.webhooks import set_webhook

    set_webhook(sandbox.world, SANDBOX_OAUTH_CLIENT.client_id, url, WEBHOOK_SECRET)


__all__ = ["WEBHOOK_SECRET", "demo_settings"]
