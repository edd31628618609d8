"""Problems found in a document or a panel, and the laxities of a standard against its
baseline: each names where (a dotted/indexed path), a stable code, and what, in both languages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong, e.g. ``Problem("criteria[2].weight", "criteria.weights_sum", ...)``."""

    path: str
    code: str
    message: str
    message_en: str


class InvalidValue(ValueError):
    """A validator's refusal said in both languages; pydantic keeps it as the error's
    ``ctx["error"]``, so whoever reports the validation error can show either."""

    def __init__(self, message: str, message_en: str) -> None:
        self.message = message
        self.message_en = message_en
        super().__init__(message_en)


def bilingual(error: Any) -> tuple[str, str] | None:
    """(Chinese, English) of a pydantic error raised as ``InvalidValue``, else None."""
    found = (error.get("ctx") or {}).get("error")
    return (found.message, found.message_en) if isinstance(found, InvalidValue) else None


class StandardInvalid(ValueError):
    """A standard document was refused; ``problems`` lists every reason, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "; ".join(f"{p.path}: {p.message_en}" for p in self.problems)
        super().__init__(f"standard refused ({len(self.problems)} problems): {lines}")


@dataclass(frozen=True)
class Laxity:
    """One way a standard is laxer than the regulator's baseline."""

    path: str
    code: str
    baseline_value: str
    standard_value: str
    message: str
    message_en: str


def format_path(loc: Iterable[str | int]) -> str:
    """Render a location as ``criteria[2].weight`` (ints become indexes, names are dotted)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def join_path(prefix: str, suffix: str) -> str:
    """Join two rendered paths: ``join_path("requirements[0]", "years")``."""
    if not prefix:
        return suffix
    if not suffix:
        return prefix
    return prefix + (suffix if suffix.startswith("[") else "." + suffix)
