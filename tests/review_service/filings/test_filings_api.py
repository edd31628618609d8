"""Filing API: the served schema, credentials of outside bodies, keyed intake, registries."""

from __future__ import annotations

import hashlib
import json

from sqlmodel import Session, func, select

from review_service.enterprises.models import Enterprise
from review_service.filings.models import (
    EducationRegistryRow,
    EmploymentRegistryRow,
    FilingRecord,
    ReviewBodyCredential,
)
from tests.review_service.factories import World, credit_code, resident_id
from tests.review_service.filings.documents import filing_document

API = "/api/v1"


def _committee(app) -> Enterprise:  # type: ignore[no-untyped-def]
    with Session(app.state.engine, expire_on_commit=False) as s:
        body = Enterprise(
            name="南通市船舶行业评委会",
            credit_code=credit_code(),
            industry_cluster="shipbuilding_offshore",
            review_body_kind="industry_committee",
        )
        s.add(body)
        s.commit()
        return body


def _issue(client, world: World, enterprise_id: int) -> str:  # type: ignore[no-untyped-def]
    r = client.post(
        f"{API}/review-bodies/{enterprise_id}/credentials",
        json={"label": "评委会报送"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 201, r.text
    return r.json()["key"]


def test_schema_is_public_and_versioned(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/filings/schema")
    assert r.status_code == 200
    body = r.json()
    assert body["x-schema-version"] == "1.1"
    assert body["x-schema-versions-accepted"] == ["1.0", "1.1"]
    assert "filing_id" in body["properties"]
    # Contract 1.1: conflict relations, per-criterion times, a cluster's name.
    defs = body["$defs"]
    assert {"supervises", "relatives", "declared_interests"} <= set(
        defs["FilingPanelMember"]["properties"]
    )
    assert "criterion_times" in defs["MemberScores"]["properties"]
    assert "industry_cluster_name" in defs["ReviewBody"]["properties"]


def test_outside_body_files_with_its_key(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    body = _committee(app)
    key = _issue(client, world, body.id)
    with Session(app.state.engine) as s:
        stored = s.exec(select(ReviewBodyCredential)).one()
        assert stored.secret_digest == hashlib.sha256(key.split(".", 1)[1].encode()).hexdigest()
    document = filing_document(body.credit_code, filing_id="IC-2026-001")
    r = client.post(f"{API}/filings", json=document, headers={"X-Filing-Key": key})
    assert r.status_code == 201, r.text
    assert r.json()["created"] is True and r.json()["enterprise_id"] == body.id
    assert r.json()["source"] == "api"

    again = client.post(f"{API}/filings", json=document, headers={"X-Filing-Key": key})
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["id"] == r.json()["id"]

    # Another body's credit code is refused, with the path.
    other = filing_document(world.a.enterprise.credit_code, filing_id="IC-2026-002")
    refused = client.post(f"{API}/filings", json=other, headers={"X-Filing-Key": key})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_filing"
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["review_body.credit_code"]

    # The enterprise sees its own filings only; the stored document has no clear IDs.
    mine = client.get(f"{API}/filings/IC-2026-001", headers=world.auth("regulator"))
    assert mine.status_code == 200
    clear = document["applications"][0]["applicant"]["resident_id"]
    assert clear not in json.dumps(mine.json()["document"])
    assert (
        client.get(f"{API}/filings/IC-2026-001", headers=world.auth("a_admin")).status_code == 404
    )
    assert client.get(f"{API}/filings", headers=world.auth("a_admin")).json()["count"] == 0

    revoked = client.post(
        f"{API}/credentials/{key.split('.')[0]}/revoke",
        json={"reason": "密钥泄露"},
        headers=world.auth("regulator"),
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    late = filing_document(body.credit_code, filing_id="IC-2026-003")
    assert (
        client.post(f"{API}/filings", json=late, headers={"X-Filing-Key": key}).status_code == 401
    )


def test_rejected_filing_lists_every_problem_and_stores_nothing(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    body = _committee(app)
    key = _issue(client, world, body.id)
    document = filing_document(body.credit_code, filing_id="IC-BAD")
    document["applications"][1]["scores"][0]["member_id"] = "nobody"
    document["applications"][4]["applicant"]["resident_id"] = "123"
    document["panel"][0]["extra_field"] = 1
    r = client.post(f"{API}/filings", json=document, headers={"X-Filing-Key": key})
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {
        "applications[1].scores[0].member_id",
        "applications[4].applicant.resident_id",
        "panel[0].extra_field",
    } <= fields
    with Session(app.state.engine) as s:
        assert s.exec(select(func.count()).select_from(FilingRecord)).one() == 0


def test_ten_thousand_applications_over_the_api(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    """Correctness at size; the time is measured by bench/filing_intake.py, not here."""
    body = _committee(app)
    key = _issue(client, world, body.id)
    document = filing_document(body.credit_code, apps=10_000, filing_id="IC-BIG")
    r = client.post(f"{API}/filings", json=document, headers={"X-Filing-Key": key})
    assert r.status_code == 201, r.text[:500]
    assert r.json()["application_count"] == 10_000
    with Session(app.state.engine) as s:
        row = s.exec(select(FilingRecord)).one()
        assert len(row.document["applications"]) == 10_000
        assert all(a["applicant"]["resident_id"] is None for a in row.document["applications"])


def test_registry_import_stores_person_keys_and_reports_lines(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    person = resident_id()
    good = (
        "公民身份号码,单位统一社会信用代码,参保开始日期,参保结束日期\n"
        f"{person},{world.a.enterprise.credit_code},2020-01-01,\n"
    )
    r = client.post(
        f"{API}/registries/employment",
        files={"file": ("si.csv", good.encode(), "text/csv")},
        data={"as_of": "2026-06-30"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["row_count"] == 1
    with Session(app.state.engine) as s:
        row = s.exec(select(EmploymentRegistryRow)).one()
        assert len(row.person_key) == 64 and person not in row.person_key

    bad = good + "320602198804120001,not-a-code,2020-13-01,\n"
    r = client.post(
        f"{API}/registries/employment",
        files={"file": ("si.csv", bad.encode(), "text/csv")},
        data={"as_of": "2026-06-30"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 422
    fields = [d["field"] for d in r.json()["error"]["details"]]
    assert fields and all(f.startswith("line 3") for f in fields)
    with Session(app.state.engine) as s:
        assert s.exec(select(func.count()).select_from(EmploymentRegistryRow)).one() == 1


def test_filings_in_1_0_and_1_1_are_both_accepted(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    body = _committee(app)
    key = _issue(client, world, body.id)
    old = filing_document(body.credit_code, filing_id="IC-V10")
    assert old["schema_version"] == "1.0"
    r = client.post(f"{API}/filings", json=old, headers={"X-Filing-Key": key})
    assert r.status_code == 201, r.text
    new = filing_document(body.credit_code, filing_id="IC-V11")
    new["schema_version"] = "1.1"
    new["review_body"]["industry_cluster"] = "new_energy"
    new["review_body"]["industry_cluster_name"] = "新能源"
    new["panel"][0]["supervises"] = [new["applications"][0]["application_ref"]]
    r = client.post(f"{API}/filings", json=new, headers={"X-Filing-Key": key})
    assert r.status_code == 201, r.text
    # A 1.0 filing may not use what 1.1 added: refused with the field named.
    mixed = filing_document(body.credit_code, filing_id="IC-V10-MIXED")
    mixed["panel"][0]["supervises"] = [mixed["applications"][0]["application_ref"]]
    r = client.post(f"{API}/filings", json=mixed, headers={"X-Filing-Key": key})
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["error"]["details"]] == ["panel[0].supervises"]


def test_education_extract_without_institution_or_year_is_imported(
    client, app, world: World
) -> None:  # type: ignore[no-untyped-def]
    text = f"公民身份号码,学历\n{resident_id()},本科\n"
    r = client.post(
        f"{API}/registries/education",
        files={"file": ("edu.csv", text.encode(), "text/csv")},
        data={"as_of": "2026-06-30"},
        headers=world.auth("regulator"),
    )
    assert r.status_code == 201, r.text
    with Session(app.state.engine) as s:
        row = s.exec(select(EducationRegistryRow)).one()
        assert (row.education, row.institution, row.year) == ("bachelor", None, None)
