"""Application materials: typed by content, limited in size, stored once, reviewed by HR per
material, replaced while intake is open, seen by the panel but never by a conflicted member
or another enterprise, streamed with ranges, and listed in the filing's manifest."""

from __future__ import annotations

import os
from collections.abc import Iterator

from sqlmodel import Session, func, select

from review_service.materials.models import Material, MaterialFile
from tests.review_service.reviews.flow import API, Flow, round_in

MB = 1024 * 1024
PDF = b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 50 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
JPEG = b"\xff\xd8\xff\xe0" + os.urandom(3000)
EXE = b"MZ\x90\x00" + os.urandom(4000)


def upload(
    flow: Flow, app_id: int, kind: str, content, name: str = "证书.pdf", who: str = "a_applicant"
):  # type: ignore[no-untyped-def]
    return flow.client.post(
        f"{API}/applications/{app_id}/materials/{kind}",
        params={"file_name": name},
        content=content,
        headers={**flow.auth(who), "Content-Type": "application/octet-stream"},
    )


def replace(flow: Flow, material_id: int, content: bytes, who: str = "a_applicant"):  # type: ignore[no-untyped-def]
    return flow.client.post(
        f"{API}/materials/{material_id}/replace",
        params={"file_name": "新扫描件.pdf"},
        content=content,
        headers={**flow.auth(who), "Content-Type": "application/pdf"},
    )


def listing(flow: Flow, app_id: int, who: str = "a_applicant") -> dict:
    r = flow.client.get(f"{API}/applications/{app_id}/materials", headers=flow.auth(who))
    assert r.status_code == 200, r.text
    return r.json()


def stored_files(flow: Flow) -> int:
    with Session(flow.engine) as s:
        return s.exec(select(func.count()).select_from(MaterialFile)).one()


def _open_application(flow: Flow) -> tuple[int, int]:
    sid = flow.create_session()["id"]
    flow.advance(sid, "open")
    r = flow.apply(sid)
    assert r.status_code == 201, r.text
    return sid, r.json()["id"]


def test_uploads_complete_the_required_kinds_and_are_logged(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    before = listing(flow, app_id)
    assert [k["code"] for k in before["kinds"] if k["required"]] == [
        "education",
        "current_level",
        "performance",
    ]
    assert before["complete"] is False
    for kind, content in (("education", JPEG), ("current_level", PNG), ("performance", PDF)):
        r = upload(flow, app_id, kind, content)
        assert r.status_code == 201, r.text
    body = r.json()
    assert body["file_type"] == "pdf" and body["media_type"] == "application/pdf"
    assert body["status"] == "submitted" and len(body["sha256"]) == 64
    after = listing(flow, app_id)
    assert after["complete"] is True
    assert after["total_size"] == len(JPEG) + len(PNG) + len(PDF)
    names = {k["code"]: [m["file_name"] for m in k["materials"]] for k in after["kinds"]}
    # The extension follows the content: the JPEG named .pdf is served as .jpg.
    assert names["education"] == ["证书.jpg"]
    assert flow.events("material.upload") == 3


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    r = upload(flow, app_id, "education", EXE, name="学历证书.pdf")
    assert r.status_code == 415, r.text
    error = r.json()["error"]
    assert error["code"] == "unsupported_file_type"
    assert "无法识别" in error["message"] and "PDF" in error["message"]
    assert stored_files(flow) == 0 and flow.events("material.upload") == 0


def test_a_type_the_kind_does_not_accept_is_refused(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    r = upload(flow, app_id, "performance", PNG, name="业绩.png")
    assert r.status_code == 415
    assert "PNG文件" in r.json()["error"]["message"]
    assert upload(flow, app_id, "passport", PDF).status_code == 422


def test_a_200_mb_upload_is_refused_from_its_declared_length(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    pulled = 0

    def body() -> Iterator[bytes]:
        nonlocal pulled
        for _ in range(200 * 16):
            pulled += 64 * 1024
            yield b"%PDF" + bytes(64 * 1024 - 4)

    r = flow.client.post(
        f"{API}/applications/{app_id}/materials/education",
        content=body(),
        headers={**flow.auth("a_applicant"), "Content-Length": str(200 * MB)},
    )
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "file_too_large"
    assert "1 MB" in r.json()["error"]["message"]
    # The body was not read in: at most what the transport buffered before the answer.
    assert pulled < 200 * MB
    assert stored_files(flow) == 0


def test_a_chunked_upload_is_cut_off_once_past_the_limit(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    pulled = 0

    def body() -> Iterator[bytes]:
        nonlocal pulled
        for _ in range(200 * 16):
            pulled += 64 * 1024
            yield bytes(64 * 1024)

    r = flow.client.post(
        f"{API}/applications/{app_id}/materials/education",
        content=body(),
        headers=flow.auth("a_applicant"),
    )
    assert r.status_code == 413, r.text
    assert stored_files(flow) == 0


def test_the_application_total_is_limited(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    big = b"%PDF-1.7\n" + os.urandom(MB - 100)
    for i in range(2):
        r = upload(flow, app_id, "achievements", big[:-1] + bytes([i]))
        assert r.status_code == 201, r.text
    r = upload(flow, app_id, "achievements", big[:-1] + b"x")
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "application_materials_too_large"


def test_the_same_content_is_stored_once(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    assert upload(flow, app_id, "education", PDF).status_code == 201
    assert upload(flow, app_id, "achievements", PDF).status_code == 201
    again = upload(flow, app_id, "education", PDF)
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_material"
    assert stored_files(flow) == 1
    with Session(flow.engine) as s:
        assert s.exec(select(func.count()).select_from(Material)).one() == 2


def test_hr_returns_one_with_a_reason_and_the_applicant_replaces_it(flow: Flow) -> None:
    sid, app_id = _open_application(flow)
    ids = [
        upload(flow, app_id, k, c).json()["id"]
        for k, c in (("education", JPEG), ("current_level", PNG), ("performance", PDF))
    ]
    no_reason = flow.client.post(
        f"{API}/materials/{ids[1]}/review",
        json={"decision": "return"},
        headers=flow.auth("a_admin"),
    )
    assert no_reason.status_code == 422
    by_applicant = flow.client.post(
        f"{API}/materials/{ids[0]}/review",
        json={"decision": "accept"},
        headers=flow.auth("a_applicant"),
    )
    assert by_applicant.status_code == 403
    r = flow.client.post(
        f"{API}/materials/{ids[1]}/review",
        json={"decision": "return", "reason": "证书扫描不清晰，请重新上传"},
        headers=flow.auth("a_admin"),
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
    flow.client.post(
        f"{API}/materials/{ids[0]}/review",
        json={"decision": "accept"},
        headers=flow.auth("a_admin"),
    )
    seen = listing(flow, app_id)
    current_level = next(k for k in seen["kinds"] if k["code"] == "current_level")
    assert current_level["materials"][0]["review_reason"] == "证书扫描不清晰，请重新上传"
    assert current_level["satisfied"] is False and seen["complete"] is False
    # An accepted material stays as accepted.
    assert replace(flow, ids[0], PDF).status_code == 409
    new = replace(flow, ids[1], b"\x89PNG\r\n\x1a\n" + b"clear scan")
    assert new.status_code == 201, new.text
    assert new.json()["status"] == "submitted" and new.json()["file_name"] == "新扫描件.png"
    seen = listing(flow, app_id)
    assert seen["complete"] is True
    current_level = next(k for k in seen["kinds"] if k["code"] == "current_level")
    assert [m["id"] for m in current_level["materials"]] == [new.json()["id"]]
    assert flow.events("material.return") == 1 and flow.events("material.accept") == 1
    assert flow.events("material.replace") == 1
    # Once intake closes nothing is replaced, but HR still reviews (资格审核).
    flow.advance(sid, "validating")
    late = replace(flow, new.json()["id"], PDF)
    assert late.status_code == 409 and late.json()["error"]["code"] == "wrong_state"
    ok = flow.client.post(
        f"{API}/materials/{new.json()['id']}/review",
        json={"decision": "accept"},
        headers=flow.auth("a_admin"),
    )
    assert ok.status_code == 200


def test_download_streams_with_type_disposition_and_ranges(flow: Flow) -> None:
    _, app_id = _open_application(flow)
    mid = upload(flow, app_id, "performance", PDF, name='../../etc/业绩\r\n"证明".PDF').json()["id"]
    url = f"{API}/materials/{mid}/content"
    r = flow.client.get(url, headers=flow.auth("a_applicant"))
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["accept-ranges"] == "bytes"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("inline; filename=")
    assert "/" not in disposition.split("filename*=")[0] and "\r" not in disposition
    assert "filename*=UTF-8''%E4%B8%9A%E7%BB%A9___%E8%AF%81%E6%98%8E_.pdf" in disposition
    attach = flow.client.get(url, params={"download": True}, headers=flow.auth("a_applicant"))
    assert attach.headers["content-disposition"].startswith("attachment;")
    part = flow.client.get(url, headers={**flow.auth("a_admin"), "Range": "bytes=5-14"})
    assert part.status_code == 206 and part.content == PDF[5:15]
    assert part.headers["content-range"] == f"bytes 5-14/{len(PDF)}"
    tail = flow.client.get(url, headers={**flow.auth("a_admin"), "Range": "bytes=-6"})
    assert tail.status_code == 206 and tail.content == PDF[-6:]
    bad = flow.client.get(url, headers={**flow.auth("a_admin"), "Range": f"bytes={len(PDF)}-"})
    assert bad.status_code == 416 and bad.headers["content-range"] == f"bytes */{len(PDF)}"


def test_the_panel_sees_materials_but_not_a_conflicted_member_or_other_tenants(
    flow: Flow,
) -> None:
    rnd = round_in(flow, "open", applicants=2)
    conflicted, other = rnd.applications
    with Session(flow.engine) as s:
        from review_service.reviews.models import Application

        owner = s.get(Application, conflicted)
        assert owner is not None
        owner_id = owner.applicant_user_id
    from review_service.accounts.models import User

    with Session(flow.engine) as s:
        owner_name = s.get(User, owner_id).username  # type: ignore[union-attr]
    mid = upload(flow, conflicted, "education", PDF, who=owner_name).json()["id"]
    expert = rnd.panel[1]
    declared = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/conflicts",
        json={"application_id": conflicted, "kind": "relative", "reason": "配偶"},
        headers=flow.auth(expert),
    ).json()
    flow.client.post(
        f"{API}/conflicts/{declared['id']}/resolution",
        json={"status": "confirmed", "reason": "属实"},
        headers=flow.auth("a_admin"),
    )
    flow.advance(rnd.session_id, "validating", "reviewing")
    seated = flow.auth(rnd.panel[2])
    assert flow.client.get(f"{API}/materials/{mid}/content", headers=seated).content == PDF
    assert listing(flow, conflicted, rnd.panel[2])["kinds"][0]["materials"][0]["id"] == mid
    me = flow.auth(expert)
    assert flow.client.get(f"{API}/materials/{mid}/content", headers=me).status_code == 404
    assert (
        flow.client.get(f"{API}/applications/{conflicted}/materials", headers=me).status_code == 404
    )
    assert flow.client.get(f"{API}/applications/{other}/materials", headers=me).status_code == 200
    for who in ("b_admin", "b_expert", "a_applicant"):
        r = flow.client.get(f"{API}/materials/{mid}/content", headers=flow.auth(who))
        assert r.status_code == 404, who
    assert (
        flow.client.get(
            f"{API}/materials/{mid}/content", headers=flow.auth("regulator")
        ).status_code
        == 403
    )


def test_the_filing_carries_the_manifest_not_the_files(flow: Flow) -> None:
    rnd = round_in(flow, "open")
    app_id = rnd.applications[0]
    with Session(flow.engine) as s:
        from review_service.accounts.models import User
        from review_service.reviews.models import Application

        app = s.get(Application, app_id)
        name = s.get(User, app.applicant_user_id).username  # type: ignore[union-attr]
    assert upload(flow, app_id, "performance", PDF, who=name).status_code == 201
    rnd2 = rnd
    order = ["validating", "reviewing"]
    flow.advance(rnd2.session_id, *order)
    from tests.review_service.reviews.flow import SCORES_HIGH

    for member in rnd.panel:
        assert flow.score(app_id, member, SCORES_HIGH).status_code == 200
    flow.advance(rnd.session_id, "voting")
    for member in rnd.panel:
        assert flow.vote(app_id, member, "approve").status_code == 201
    flow.advance(rnd.session_id, "decided", "public_notice")
    flow.clock.today = flow.clock.today.fromordinal(flow.clock.today.toordinal() + 14)
    flow.advance(rnd.session_id, "finalized")
    r = flow.client.post(
        f"{API}/review-sessions/{rnd.session_id}/file", headers=flow.auth("a_admin")
    )
    assert r.status_code in (200, 201), r.text
    from review_service.filings.models import FilingRecord

    with Session(flow.engine) as s:
        filing = s.exec(select(FilingRecord)).one()
    import hashlib

    entry = filing.document["applications"][0]
    assert entry["materials"] == [
        {
            "kind": "performance",
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "size": len(PDF),
            "file_type": "pdf",
            "status": "submitted",
        }
    ]
    assert "content" not in str(entry["materials"])
