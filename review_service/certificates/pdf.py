"""The certificate as a one-page PDF with a QR code to the public verification page."""

from __future__ import annotations

from urllib.parse import urlencode

from review_service.certificates.models import Certificate
from review_service.certificates.service import to_public
from review_service.documents.pdf import Document


def verification_url(base_url: str, row: Certificate) -> str:
    query = urlencode({"number": row.number, "name": row.holder_name})
    return f"{base_url.rstrip('/')}/public/verify?{query}"


def render(row: Certificate, *, base_url: str) -> bytes:
    cert = to_public(row)
    doc = Document(title=f"{cert.title} {cert.number}", footer=f"证书编号 {cert.number}")
    doc.set_draw_color(150, 30, 30)
    doc.set_line_width(1.2)
    doc.rect(10, 10, 190, 277)
    doc.set_line_width(0.3)
    doc.rect(13, 13, 184, 271)
    doc.ln(18)
    doc.heading(cert.title, size=30)
    doc.heading("（电子证书）", size=12)
    doc.ln(10)
    doc.paragraph(
        f"　　{cert.holder_name}同志经{cert.enterprise_name}自主评审，"
        f"评审通过，具备{cert.series_name}{cert.level_name}资格，特发此证。",
        size=14,
    )
    doc.ln(6)
    doc.fields(
        [
            ("证书编号", cert.number),
            ("姓名", cert.holder_name),
            ("身份证号", cert.id_mask),
            ("系列/职业（工种）", cert.series_name),
            ("等级", cert.level_name),
            ("发证单位", cert.enterprise_name),
            ("发证日期", cert.issued_on.strftime("%Y年%m月%d日")),
        ],
        label_width=45,
    )
    if cert.revoked_on is not None:
        doc.ln(4)
        doc.set_text_color(200, 0, 0)
        doc.paragraph(
            f"本证书已于{cert.revoked_on:%Y年%m月%d日}撤销：{cert.revoked_reason}", size=13
        )
        doc.set_text_color(0)
    doc.qr(verification_url(base_url, row), x=140, y=215, size=42)
    doc.set_xy(20, 240)
    doc.paragraph(
        "扫描右侧二维码或登录平台“证书查验”页面，\n输入证书编号和姓名即可核验真伪。", size=10
    )
    return doc.render()
