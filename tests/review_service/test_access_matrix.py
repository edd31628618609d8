"""Role × tenant × route matrix over every route the app has.

Every /api/v1 route must declare its access (``public`` or ``RequireRole``). For each route:
no token → 401; a role not declared → 403; a declared role of enterprise A acting on
enterprise B's objects → 404 (never 403: existence does not leak), and nothing is written.
A new route joins automatically; a new path parameter or body needs an entry below."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlmodel import Session, func, select

from review_service.auth.principal import Role
from review_service.dependencies import RequireRole, public
from review_service.events.models import Event
from review_service.filings.access import RequireFilingKey
from review_service.main import API_PREFIX, API_ROUTERS
from tests.review_service.factories import World, equivalence_document, example_document
from tests.review_service.reviews.foreign import foreign_id

# Tenant B's objects, addressed by users of tenant A.
FOREIGN_PATH_PARAMS = {
    "enterprise_id": lambda w: w.b.enterprise.id,
    "authorization_id": lambda w: w.b.authorization.id,
    "user_id": lambda w: w.b.applicant.id,
    "version_id": lambda w: w.b.standard.id,
    "equivalence_id": lambda w: 1,
    "filing_id": lambda w: "F-B-unknown",
    "credential_id": lambda w: 1,
    "kind": lambda w: "employment",
    "run_id": lambda w: 1,
    "flag_id": lambda w: 1,
    "case_id": lambda w: 1,
    "measure_id": lambda w: 1,
    "session_id": lambda w: foreign_id(w, "session_id"),
    "member_id": lambda w: foreign_id(w, "member_id"),
    "application_id": lambda w: foreign_id(w, "application_id"),
    "conflict_id": lambda w: foreign_id(w, "conflict_id"),
    "objection_id": lambda w: foreign_id(w, "objection_id"),
    "record_id": lambda w: 1,
    "material_id": lambda w: foreign_id(w, "material_id"),
    "day_id": lambda w: 1,
    "certificate_id": lambda w: foreign_id(w, "certificate_id"),
    "relation_id": lambda w: foreign_id(w, "relation_id"),
}

# A valid body for each route that takes one (so 404 is not hidden behind 422).
BODIES: dict[str, Any] = {
    "auth-logout": {"refresh_token": "x" * 43},
    "events-verify_against_checkpoint": {
        "format": "review-service/event-log-checkpoint/1",
        "issued_at": "2026-12-04T00:00:00+00:00",
        "size": 0,
        "chains": [],
        "public_key": "0" * 64,
        "signature": "0" * 128,
    },
    "auth-refresh": {"refresh_token": "x" * 43},
    "auth-change_password": {"current_password": "whatever", "new_password": "Another-pass-123"},
    "users-create": {
        "username": "new_user",
        "display_name": "新用户",
        "role": "applicant",
        "password": "Passw0rd-12345",
    },
    "users-update": {"display_name": "改名"},
    "enterprises-create": {
        "name": "某某公司",
        "credit_code": "91350100M000100Y43",
        "industry_cluster": "construction",
    },
    "enterprises-update": {"name": "改名公司"},
    "enterprises-grant_authorization": {
        "track": "title",
        "series": "engineering",
        "levels": ["intermediate"],
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
    },
    "enterprises-suspend_authorization": {"reason": "核查中"},
    "enterprises-reinstate_authorization": {"reason": "核查结束"},
    "enterprises-revoke_authorization": {"reason": "严重违规"},
    "standards-create_standard": {"document": example_document()},
    "standards-update_standard": {"document": example_document()},
    "standards-create_baseline": {"document": example_document()},
    "standards-update_baseline": {"document": example_document()},
    "standards-self_check": {"facts": {"as_of": "2026-06-01", "education": "bachelor"}},
    "standards-create_equivalence": {"document": equivalence_document()},
    "standards-update_equivalence": {"document": equivalence_document()},
    "filings-issue_credential": {"label": "行业评委会"},
    "filings-revoke_credential": {"reason": "密钥泄露"},
    "filings-import_registry": {},
    "supervision-create_run": {"period": "2026"},
    "supervision-open_case": {},
    "supervision-assign_case": {"assignee_id": 1},
    "supervision-note_case": {"text": "已调阅材料"},
    "supervision-confirm_case": {"reason": "属实"},
    "supervision-dismiss_case": {"reason": "不属实"},
    "supervision-take_measure": {"kind": "reminder", "reason": "提醒整改"},
    "supervision-lift_measure": {"reason": "整改完成"},
    "reviews-create_session": {"name": "评审批次", "standard_version_id": 1, "period": "2026"},
    "reviews-update_session": {"name": "改名批次"},
    "reviews-transition_session": {"target": "open"},
    "reviews-add_panel_member": {"user_id": 1, "reason": "专业对口"},
    "users-change_expert_status": {"status": "suspended", "reason": "核查中"},
    "reviews-declare_conflict": {"application_id": 1, "kind": "relative", "reason": "亲属关系"},
    "reviews-resolve_conflict": {"status": "confirmed", "reason": "属实"},
    "reviews-submit_application": {
        "name": "申报人",
        "resident_id": "11010519491231002X",
        "track": "title",
        "series": "engineering",
        "level": "intermediate",
        "facts": {"as_of": "2026-06-01", "education": "bachelor"},
    },
    "reviews-correct_application": {"evidence": []},
    "reviews-save_scores": {"values": {"ethics": 8}},
    "reviews-cast_vote": {"choice": "approve"},
    "reviews-raise_objection": {"application_id": 1, "reason": "业绩材料存疑"},
    "reviews-resolve_objection": {"status": "dismissed", "reason": "不属实"},
    "reviews-draw_panel": {"size": 7},
    "reviews-answer_draw": {"accept": True},
    "credit-record_finding": {
        "subject": "applicant",
        "measure": "bar_applications",
        "resident_id": "11010519491231002X",
        "name": "某某",
        "reason": "伪造材料",
    },
    "credit-lift": {"reason": "复核撤销"},
    "materials-review_material": {"decision": "return", "reason": "证书不清晰"},
    "certificates-revoke": {"reason": "依据核查结论撤销"},
    "experts-change_profile": {"specialty": "焊接工艺"},
    "experts-record_relation": {
        "expert_user_id": 1,
        "resident_id": "11010519491231002X",
        "name": "某某",
        "kind": "relative",
    },
    "experts-retract_relation": {"reason": "登记有误"},
    "calendar-add_day": {"day": "2027-02-06", "working": False, "name": "2027年春节"},
}

# Acting as tenant A's user of each role.
ACTORS = {
    Role.regulator: "regulator",
    Role.enterprise_admin: "a_admin",
    Role.expert: "a_expert",
    Role.applicant: "a_applicant",
}


def _access(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route is open to; None for public routes and for routes of outside review
    bodies, which authenticate with a filing key (``RequireFilingKey``) rather than a user's
    token, so no role applies (``test_filing_key_routes`` covers them)."""
    found: list[Any] = []

    def walk(dependant: Any) -> None:
        for dep in dependant.dependencies:
            if isinstance(dep.call, RequireRole | RequireFilingKey) or dep.call is public:
                found.append(dep.call)
            walk(dep)

    walk(route.dependant)
    assert len(found) == 1, f"{route.path} must declare access exactly once, found {found}"
    return found[0].roles if isinstance(found[0], RequireRole) else None


def _filing_key_route(route: APIRoute) -> bool:
    def walk(dependant: Any) -> bool:
        return any(
            isinstance(dep.call, RequireFilingKey) or walk(dep) for dep in dependant.dependencies
        )

    return walk(route.dependant)


def op_id(route: APIRoute) -> str:
    """The operation id the app derives (``{tag}-{name}``) unless the route sets one."""
    return route.operation_id or f"{route.tags[0]}-{route.name}"


def _routes() -> list[APIRoute]:
    return [r for router in API_ROUTERS for r in router.routes if isinstance(r, APIRoute)]


ROUTES = _routes()
PROTECTED = [r for r in ROUTES if _access(r) is not None]
FILING_KEY_ROUTES = [r for r in ROUTES if _filing_key_route(r)]


def _call(client, route: APIRoute, world: World, headers: dict[str, str] | None):  # type: ignore[no-untyped-def]
    path = API_PREFIX + route.path
    for name in route.param_convertors:
        assert name in FOREIGN_PATH_PARAMS, f"add a foreign object for path parameter {name!r}"
        path = path.replace("{" + name + "}", str(FOREIGN_PATH_PARAMS[name](world)))
    method = sorted(route.methods)[0]
    kwargs: dict[str, Any] = {"headers": headers or {}}
    if route.body_field is not None:
        assert op_id(route) in BODIES, f"add a valid body for {op_id(route)}"
        kwargs["json"] = BODIES[op_id(route)]
    return client.request(method, path, **kwargs)


def test_every_route_declares_access() -> None:
    assert ROUTES
    for route in ROUTES:
        _access(route)


@pytest.mark.parametrize("route", PROTECTED, ids=op_id)
def test_without_a_token_is_401(client, world: World, route: APIRoute) -> None:
    r = _call(client, route, world, None)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("route", PROTECTED, ids=op_id)
def test_role_and_tenant(client, world: World, app, route: APIRoute, role: Role) -> None:
    allowed = _access(route)
    assert allowed is not None
    with Session(app.state.engine) as s:
        events_before = s.exec(select(func.count()).select_from(Event)).one()
    r = _call(client, route, world, world.auth(ACTORS[role]))
    if role not in allowed:
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden"
    elif role is not Role.regulator and route.param_convertors:
        # Enterprise staff addressing tenant B's objects: 404, exactly like a missing object.
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "not_found"
    else:
        assert r.status_code < 500, r.text
    if r.status_code >= 400:
        with Session(app.state.engine) as s:
            assert s.exec(select(func.count()).select_from(Event)).one() == events_before


@pytest.mark.parametrize("route", FILING_KEY_ROUTES, ids=op_id)
def test_filing_key_routes(client, world: World, app, route: APIRoute) -> None:
    """A user's bearer token (even the regulator's) is no filing key: 401, nothing written."""
    with Session(app.state.engine) as s:
        events_before = s.exec(select(func.count()).select_from(Event)).one()
    for headers in (None, world.auth("regulator"), {"X-Filing-Key": "1.not-the-secret"}):
        r = _call(client, route, world, headers)
        assert r.status_code == 401, r.text
    with Session(app.state.engine) as s:
        assert s.exec(select(func.count()).select_from(Event)).one() == events_before
