"""The catalogue of title series and skill trades a standard may name (shipped as
``defaults/catalogue.json``; the regulator may pass its own)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from standards.levels import Lang, Track


class CatalogueEntry(BaseModel):
    """A series (title) or trade (skill) code with its names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    name_en: str


class Catalogue(BaseModel):
    """Known title series and skill trades."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title_series: tuple[CatalogueEntry, ...]
    skill_trades: tuple[CatalogueEntry, ...]
    source: str = ""

    def entries(self, track: Track) -> tuple[CatalogueEntry, ...]:
        """The series (title) or trades (skill) of ``track``."""
        return self.title_series if track is Track.title else self.skill_trades

    def codes(self, track: Track) -> list[str]:
        """Codes known on ``track``."""
        return [e.code for e in self.entries(track)]

    def name(self, track: Track, code: str, lang: Lang = "zh") -> str:
        """Display name of a series or trade; the code itself when unknown."""
        for e in self.entries(track):
            if e.code == code:
                return e.name if lang == "zh" else e.name_en
        return code


@cache
def load_catalogue() -> Catalogue:
    """The shipped catalogue (immutable, so loading it once is safe)."""
    text = resources.files("standards.defaults").joinpath("catalogue.json").read_text("utf-8")
    return Catalogue.model_validate(json.loads(text))
