"""The 公示 and the 评审结果/备案表 as PDFs: Chinese text extracted back from the file, the font
embedded, pages rendered, and the usual access (other tenants 404, experts refused)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2

from tests.review_service.reviews.flow import API, Flow, round_in


def _text(body: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(body)
    pdf = pypdfium2.PdfDocument(str(path))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    image = pdf[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 60  # something is drawn
    return text, len(pdf)


def test_the_public_notice_pdf(flow: Flow, tmp_path: Path) -> None:
    rnd = round_in(flow, "public_notice", applicants=2)
    r = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}/notice.pdf", headers=flow.auth("a_admin")
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and b"/FontFile2" in r.content
    text, _ = _text(r.content, tmp_path)
    notice = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}/notice", headers=flow.auth("a_admin")
    ).json()
    assert "结果公示" in text and "个工作日" in text and "提出异议" in text
    assert flow.world.a.enterprise.name in text
    for entry in notice["entries"]:
        assert entry["name"] in text
    assert notice["ends_on"].replace("-", "")[:4] in text
    # Applicants of the enterprise read it too; another enterprise never does.
    assert (
        flow.client.get(
            f"{API}/review-sessions/{rnd.session_id}/notice.pdf", headers=flow.auth("a_applicant")
        ).status_code
        == 200
    )
    assert (
        flow.client.get(
            f"{API}/review-sessions/{rnd.session_id}/notice.pdf", headers=flow.auth("b_admin")
        ).status_code
        == 404
    )


def test_the_result_sheet_pdf(flow: Flow, tmp_path: Path) -> None:
    rnd = round_in(flow, "finalized", applicants=3)
    url = f"{API}/review-sessions/{rnd.session_id}/result-sheet.pdf"
    for who in ("a_admin", "regulator"):
        r = flow.client.get(url, headers=flow.auth(who))
        assert r.status_code == 200, r.text
    text, pages = _text(r.content, tmp_path)
    assert pages >= 1
    assert "评审结果备案表" in text and "通过3人" in text and "7/0/0" in text
    assert "外部专家2人" in text
    assert flow.client.get(url, headers=flow.auth("a_expert")).status_code == 403
    assert flow.client.get(url, headers=flow.auth("b_admin")).status_code == 404
