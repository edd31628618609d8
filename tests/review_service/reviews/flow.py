"""Building blocks of review-workflow tests: a published standard with a panel of seven in
mind (the city's intermediate baseline adopted as the enterprise's standard), experts,
applicants, applicant facts that pass or fail, and API shortcuts for each step."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from review_service.accounts.models import User
from review_service.events.models import Event
from review_service.standard_versions.models import StandardVersion
from standards import defaults
from tests.review_service.factories import World, add_user, bearer, resident_id

API = "/api/v1"
_seq = itertools.count(1)


@dataclass
class Clock:
    today: date


def standard_document(credit_code: str, **changes: Any) -> dict[str, Any]:
    """The intermediate engineering baseline as an enterprise's own standard: panel of at
    least 7, 10% external, members intermediate or above, pass score 60, 5 working days."""
    baseline = defaults.baseline_for(
        defaults.load_baselines(), "title", "engineering", "intermediate"
    )
    assert baseline is not None
    data = baseline.model_dump(mode="json", exclude_none=True)
    data.update(
        name="测试企业 工程师（中级）评价标准",
        name_en="Test enterprise: engineer (intermediate)",
        enterprise_credit_code=credit_code,
        specialty="welding",
    )
    data.update(changes)
    return copy.deepcopy(data)


def eligible_facts(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "as_of": "2026-06-01",
        "education": "bachelor",
        "qualifications": [
            {
                "track": "title",
                "series": "engineering",
                "level": "assistant",
                "obtained_on": "2019-07-01",
            }
        ],
        "years_in_occupation": 8,
    }
    facts.update(changes)
    return facts


def short_facts() -> dict[str, Any]:
    """Two years as assistant engineer: the baseline asks for four."""
    facts = eligible_facts()
    facts["qualifications"][0]["obtained_on"] = "2024-05-01"
    return facts


SCORES_HIGH = {"ethics": 9, "ability": 26, "performance": 34, "contribution": 16}
SCORES_LOW = {"ethics": 5, "ability": 12, "performance": 15, "contribution": 6}


@dataclass
class Flow:
    client: TestClient
    world: World
    engine: Engine
    clock: Clock
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    # --- people --------------------------------------------------------------------------

    def auth(self, who: str) -> dict[str, str]:
        return self.headers.get(who) or self.world.auth(who)

    def user(
        self,
        name: str,
        *,
        role: str,
        tenant: str | None = "a",
        department: str | None = None,
        level: str | None = None,
        supervisor: str | None = None,
    ) -> User:
        enterprise_id = None if tenant is None else getattr(self.world, tenant).enterprise.id
        supervisor_id = self.user_id(supervisor) if supervisor is not None else None
        with Session(self.engine, expire_on_commit=False) as s:
            user = add_user(
                s,
                username=name,
                role=role,
                enterprise_id=enterprise_id,
                department=department,
                expert_level=("title", level) if level else None,
                external=tenant is None,
            )
            if supervisor_id is not None:
                user.supervisor_id = supervisor_id
                s.add(user)
            s.commit()
        self.headers[name] = bearer(self.world.settings, user)
        return user

    def user_id(self, name: str) -> int:
        with Session(self.engine) as s:
            found = s.exec(select(User.id).where(User.username == name)).one()
        return int(found)

    def events(self, action: str | None = None) -> int:
        with Session(self.engine) as s:
            stmt = select(func.count()).select_from(Event)
            if action:
                stmt = stmt.where(Event.action == action)
            return s.exec(stmt).one()

    # --- standards and sessions -----------------------------------------------------------

    def publish_standard(self, who: str = "a_admin", **changes: Any) -> int:
        tenant = getattr(self.world, who.split("_")[0])
        r = self.client.post(
            f"{API}/standards",
            json={"document": standard_document(tenant.enterprise.credit_code, **changes)},
            headers=self.auth(who),
        )
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        r = self.client.post(f"{API}/standards/{sid}/publish", headers=self.auth(who))
        assert r.status_code == 200, r.text
        return int(sid)

    def draft_standard(self, who: str = "a_admin") -> int:
        tenant = getattr(self.world, who.split("_")[0])
        r = self.client.post(
            f"{API}/standards",
            json={"document": standard_document(tenant.enterprise.credit_code)},
            headers=self.auth(who),
        )
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def create_session(self, standard_version_id: int | None = None, who: str = "a_admin") -> dict:
        if standard_version_id is None:
            standard_version_id = self.publish_standard(who)
        r = self.client.post(
            f"{API}/review-sessions",
            json={
                "name": "2026年度工程师自主评审",
                "standard_version_id": standard_version_id,
                "period": "2026",
            },
            headers=self.auth(who),
        )
        assert r.status_code == 201, r.text
        return r.json()

    def move(self, session_id: int, target: str, who: str = "a_admin", **extra: Any):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"{API}/review-sessions/{session_id}/transition",
            json={"target": target, **extra},
            headers=self.auth(who),
        )

    def advance(self, session_id: int, *targets: str) -> dict:
        body: dict = {}
        for target in targets:
            r = self.move(session_id, target)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["status"] == target
        return body

    # --- panel ---------------------------------------------------------------------------

    def seat(self, session_id: int, username: str, role: str = "member", who: str = "a_admin"):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"{API}/review-sessions/{session_id}/panel/members",
            json={"user_id": self.user_id(username), "role": role},
            headers=self.auth(who),
        )

    def panel_of_seven(self, session_id: int) -> list[str]:
        """a_expert (chair, a_applicant's line manager), four more internal experts and
        two external pool experts: seven, two of them external."""
        names = ["a_expert"]
        for i in range(1, 5):
            name = f"a_panel{i}_{next(_seq)}"
            self.user(name, role="expert", department=f"技术部{i}", level="deputy_senior")
            names.append(name)
        names.append("pool_expert")
        extra = f"pool_extra_{next(_seq)}"
        self.user(extra, role="expert", tenant=None, level="senior")
        names.append(extra)
        for i, name in enumerate(names):
            r = self.seat(session_id, name, "chair" if i == 0 else "member")
            assert r.status_code == 201, r.text
        return names

    def member_ids(self, session_id: int) -> dict[str, int]:
        panel = self.client.get(
            f"{API}/review-sessions/{session_id}/panel", headers=self.auth("a_admin")
        ).json()
        ids = {m["user_id"]: m["id"] for m in panel["members"]}
        with Session(self.engine) as s:
            users = s.exec(select(User).where(User.id.in_(list(ids)))).all()  # type: ignore[union-attr]
        return {u.username: ids[u.id] for u in users}

    # --- applications --------------------------------------------------------------------

    def apply(
        self,
        session_id: int,
        who: str = "a_applicant",
        *,
        facts: dict | None = None,
        applicant: str | None = None,
        rid: str | None = None,
        **changes: Any,
    ):  # type: ignore[no-untyped-def]
        body: dict[str, Any] = {
            "name": applicant or who,
            "resident_id": rid or resident_id(),
            "track": "title",
            "series": "engineering",
            "level": "intermediate",
            "facts": facts or eligible_facts(),
            "evidence": [{"title": "项目总结", "description": "船体分段焊接工艺改进"}],
        }
        if applicant is not None:
            body["applicant_user_id"] = self.user_id(applicant)
        body.update(changes)
        return self.client.post(
            f"{API}/review-sessions/{session_id}/applications", json=body, headers=self.auth(who)
        )

    def score(self, application_id: int, who: str, values: dict[str, float], submit: bool = True):  # type: ignore[no-untyped-def]
        r = self.client.put(
            f"{API}/applications/{application_id}/scores/mine",
            json={"values": values, "comments": {"ability": "工艺扎实"}},
            headers=self.auth(who),
        )
        if r.status_code != 200 or not submit:
            return r
        return self.client.post(
            f"{API}/applications/{application_id}/scores/mine/submit", headers=self.auth(who)
        )

    def vote(self, application_id: int, who: str, choice: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"{API}/applications/{application_id}/vote",
            json={"choice": choice},
            headers=self.auth(who),
        )

    def standard_row(self, standard_version_id: int) -> StandardVersion:
        with Session(self.engine) as s:
            row = s.get(StandardVersion, standard_version_id)
            assert row is not None
            return row


@dataclass
class Round:
    session_id: int
    panel: list[str]
    applications: list[int]


def round_in(flow: Flow, state: str, applicants: int = 1) -> Round:
    """A session with a panel of seven and ``applicants`` eligible applications (none
    conflicted), moved on to ``state``: every member scores high and approves; finalizing
    moves the clock two weeks past the notice."""
    rs = flow.create_session()
    sid = rs["id"]
    panel = flow.panel_of_seven(sid)
    flow.advance(sid, "open")
    apps = []
    for _ in range(applicants):
        name = f"applicant_{next(_seq)}"
        flow.user(name, role="applicant", department="涂装车间")
        r = flow.apply(sid, name)
        assert r.status_code == 201 and r.json()["status"] == "eligible", r.text
        apps.append(r.json()["id"])
    order = ["open", "validating", "reviewing", "voting", "decided", "public_notice", "finalized"]
    for target in order[1 : order.index(state) + 1]:
        if target == "voting":
            for app_id in apps:
                for name in panel:
                    assert flow.score(app_id, name, SCORES_HIGH).status_code == 200
        if target == "decided":
            for app_id in apps:
                for name in panel:
                    assert flow.vote(app_id, name, "approve").status_code == 201
        if target == "finalized":
            flow.clock.today = date.fromordinal(flow.clock.today.toordinal() + 14)
        flow.advance(sid, target)
    return Round(sid, panel, apps)
