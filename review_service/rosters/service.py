"""Roster import: the sheet checked whole (identifiers, codes, dates, duplicates), then
stored in one go, or refused with every problem and nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from review_service.config import Settings
from review_service.db import utcnow
from review_service.events.service import record
from review_service.rosters.models import RosterEntry
from review_service.spreadsheets.imports import (
    LEVEL_CHOICES,
    RESIDENT_ID_COLUMN,
    TRACK_COLUMN,
    Column,
    RowProblem,
    a_date,
    check_rows,
    refuse,
    rows_of,
    template,
    text,
)
from review_service.tenancy import TenantScope
from standards import identifiers
from standards.levels import TRACK_NAMES, Education, Track, education_name, levels

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "Name", text(100), example="王小明", width=12),
    RESIDENT_ID_COLUMN,
    Column("department", "部门", "Department", text(100), example="船体车间"),
    Column("post", "岗位", "Post", text(100), required=False, example="焊接工艺员"),
    TRACK_COLUMN,
    Column(
        "level",
        "现等级",
        "Current level",
        text(32),
        required=False,
        choices=LEVEL_CHOICES,
        example="助理级",
    ),
    Column(
        "level_obtained_on",
        "取得时间",
        "Obtained on",
        a_date,
        required=False,
        example=date(2019, 7, 1),
        width=14,
    ),
    Column(
        "education",
        "学历",
        "Education",
        text(32),
        choices={education_name(e): e.value for e in Education},
        example="本科",
        width=12,
    ),
    Column(
        "hired_on",
        "入职时间",
        "Hired on",
        a_date,
        required=False,
        example=date(2015, 7, 1),
        width=14,
    ),
)


def roster_template() -> bytes:
    return template(COLUMNS, "申报人员花名册", "申报人员花名册导入模板（南通企业自主评审平台）")


def _cross_checks(records: list[dict[str, Any]]) -> list[RowProblem]:
    out = []
    seen: dict[str, int] = {}
    for r in records:
        rid = r.get("resident_id")
        if rid:
            if rid in seen:
                out.append(
                    RowProblem(
                        r["_row"],
                        "身份证号",
                        "Resident ID",
                        "duplicate",
                        f"与第{seen[rid]}行重复",
                        f"same as row {seen[rid]}",
                    )
                )
            else:
                seen[rid] = r["_row"]
        track, level = r.get("track"), r.get("level")
        if track and level and level not in levels(track):
            out.append(
                RowProblem(
                    r["_row"],
                    "现等级",
                    "Current level",
                    "level_track",
                    f"“{TRACK_NAMES[Track(track)][0]}”类别没有此等级",
                    f"not a level of the {TRACK_NAMES[Track(track)][1]} track",
                )
            )
        if (r.get("level_obtained_on") or date.min) > date.today():
            out.append(
                RowProblem(
                    r["_row"], "取得时间", "Obtained on", "future", "晚于今天", "after today"
                )
            )
    return out


def check(content: bytes, file_name: str | None) -> list[dict[str, Any]]:
    """The checked records, or the refusal listing every problem."""
    records, problems = check_rows(COLUMNS, rows_of(content, file_name))
    problems += _cross_checks(records)
    if problems:
        raise refuse(sorted(problems, key=lambda p: p.row))
    return records


def import_roster(
    session: Session,
    *,
    scope: TenantScope,
    content: bytes,
    file_name: str | None,
    settings: Settings,
) -> tuple[int, int, int]:
    enterprise_id = scope.principal.enterprise_id
    assert enterprise_id is not None
    records = check(content, file_name)
    keyed = {
        identifiers.resident_id_digest(r["resident_id"], settings.id_hash_key_bytes): r
        for r in records
    }
    existing = {
        e.person_key: e
        for e in session.exec(
            select(RosterEntry).where(
                RosterEntry.enterprise_id == enterprise_id,
                col(RosterEntry.person_key).in_(list(keyed)),
            )
        ).all()
    }
    created = 0
    for key, r in keyed.items():
        entry = existing.get(key)
        if entry is None:
            entry = RosterEntry(enterprise_id=enterprise_id, person_key=key, id_mask="", name="")
            created += 1
        entry.id_mask = identifiers.mask_resident_id(r["resident_id"])
        for field in (
            "name",
            "department",
            "post",
            "track",
            "level",
            "level_obtained_on",
            "education",
            "hired_on",
        ):
            setattr(entry, field, r.get(field))
        entry.imported_by = scope.principal.user_id
        entry.updated_at = utcnow()
        session.add(entry)
    session.flush()
    record(
        session,
        actor=scope.principal,
        action="roster.import",
        object_type="roster_entry",
        enterprise_id=enterprise_id,
        detail={
            "rows": len(records),
            "created": created,
            "updated": len(keyed) - created,
            "file_name": (file_name or "")[:120],
        },
    )
    return len(records), created, len(keyed) - created


def list_roster(
    session: Session, *, scope: TenantScope, offset: int, limit: int
) -> tuple[list[RosterEntry], int]:
    where = scope.where(RosterEntry.enterprise_id)
    rows = session.exec(
        select(RosterEntry).where(where).order_by(col(RosterEntry.id)).offset(offset).limit(limit)
    ).all()
    count = session.exec(select(func.count()).select_from(RosterEntry).where(where)).one()
    return list(rows), count
