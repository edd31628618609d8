"""keyed event chains: one chain per enterprise, HMAC key id, append-only on PostgreSQL

Revision ID: 5e9a1c0d7b42
Revises: be1700fe7b9f
Create Date: 2026-12-04 14:20:00.000000

Existing rows stay in the city chain (0) with no key id: they keep their plain SHA-256 links
and are anchored by the first keyed row that follows them. On PostgreSQL a trigger refuses
UPDATE and DELETE on the event table, so the log is append-only for the application's role.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e9a1c0d7b42"
down_revision: str | None = "be1700fe7b9f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSE = """
CREATE OR REPLACE FUNCTION event_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on event refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.drop_index(batch_op.f("ix_event_seq"))
        batch_op.create_index(batch_op.f("ix_event_seq"), ["seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_chain"), ["chain"], unique=False)
        batch_op.create_unique_constraint("uq_event_chain_seq", ["chain", "seq"])
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("chain", server_default=None)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_REFUSE)
        op.execute(
            "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION event_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_append_only ON event")
        op.execute("DROP FUNCTION IF EXISTS event_log_append_only()")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_event_chain_seq", type_="unique")
        batch_op.drop_index(batch_op.f("ix_event_chain"))
        batch_op.drop_index(batch_op.f("ix_event_seq"))
        batch_op.create_index(batch_op.f("ix_event_seq"), ["seq"], unique=True)
        batch_op.drop_column("key_id")
        batch_op.drop_column("chain")
