"""rate window of public endpoints

A sliding-window log per client address for public certificate verification, in the
database so that every worker shares one count.

Revision ID: 7d3b9e2f4a10
Revises: e127be2822ef
Create Date: 2026-12-04 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import review_service.db

revision: str = "7d3b9e2f4a10"
down_revision: str | None = "e127be2822ef"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_window",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("updated_at", review_service.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_window")),
    )
    with op.batch_alter_table("rate_window") as batch:
        batch.create_index(batch.f("ix_rate_window_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_window") as batch:
        batch.drop_index(batch.f("ix_rate_window_updated_at"))
    op.drop_table("rate_window")
