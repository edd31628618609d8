"""PDF building blocks: A4 pages in the shipped Chinese font (fpdf2 embeds a subset of it, so
the text shows on a machine with no Chinese font), headings, key–value lines and tables."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttf"
FAMILY = "wqy"


class Document(FPDF):
    """An A4 document with the Chinese font, a footer with the page number and the issuer."""

    def __init__(self, *, title: str, footer: str = "", landscape: bool = False) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.add_font(FAMILY, fname=str(FONT))
        self.set_title(title)
        self.set_creator("南通企业自主评审平台")
        self.footer_text = footer
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()
        self.set_font(FAMILY, size=11)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(120)
        self.cell(0, 5, f"{self.footer_text}  第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: float = 18) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.55, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_font(FAMILY, size=11)

    def paragraph(self, text: str, size: float = 11) -> None:
        self.set_font(FAMILY, size=size)
        # Left-aligned: justifying spreads CJK text around the Latin runs.
        self.multi_cell(0, size * 0.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def fields(self, rows: Sequence[tuple[str, str]], label_width: float = 38) -> None:
        for label, value in rows:
            self.set_font(FAMILY, size=11)
            self.set_text_color(90)
            self.cell(label_width, 7, label)
            self.set_text_color(0)
            self.multi_cell(0, 7, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A ruled table whose header row repeats on every page."""
        self.set_font(FAMILY, size=9)
        with self.table(
            col_widths=tuple(widths),
            text_align="CENTER",
            line_height=6,
            repeat_headings=1,
            first_row_as_headings=True,
            # The shipped face has no bold: headings are shaded instead.
            headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
        ) as grid:
            head = grid.row()
            for h in headers:
                head.cell(h)
            for values in rows:
                row = grid.row()
                for v in values:
                    row.cell(v)
        self.ln(3)
        self.set_font(FAMILY, size=11)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        buffer = io.BytesIO()
        segno.make(data, error="m").save(buffer, kind="png", scale=8, border=2)
        buffer.seek(0)
        self.image(buffer, x=x, y=y, w=size, h=size)

    def render(self) -> bytes:
        return bytes(self.output())
