from __future__ import annotations

import copy

from tests.review_service.factories import World, equivalence_document, example_document

API = "/api/v1"


def _draft(client, world: World, document: dict | None = None, who: str = "a_admin"):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/standards",
        json={"document": document or example_document()},
        headers=world.auth(who),
    )


def test_hr_writes_checks_and_publishes_a_new_version(client, world: World) -> None:
    r = _draft(client, world)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft"
    assert draft["version"] == 2  # the world already has version 1 of this lineage
    assert draft["document"]["enterprise_credit_code"] == world.a.enterprise.credit_code
    check = client.get(
        f"{API}/standards/{draft['id']}/baseline-check", headers=world.auth("a_admin")
    ).json()
    assert check["passes"] and check["laxities"] == []
    published = client.post(f"{API}/standards/{draft['id']}/publish", headers=world.auth("a_admin"))
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    # Publishing version 2 retired version 1; version 1 stays readable.
    old = client.get(f"{API}/standards/{world.a.standard.id}", headers=world.auth("a_admin")).json()
    assert old["status"] == "retired"
    assert old["document"]["name"]


def test_published_versions_are_immutable(client, world: World) -> None:
    r = client.put(
        f"{API}/standards/{world.a.standard.id}",
        json={"document": example_document()},
        headers=world.auth("a_admin"),
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "immutable_version"
    fresh = client.post(
        f"{API}/standards/{world.a.standard.id}/new-version", headers=world.auth("a_admin")
    )
    assert fresh.status_code == 201
    assert fresh.json()["status"] == "draft"


def test_malformed_document_lists_every_problem_with_its_field(client, world: World) -> None:
    doc = example_document()
    doc["level"] = "grand_master"
    doc["criteria"][0]["weight"] = 0.9
    doc["pass_score"] = 120
    r = _draft(client, world, doc)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_document"
    fields = {d["field"] for d in error["details"]}
    assert "document.level" in fields
    assert "document.pass_score" in fields
    assert any(f.startswith("document.criteria") for f in fields)
    assert all(d["problem"] and d["problem_en"] for d in error["details"])


def test_laxer_than_baseline_is_refused_with_every_laxity(client, world: World) -> None:
    doc = example_document()
    doc["pass_score"] = 50
    doc["notice_working_days"] = 3
    doc["panel"]["min_size"] = 5
    draft = _draft(client, world, doc).json()
    check = client.get(
        f"{API}/standards/{draft['id']}/baseline-check", headers=world.auth("a_admin")
    ).json()
    assert not check["passes"]
    codes = {x["path"] for x in check["laxities"]}
    assert {"pass_score", "notice_working_days", "panel.min_size"} <= codes
    r = client.post(f"{API}/standards/{draft['id']}/publish", headers=world.auth("a_admin"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "laxer_than_baseline"
    assert len(r.json()["error"]["details"]) == len(check["laxities"])
    assert (
        client.get(f"{API}/standards/{draft['id']}", headers=world.auth("a_admin")).json()["status"]
        == "draft"
    )


def test_publishing_outside_the_authorisation_is_refused(client, world: World) -> None:
    doc = copy.deepcopy(example_document())
    doc["level"] = "senior"  # A is authorised up to deputy_senior only
    doc["name"] = "正高级工程师标准"
    draft = _draft(client, world, doc)
    assert draft.status_code == 201, draft.text
    r = client.post(f"{API}/standards/{draft.json()['id']}/publish", headers=world.auth("a_admin"))
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "outside_authorization"


def test_second_draft_of_the_same_lineage_is_409(client, world: World) -> None:
    assert _draft(client, world).status_code == 201
    again = _draft(client, world)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "draft_exists"


def test_applicants_see_published_standards_only_and_self_check(client, world: World) -> None:
    draft = _draft(client, world).json()
    listed = client.get(f"{API}/standards", headers=world.auth("a_applicant")).json()
    assert {s["status"] for s in listed["data"]} == {"published"}
    assert (
        client.get(f"{API}/standards/{draft['id']}", headers=world.auth("a_applicant")).status_code
        == 404
    )
    facts = {
        "as_of": "2026-06-01",
        "education": "bachelor",
        "qualifications": [
            {
                "track": "title",
                "series": "engineering",
                "level": "assistant",
                "obtained_on": "2023-01-01",
            }
        ],
    }
    r = client.post(
        f"{API}/standards/{world.a.standard.id}/self-check",
        json={"facts": facts},
        headers=world.auth("a_applicant"),
    )
    assert r.status_code == 200, r.text
    verdict = r.json()["verdict"]
    assert verdict["eligible"] is False
    failed = {x["code"] for x in verdict["results"] if not x["passed"]}
    assert "years" in failed  # 3.4 years as assistant engineer, the standard asks 5
    years = next(x for x in verdict["results"] if x["code"] == "years")
    assert years["required"] and years["given"]


def test_public_equivalence_lookup_needs_no_login(client, world: World) -> None:
    body = {
        "holding": {
            "track": "skill",
            "series": "welder",
            "level": "grade2",
            "obtained_on": "2022-03-01",
        },
        "facts": {
            "as_of": "2026-06-01",
            "education": "secondary_vocational",
            "frontline_post": True,
            "appraisals": [{"year": y, "passed": True} for y in (2023, 2024, 2025)],
            "continuing_education_hours": {"2023": 90, "2024": 90, "2025": 90},
        },
    }
    r = client.post(f"{API}/public/equivalence", json=body)
    assert r.status_code == 200, r.text
    options = r.json()["options"]
    engineer = next(o for o in options if o["option"]["target_level"] == "intermediate")
    assert engineer["option"]["met"] is True
    # Both enterprises publish an intermediate engineering standard: both are listed.
    assert {s["enterprise_id"] for s in engineer["standards"]} == {
        world.a.enterprise.id,
        world.b.enterprise.id,
    }
    # Two years fewer: the same rule says what is missing.
    short = {**body, "holding": {**body["holding"], "obtained_on": "2024-09-01"}}
    option = next(
        o
        for o in client.post(f"{API}/public/equivalence", json=short).json()["options"]
        if o["option"]["target_level"] == "intermediate"
    )
    assert option["option"]["met"] is False
    assert option["option"]["missing"]


def test_regulator_versions_the_equivalence_table(client, world: World) -> None:
    doc = equivalence_document()
    doc["rules"] = [r for r in doc["rules"] if r["scope"] == "national"]
    draft = client.post(
        f"{API}/equivalence", json={"document": doc}, headers=world.auth("regulator")
    )
    assert draft.status_code == 201, draft.text
    published = client.post(
        f"{API}/equivalence/{draft.json()['id']}/publish", headers=world.auth("regulator")
    ).json()
    assert published["status"] == "published"
    listed = client.get(f"{API}/equivalence", headers=world.auth("regulator")).json()["data"]
    assert [v["status"] for v in listed] == ["published", "retired"]
    bad = client.post(
        f"{API}/equivalence",
        json={"document": {"rules": [{"code": "x"}]}},
        headers=world.auth("regulator"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]


def test_an_equivalence_refusal_is_said_in_both_languages(client, world: World) -> None:
    doc = equivalence_document()
    doc["rules"] = [r for r in doc["rules"] if r["scope"] == "national"]
    doc["rules"].append(dict(doc["rules"][0]))  # the same rule code twice
    r = client.post(f"{API}/equivalence", json={"document": doc}, headers=world.auth("regulator"))
    assert r.status_code == 422
    [problem] = r.json()["error"]["details"]
    code = doc["rules"][0]["code"]
    assert problem["problem"] == f"规则编码重复：{code}"
    assert problem["problem_en"] == f"rule codes must be unique: {code}"


def test_baseline_lifecycle_for_the_regulator(client, world: World) -> None:
    baselines = client.get(f"{API}/baselines", headers=world.auth("a_admin")).json()
    assert baselines["count"] >= 9
    assert {b["status"] for b in baselines["data"]} == {"published"}
    one = baselines["data"][0]
    r = client.post(f"{API}/baselines/{one['id']}/new-version", headers=world.auth("regulator"))
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2
    assert (
        client.post(
            f"{API}/baselines/{r.json()['id']}/publish", headers=world.auth("regulator")
        ).json()["status"]
        == "published"
    )


def test_unknown_series_or_trade_is_named(client, world: World) -> None:
    doc = example_document()
    doc["series"] = "underwater_basketry"
    r = _draft(client, world, doc)
    assert r.status_code == 422
    [problem] = [d for d in r.json()["error"]["details"] if d["field"] == "document.series"]
    assert "underwater_basketry" in problem["problem_en"]
