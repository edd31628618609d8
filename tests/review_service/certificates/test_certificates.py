"""Certificates: issued to every approved applicant when the session is finalized, printed
with the Chinese font embedded and a QR code, verified without login by number and name,
revoked by the regulator (by hand or from a confirmed case) and shown revoked at once."""

from __future__ import annotations

import pypdfium2
from sqlmodel import Session

from review_service.supervision.models import Case
from tests.review_service.reviews.flow import API, Flow, round_in


def _finalized(flow: Flow, applicants: int = 2) -> tuple[int, list[dict]]:
    rnd = round_in(flow, "finalized", applicants=applicants)
    r = flow.client.get(
        f"{API}/certificates", params={"session_id": rnd.session_id}, headers=flow.auth("a_admin")
    )
    assert r.status_code == 200, r.text
    return rnd.session_id, r.json()["data"]


def test_finalizing_issues_one_certificate_per_approved_applicant(flow: Flow) -> None:
    _, certs = _finalized(flow)
    assert len(certs) == 2 and len({c["number"] for c in certs}) == 2
    c = certs[0]
    assert c["title"] == "职称证书" and c["level_name"] == "工程师" and c["status"] == "valid"
    assert "*" in c["id_mask"] and c["number"].startswith("ZC2026-")
    assert flow.events("certificate.issue") == 2
    # Other tenants and experts never see them.
    assert flow.client.get(f"{API}/certificates", headers=flow.auth("b_admin")).json()["count"] == 0
    assert flow.client.get(f"{API}/certificates", headers=flow.auth("a_expert")).status_code == 403


def test_the_pdf_embeds_its_font_and_reads_back_in_chinese(flow: Flow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, certs = _finalized(flow, applicants=1)
    c = certs[0]
    r = flow.client.get(f"{API}/certificates/{c['id']}/pdf", headers=flow.auth("a_admin"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert b"/FontFile2" in r.content  # the TrueType font travels inside the file
    path = tmp_path / "cert.pdf"
    path.write_bytes(r.content)
    pdf = pypdfium2.PdfDocument(str(path))
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    assert "职称证书" in text and c["number"] in text and c["holder_name"] in text
    assert "工程师" in text and c["id_mask"] in text
    image = page.render(scale=1).to_pil().convert("L")
    # The QR code (bottom right) is drawn: dark modules on the white page.
    qr = image.crop(
        (
            int(image.width * 0.66),
            int(image.height * 0.73),
            image.width - 40,
            int(image.height * 0.88),
        )
    )
    assert qr.getextrema()[0] < 50
    objects = [o.type for o in page.get_objects()]
    assert pypdfium2.raw.FPDF_PAGEOBJ_IMAGE in objects


def test_public_verification_and_revocation(flow: Flow) -> None:
    _, certs = _finalized(flow, applicants=1)
    c = certs[0]
    verify = lambda number, name: flow.client.get(  # noqa: E731
        f"{API}/public/certificates/verify", params={"number": number, "name": name}
    )
    ok = verify(c["number"], c["holder_name"]).json()
    assert ok["found"] and ok["status"] == "valid" and ok["enterprise_name"]
    wrong_name = verify(c["number"], "张三").json()
    assert wrong_name == {**{k: None for k in ok}, "found": False, "number": c["number"]}
    assert verify("ZC0000-0000-0000000", c["holder_name"]).json()["found"] is False
    by_hr = flow.client.post(
        f"{API}/certificates/{c['id']}/revocation",
        json={"reason": "自行撤销"},
        headers=flow.auth("a_admin"),
    )
    assert by_hr.status_code == 403
    flow.clock.today = flow.clock.today.fromordinal(flow.clock.today.toordinal() + 30)
    r = flow.client.post(
        f"{API}/certificates/{c['id']}/revocation",
        json={"reason": "评后审查发现不符合申报条件"},
        headers=flow.auth("regulator"),
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["status"] == "revoked" and r.json()["revoked_on"] == flow.clock.today.isoformat()
    )
    now = verify(c["number"], c["holder_name"]).json()
    assert now["status"] == "revoked" and now["revoked_on"] == flow.clock.today.isoformat()
    mine = flow.client.get(f"{API}/certificates", headers=flow.auth("a_admin")).json()["data"]
    assert (
        mine[0]["status"] == "revoked" and mine[0]["revoked_reason"] == "评后审查发现不符合申报条件"
    )
    again = flow.client.post(
        f"{API}/certificates/{c['id']}/revocation",
        json={"reason": "再次"},
        headers=flow.auth("regulator"),
    )
    assert again.status_code == 409
    assert flow.events("certificate.revoke") == 1


def test_revocation_from_a_case_needs_it_confirmed_and_of_the_same_enterprise(flow: Flow) -> None:
    _, certs = _finalized(flow, applicants=1)
    c = certs[0]
    from tests.review_service.certificates.cases import add_case

    open_case = add_case(flow, tenant="a", status="open")
    foreign_case = add_case(flow, tenant="b", status="confirmed")
    confirmed = add_case(flow, tenant="a", status="confirmed")
    url = f"{API}/certificates/{c['id']}/revocation"
    reg = flow.auth("regulator")
    r = flow.client.post(url, json={"reason": "依据核查", "case_id": open_case}, headers=reg)
    assert r.status_code == 422 and r.json()["error"]["code"] == "case_not_confirmed"
    r = flow.client.post(url, json={"reason": "依据核查", "case_id": foreign_case}, headers=reg)
    assert r.status_code == 404
    r = flow.client.post(url, json={"reason": "依据核查", "case_id": confirmed}, headers=reg)
    assert r.status_code == 200 and r.json()["revoked_case_id"] == confirmed
    with Session(flow.engine) as s:
        assert s.get(Case, confirmed) is not None
