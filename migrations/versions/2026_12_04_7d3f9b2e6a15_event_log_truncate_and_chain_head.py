"""event log: refuse TRUNCATE; read a chain's head under its lock in one statement

Revision ID: 7d3f9b2e6a15
Revises: 7d3b9e2f4a10
Create Date: 2026-12-04 17:20:00.000000

PostgreSQL only (SQLite has neither TRUNCATE nor per-chain locks: its writers hold the one
write lock). The row trigger of 5e9a1c0d7b42 refuses UPDATE and DELETE; TRUNCATE fires no
row trigger, so a statement-level BEFORE TRUNCATE trigger now refuses it with the same
function. ``event_chain_head(lock_class, chain)`` takes the chain's advisory lock and then
reads its head: a VOLATILE function reads with a fresh snapshot per statement, so the head
is the one the previous holder committed (one round trip where the append took two).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d3f9b2e6a15"
down_revision: str | None = "7d3b9e2f4a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHAIN_HEAD = """
CREATE OR REPLACE FUNCTION event_chain_head(lock_class integer, chain_id integer)
RETURNS TABLE (seq integer, hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_class, chain_id);
    RETURN QUERY
        SELECT e.seq, e.hash FROM event AS e
        WHERE e.chain = chain_id ORDER BY e.seq DESC LIMIT 1;
END
$$ LANGUAGE plpgsql VOLATILE
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
        "FOR EACH STATEMENT EXECUTE FUNCTION event_log_append_only()"
    )
    op.execute(_CHAIN_HEAD)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS event_chain_head(integer, integer)")
    op.execute("DROP TRIGGER IF EXISTS event_no_truncate ON event")
