"""Alembic environment for the hosted service's tables: runs on the connection ``ServiceStore`` hands over,
with its own version table, so the service can live in the same database as the archive."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from icucoach.service.models import Base

config = context.config
target_metadata = Base.metadata
VERSION_TABLE = "icucoach_service_version"


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        version_table=VERSION_TABLE,
    )


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


run()
