"""Counts per key in fixed time windows, kept in the database every replica shares: the rate
limit (desk/ratelimit.py) and the review queue's intake per client (desk/review/intake.py).

A count is bumped with one upsert that returns the new count (PostgreSQL and SQLite both have
INSERT ... ON CONFLICT ... RETURNING), so two replicas counting the same key at once both see
the right total. Windows that have passed are deleted now and then: only the current and the
previous window are kept, so no key (a client address) stays in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

KEY_LENGTH = 100


def window_table(name: str) -> Table:
    """The table of a counter (its migration makes it): key, window number, count."""
    return Table(
        name,
        MetaData(),
        Column("client", String(KEY_LENGTH), primary_key=True),
        Column("window", BigInteger, primary_key=True),
        Column("count", Integer, nullable=False),
    )


@dataclass
class WindowCounter:
    engine: Engine
    table: Table
    sweep_every: int  # bumps between deletions of windows that have passed
    _since_sweep: int = 0

    def bump(self, keys: list[str], window: int) -> list[int]:
        """Add one to each key's count in `window`, in one transaction; the new counts."""
        dialect_insert = postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        insert = dialect_insert(self.table)
        count = self.table.c.count
        with self.engine.begin() as connection:
            counts = [
                connection.execute(
                    insert.values(client=key[:KEY_LENGTH], window=window, count=1)
                    .on_conflict_do_update(index_elements=["client", "window"], set_={"count": count + 1})
                    .returning(count)
                ).scalar_one()
                for key in keys
            ]
            self._since_sweep += 1
            if self._since_sweep >= self.sweep_every:
                self._since_sweep = 0
                connection.execute(delete(self.table).where(self.table.c.window < window - 1))
        return counts
