"""icucoach.store: the local activity archive (SQLite by default, PostgreSQL supported).

``db.Store`` holds activities (columns + the full API record), wellness, events, fetched streams and
intervals, route attachments and sync state; ``sync`` keeps it up to date incrementally (sync stamps and a
lookback window) and links two-source duplicates; ``formats`` exports CSV, GPX and TCX. The schema is managed
by the Alembic migrations in ``migrations/``.
"""

from icucoach.store.db import Store, default_store_url
from icucoach.store.opening import StoreError

__all__ = ["Store", "StoreError", "default_store_url"]
