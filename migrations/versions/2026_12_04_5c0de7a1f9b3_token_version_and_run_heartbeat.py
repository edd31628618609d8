"""token version and audit-run heartbeat

Access tokens carry the user's token version (ended all at once by bumping it); audit runs
carry a worker heartbeat so that a run whose worker died is reaped instead of running forever.

Revision ID: 5c0de7a1f9b3
Revises: 5d5be3133cf6
Create Date: 2026-12-04 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import review_service.db

revision: str = "5c0de7a1f9b3"
down_revision: str | None = "5d5be3133cf6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("audit_run", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("heartbeat_at", review_service.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_run", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("token_version")
