"""Application materials (申报材料) a standard asks for, and the file types the service accepts.

A standard lists its material kinds (``Standard.materials``); one that lists none asks for
the common set below, so standards written before materials existed keep working. A file's
type is decided by its first bytes (magic numbers), never by its name."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class FileType(StrEnum):
    pdf = "pdf"
    jpeg = "jpeg"
    png = "png"


MEDIA_TYPES: dict[FileType, str] = {
    FileType.pdf: "application/pdf",
    FileType.jpeg: "image/jpeg",
    FileType.png: "image/png",
}
EXTENSIONS: dict[FileType, str] = {
    FileType.pdf: ".pdf",
    FileType.jpeg: ".jpg",
    FileType.png: ".png",
}

# Signatures at offset 0. PDF readers accept the header within the first 1 kB, but every
# producer in practice writes it first; a leading junk block is refused as unrecognised.
_MAGIC: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType.pdf),
    (b"\xff\xd8\xff", FileType.jpeg),
    (b"\x89PNG\r\n\x1a\n", FileType.png),
)
MAGIC_BYTES = max(len(m) for m, _ in _MAGIC)


def sniff(head: bytes) -> FileType | None:
    """The file type its first bytes announce, or None when they are none of ours."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


class MaterialKind(BaseModel):
    """One kind of material: its code, names, whether every application needs it, and the
    file types accepted for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=50)
    name_en: str = Field(min_length=1, max_length=80)
    required: bool = False
    types: list[FileType] = Field(
        default_factory=lambda: list(FileType), min_length=1, max_length=len(FileType)
    )


DEFAULT_MATERIAL_KINDS: tuple[MaterialKind, ...] = (
    MaterialKind(
        code="education",
        name="学历学位证书",
        name_en="Diploma and degree certificates",
        required=True,
    ),
    MaterialKind(
        code="current_level",
        name="现职称/技能等级证书",
        name_en="Current title or skill-level certificate",
        required=True,
    ),
    MaterialKind(
        code="performance",
        name="业绩证明",
        name_en="Proof of work performance",
        required=True,
        types=[FileType.pdf],
    ),
    MaterialKind(code="achievements", name="论文/专利/获奖", name_en="Papers, patents, awards"),
    MaterialKind(
        code="continuing_education", name="继续教育证明", name_en="Continuing-education record"
    ),
    MaterialKind(code="social_insurance", name="社保证明", name_en="Social-insurance record"),
)


def material_kinds(listed: list[MaterialKind]) -> tuple[MaterialKind, ...]:
    """The kinds a standard asks for: its own list, or the common set when it lists none."""
    return tuple(listed) if listed else DEFAULT_MATERIAL_KINDS
