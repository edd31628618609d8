"""education registry rows without institution or year

Real education extracts often give only the level; the audit checks only the level.

Revision ID: c4e1a7d2b905
Revises: be1700fe7b9f
Create Date: 2026-12-04 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c4e1a7d2b905"
down_revision: str | None = "be1700fe7b9f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registry_education") as batch:
        batch.alter_column(
            "institution",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=True,
        )
        batch.alter_column("year", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE registry_education SET institution = '' WHERE institution IS NULL")
    op.execute("UPDATE registry_education SET year = 0 WHERE year IS NULL")
    with op.batch_alter_table("registry_education") as batch:
        batch.alter_column(
            "institution",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
        )
        batch.alter_column("year", existing_type=sa.Integer(), nullable=False)
