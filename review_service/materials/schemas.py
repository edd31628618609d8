"""API shapes of application materials."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from standards.materials import FileType


class MaterialStatus(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"
    replaced = "replaced"


class ReviewDecision(StrEnum):
    accept = "accept"
    # 退回补正: the applicant replaces the file while the session is open.
    return_ = "return"


class MaterialPublic(BaseModel):
    id: int
    application_id: int
    kind: str
    file_name: str
    sha256: str
    size: int
    file_type: FileType
    media_type: str
    status: MaterialStatus
    review_reason: str | None
    reviewed_at: datetime | None
    uploaded_at: datetime
    replaced_by_id: int | None


class MaterialKindPublic(BaseModel):
    code: str
    name: str
    name_en: str
    required: bool
    types: list[FileType]
    # Current files of this kind (replaced ones are history, not listed).
    materials: list[MaterialPublic]
    satisfied: bool


class ApplicationMaterialsPublic(BaseModel):
    application_id: int
    kinds: list[MaterialKindPublic]
    # Every required kind has a file and none is waiting for correction.
    complete: bool
    total_size: int
    max_file_size: int
    max_application_size: int


class MaterialReviewIn(BaseModel):
    decision: ReviewDecision
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _reason_when_returned(self) -> MaterialReviewIn:
        if self.decision is ReviewDecision.return_ and not (self.reason and self.reason.strip()):
            raise ValueError("a returned material needs the reason (退回须说明原因)")
        return self


class ManifestEntry(BaseModel):
    """What a filing says about one material: never the file itself."""

    kind: str
    sha256: str
    size: int
    file_type: FileType
    status: MaterialStatus
