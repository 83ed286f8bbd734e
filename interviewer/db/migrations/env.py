"""Alembic environment: always run programmatically by `interviewer.db.migrate.upgrade_to_head`,
which hands over an open connection in `config.attributes["connection"]`."""

from __future__ import annotations

from alembic import context

from interviewer.db import tables

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic CLI, which we do not ship
    raise RuntimeError("run migrations through interviewer.db.migrate.upgrade_to_head(engine)")

context.configure(
    connection=connection,
    target_metadata=tables.SQLModel.metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table with the change instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
