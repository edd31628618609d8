"""Expert imports from Excel: HR's internal experts (their own enterprise) and the regulator's
external pool (专家库). The sheet is checked whole (identifiers, codes, levels, dates, the
three-year term, duplicates in the file and against existing accounts), then every account
and profile is created in one go, or the import is refused with every problem and nothing
stored.

Imported accounts carry no usable password (one Argon2 hash of a random secret nobody keeps,
shared by the import: hashing 10,000 passwords would take minutes); HR or the regulator sets
each expert's password before their first login (``PATCH /users/{id}``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from review_service.accounts.models import ExpertProfile, User
from review_service.accounts.service import TERM_YEARS, years_after
from review_service.auth.passwords import hash_password
from review_service.auth.principal import Role
from review_service.config import Settings
from review_service.enterprises.models import Enterprise
from review_service.enterprises.schemas import INDUSTRY_CLUSTERS
from review_service.events.service import record
from review_service.spreadsheets.imports import (
    LEVEL_CHOICES,
    RESIDENT_ID_COLUMN,
    TRACK_COLUMN,
    CellError,
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
from standards.catalogue import load_catalogue
from standards.levels import TRACK_NAMES, Track, levels

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
# SQLite's bound-parameter limit is far above this; PostgreSQL has none that matters here.
_CHUNK = 900


def _username(value: Any) -> str:
    s = str(value).strip().lower()
    if not _USERNAME.fullmatch(s):
        raise CellError(
            "username",
            "用户名为3至64位字母、数字或 _ . -",
            "3 to 64 letters, digits or _ . -",
        )
    return s


def _credit_code(value: Any) -> str:
    code = str(value).strip().upper()
    bad = identifiers.credit_code_problem(code)
    if bad is not None:
        raise CellError(bad.code, bad.message, bad.message_en)
    return code


def _series_choices() -> dict[str, str]:
    catalogue = load_catalogue()
    return {e.name: e.code for t in (Track.title, Track.skill) for e in catalogue.entries(t)}


SERIES_CHOICES = _series_choices()
_SERIES_TRACK = {e.code: t for t in (Track.title, Track.skill) for e in load_catalogue().entries(t)}


def _columns(internal: bool) -> tuple[Column, ...]:
    department = (
        (Column("department", "部门", "Department", text(100), required=False, example="技术中心"),)
        if internal
        else ()
    )
    return (
        Column("username", "用户名", "User name", _username, example="zhang.hua", width=14),
        Column("display_name", "姓名", "Name", text(100), example="张华", width=12),
        RESIDENT_ID_COLUMN,
        *department,
        TRACK_COLUMN,
        Column(
            "series",
            "系列/工种",
            "Series / trade",
            text(64),
            choices=SERIES_CHOICES,
            example="工程技术",
            width=14,
        ),
        Column(
            "level",
            "本人等级",
            "Own level",
            text(32),
            choices=LEVEL_CHOICES,
            example="副高级",
            width=14,
        ),
        Column(
            "level_since",
            "取得时间",
            "Level since",
            a_date,
            required=False,
            example=date(2016, 12, 1),
            width=14,
        ),
        Column("specialty", "专业方向", "Specialty", text(100), example="船舶与海洋工程"),
        Column(
            "home_organisation",
            "工作单位",
            "Organisation",
            text(200),
            required=not internal,
            example="南通大学",
            width=20,
        ),
        Column(
            "home_credit_code",
            "单位统一社会信用代码",
            "Organisation credit code",
            _credit_code,
            required=False,
            example="91320600MA1M00001H",
            width=22,
        ),
        Column(
            "term_start",
            "聘期开始",
            "Term start",
            a_date,
            required=not internal,
            example=date(2026, 1, 1),
            width=14,
        ),
        Column(
            "term_end",
            "聘期结束",
            "Term end",
            a_date,
            required=not internal,
            example=date(2028, 12, 31),
            width=14,
        ),
        Column(
            "birth_date",
            "出生日期",
            "Date of birth",
            a_date,
            required=False,
            example=date(1949, 12, 31),
            width=14,
        ),
        Column("contact", "联系方式", "Contact", text(200), required=False, example="0513-8000000"),
        # The pool view filters by cluster; the catalogue's clusters as a drop-down.
        Column(
            "cluster",
            "行业集群",
            "Industry cluster",
            text(64),
            required=False,
            choices={zh: code for code, (zh, _en) in INDUSTRY_CLUSTERS.items()},
            example="船舶海工",
            width=14,
        ),
    )


INTERNAL_COLUMNS = _columns(internal=True)
POOL_COLUMNS = _columns(internal=False)


def internal_template() -> bytes:
    return template(
        INTERNAL_COLUMNS, "企业内部专家", "企业内部评审专家导入模板（南通企业自主评审平台）"
    )


def pool_template() -> bytes:
    return template(POOL_COLUMNS, "专家库专家", "市专家库外部专家导入模板（南通企业自主评审平台）")


def _problem(r: dict[str, Any], column: Column, rule: str, zh: str, en: str) -> RowProblem:
    return RowProblem(r["_row"], column.header, column.header_en, rule, zh, en)


def _row_checks(columns: tuple[Column, ...], records: list[dict[str, Any]]) -> list[RowProblem]:
    """Rules across the cells of a row, and duplicates within the file."""
    by_key = {c.key: c for c in columns}
    out: list[RowProblem] = []
    seen: dict[str, dict[str, int]] = {"username": {}, "resident_id": {}}
    today = date.today()
    for r in records:
        for key, rows in seen.items():
            value = r.get(key)
            if value is None:
                continue
            if value in rows:
                out.append(
                    _problem(
                        r,
                        by_key[key],
                        "duplicate",
                        f"与第{rows[value]}行重复",
                        f"same as row {rows[value]}",
                    )
                )
            else:
                rows[value] = r["_row"]
        track, level, series = r.get("track"), r.get("level"), r.get("series")
        if track and level and level not in levels(track):
            out.append(
                _problem(
                    r,
                    by_key["level"],
                    "level_track",
                    f"“{TRACK_NAMES[Track(track)][0]}”类别没有此等级",
                    f"not a level of the {TRACK_NAMES[Track(track)][1]} track",
                )
            )
        if track and series and _SERIES_TRACK.get(series) != track:
            out.append(
                _problem(
                    r,
                    by_key["series"],
                    "series_track",
                    f"“{TRACK_NAMES[Track(track)][0]}”类别没有此系列/工种",
                    f"not a series or trade of the {TRACK_NAMES[Track(track)][1]} track",
                )
            )
        for key in ("level_since", "birth_date"):
            when = r.get(key)
            if when is not None and when > today:
                out.append(_problem(r, by_key[key], "future", "晚于今天", "after today"))
        born, rid = r.get("birth_date"), r.get("resident_id")
        if born is not None and rid and born.strftime("%Y%m%d") != rid[6:14]:
            out.append(
                _problem(
                    r,
                    by_key["birth_date"],
                    "birth_date_mismatch",
                    "与身份证号中的出生日期不一致",
                    "does not match the date of birth in the resident ID",
                )
            )
        out += _term_problems(by_key, r)
    return out


def _term_problems(by_key: dict[str, Column], r: dict[str, Any]) -> list[RowProblem]:
    start, end = r.get("term_start"), r.get("term_end")
    if start is None and end is None:
        return []
    if start is None or end is None:
        which = "term_start" if start is None else "term_end"
        return [
            _problem(
                r, by_key[which], "term_pair", "聘期须有起止日期", "a term needs a start and an end"
            )
        ]
    if end <= start:
        return [
            _problem(
                r,
                by_key["term_end"],
                "term_order",
                "聘期结束早于开始",
                "the term ends before it starts",
            )
        ]
    if end > years_after(start, TERM_YEARS):
        return [
            _problem(
                r,
                by_key["term_end"],
                "term_length",
                f"专家聘期最长{TERM_YEARS}年",
                f"a term lasts at most {TERM_YEARS} years",
            )
        ]
    return []


def check(content: bytes, file_name: str | None, *, internal: bool) -> list[dict[str, Any]]:
    """The checked records of an expert sheet, or the refusal listing every problem. Pure: no
    database (the bench times this); ``import_experts`` adds the checks against stored rows."""
    columns = INTERNAL_COLUMNS if internal else POOL_COLUMNS
    records, problems = check_rows(columns, rows_of(content, file_name))
    problems += _row_checks(columns, records)
    if problems:
        raise refuse(sorted(problems, key=lambda p: p.row))
    return records


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _stored_problems(
    session: Session, columns: tuple[Column, ...], records: list[dict[str, Any]], keys: list[str]
) -> list[RowProblem]:
    """User names already taken, and people who already have an expert account."""
    by_key = {c.key: c for c in columns}
    names = [r["username"] for r in records]
    taken: set[str] = set()
    for part in _chunks(names):
        taken.update(session.exec(select(User.username).where(col(User.username).in_(part))).all())
    experts: set[str] = set()
    for part in _chunks(keys):
        experts.update(
            k
            for k in session.exec(
                select(User.person_key).where(
                    User.role == Role.expert.value, col(User.person_key).in_(part)
                )
            ).all()
            if k is not None
        )
    out = []
    for r, key in zip(records, keys, strict=True):
        if r["username"] in taken:
            out.append(
                _problem(
                    r, by_key["username"], "username_taken", "用户名已被使用", "user name taken"
                )
            )
        if key in experts:
            out.append(
                _problem(
                    r,
                    by_key["resident_id"],
                    "expert_exists",
                    "此人已有专家账户",
                    "this person already has an expert account",
                )
            )
    return out


def import_experts(
    session: Session,
    *,
    scope: TenantScope,
    content: bytes,
    file_name: str | None,
    settings: Settings,
) -> list[User]:
    """Create the experts of a clean sheet: the enterprise's own when HR imports, the city
    pool's (external, no enterprise) when the regulator does. One event for the import."""
    actor = scope.principal
    internal = actor.role is Role.enterprise_admin
    columns = INTERNAL_COLUMNS if internal else POOL_COLUMNS
    records = check(content, file_name, internal=internal)
    secret = settings.id_hash_key_bytes
    keys = [identifiers.resident_id_digest(r["resident_id"], secret) for r in records]
    problems = _stored_problems(session, columns, records, keys)
    if problems:
        raise refuse(problems)
    enterprise = session.get(Enterprise, actor.enterprise_id) if internal else None
    unusable = hash_password(secrets.token_urlsafe(32))
    users = [
        User(
            username=r["username"],
            display_name=r["display_name"],
            role=Role.expert.value,
            enterprise_id=actor.enterprise_id if internal else None,
            password_hash=unusable,
            department=r.get("department"),
            person_key=key,
            id_mask=identifiers.mask_resident_id(r["resident_id"]),
        )
        for r, key in zip(records, keys, strict=True)
    ]
    session.add_all(users)
    session.flush()
    session.add_all(
        ExpertProfile(
            user_id=user.id or 0,
            track=r["track"],
            level=r["level"],
            series=r["series"],
            level_since=r.get("level_since"),
            specialty=r["specialty"],
            home_organisation=r.get("home_organisation") or (enterprise.name if enterprise else ""),
            home_credit_code=r.get("home_credit_code")
            or (enterprise.credit_code if enterprise else None),
            external=not internal,
            term_start=r.get("term_start"),
            term_end=r.get("term_end"),
            birth_date=r.get("birth_date"),
            contact=r.get("contact"),
            cluster=r.get("cluster"),
        )
        for user, r in zip(users, records, strict=True)
    )
    session.flush()
    record(
        session,
        actor=actor,
        action="expert.import",
        object_type="user_account",
        enterprise_id=actor.enterprise_id,
        detail={
            "rows": len(records),
            "pool": not internal,
            "user_ids": [u.id for u in users],
            "file_name": (file_name or "")[:120],
        },
    )
    return users
