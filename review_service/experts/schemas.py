from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from review_service.accounts.schemas import ExpertProfilePublic


class PanelSeat(BaseModel):
    session_id: int
    session_name: str
    enterprise_id: int
    enterprise_name: str
    period: str
    status: str
    role: str
    selection: str
    applications_scored: int
    recusals: int


class MemberFinding(BaseModel):
    """An audit finding about this expert as a panel member (calibration, near-identical
    scores, speed, reciprocal scoring), from the latest finished run of its period."""

    run_id: int
    period: str
    signal: str
    band: str
    severity: str
    enterprise_id: int | None
    reason: str
    reason_en: str


class ExpertHistory(BaseModel):
    user_id: int
    display_name: str
    enterprise_id: int | None
    expert: ExpertProfilePublic
    term_ended: bool
    panels_sat: int
    applications_scored: int
    recusals: int
    declines: int
    seats: list[PanelSeat]
    # Only the regulator sees audit findings.
    findings: list[MemberFinding] | None
    as_of: date


class ExpertImportReceipt(BaseModel):
    rows: int
    created: int
    user_ids: list[int]
