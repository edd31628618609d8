"""Who is acting: the four roles of DESIGN §2 and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    regulator = "regulator"
    enterprise_admin = "enterprise_admin"
    expert = "expert"
    applicant = "applicant"


ROLE_NAMES = {
    Role.regulator: ("监管人员", "regulator"),
    Role.enterprise_admin: ("企业评审管理员", "enterprise administrator"),
    Role.expert: ("评审专家", "expert"),
    Role.applicant: ("申报人", "applicant"),
}


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: Role
    # None for regulators and for the city's external expert pool.
    enterprise_id: int | None

    @property
    def is_regulator(self) -> bool:
        return self.role is Role.regulator
