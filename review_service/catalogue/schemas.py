from __future__ import annotations

from pydantic import BaseModel, Field


class Label(BaseModel):
    code: str
    zh: str
    en: str


class CataloguePublic(BaseModel):
    """Every code the API returns, by group, in the order pick lists offer them."""

    groups: dict[str, list[Label]] = Field(
        description="group → labels, e.g. session_statuses, signals, event_verbs"
    )
