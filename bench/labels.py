"""Ground truth of a synthetic data set: every planted manipulation with the signal it should
raise and where (enterprise, session, application, member), and per enterprise whether anything
was planted in it; plus matching audit flags against that truth.

A label's ``refs`` lists the places a correct flag may point at (a duplicate person is two
applications; identical score vectors are two members). A label with ``primary=False`` is a
side effect a plant is expected to cause as well (a reciprocal-scoring expert is also a lenient
member): a flag on it is neither a hit nor a false alarm, and missing it costs no recall.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ref:
    """Where a flag may point: the most specific known fields; None means any."""

    credit_code: str
    session_ref: str | None = None
    application_ref: str | None = None
    member_id: str | None = None


@dataclass
class PlantLabel:
    """One planted manipulation."""

    signal: str
    scope: str  # "application" | "member" | "session" | "enterprise"
    refs: list[Ref]
    variant: str = ""
    primary: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def credit_code(self) -> str:
        return self.refs[0].credit_code

    def as_dict(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "scope": self.scope,
            "variant": self.variant,
            "primary": self.primary,
            "refs": [r.__dict__ for r in self.refs],
            "details": self.details,
        }


@dataclass(frozen=True)
class EnterpriseTruth:
    """A review body and whether anything was planted in it."""

    credit_code: str
    name: str
    kind: str
    cluster: str
    manipulated: bool
    plants: tuple[str, ...]


def _flag_refs(flag: Any) -> tuple[str, str | None, str | None, str | None, list[str]]:
    get: Callable[[str], Any] = (
        flag.get if isinstance(flag, dict) else lambda k: getattr(flag, k, None)
    )
    return (
        get("enterprise_credit_code"),
        get("session_ref"),
        get("application_ref"),
        get("member_id"),
        list(get("records") or []),
    )


def _ref_matches(
    ref: Ref, credit: str, session: Any, app: Any, member: Any, records: list[str]
) -> bool:
    if ref.credit_code != credit:
        return False
    if ref.session_ref and session and ref.session_ref != session:
        return False
    if ref.application_ref and app and ref.application_ref != app:
        return False
    if ref.member_id and member and ref.member_id != member:
        return False
    # A flag narrower than the label (an application flag for a session label) points inside
    # it; a wider flag (an enterprise flag for an application label) must name the record.
    if ref.application_ref and not app and records and ref.application_ref not in records:
        return bool(ref.member_id and member == ref.member_id)
    return True


def matching_labels(flag: Any, labels: Iterable[PlantLabel]) -> list[PlantLabel]:
    """The labels of the flag's signal that the flag points at."""
    raw = flag.get("signal") if isinstance(flag, dict) else flag.signal
    credit, session, app, member, records = _flag_refs(flag)
    return [
        label
        for label in labels
        if label.signal == raw
        and any(_ref_matches(r, credit, session, app, member, records) for r in label.refs)
    ]


@dataclass
class SignalScore:
    """Precision and recall of one signal."""

    signal: str
    labels: int
    found: int
    flags: int
    true_flags: int
    ignored_flags: int

    @property
    def recall(self) -> float | None:
        return self.found / self.labels if self.labels else None

    @property
    def precision(self) -> float | None:
        judged = self.flags - self.ignored_flags
        return self.true_flags / judged if judged else None


def score_flags(
    flags: Iterable[Any], labels: Iterable[PlantLabel], signal_of: dict[str, str] | None = None
) -> dict[str, SignalScore]:
    """Per signal: how many primary labels some flag found (recall), and how many flags point at
    a label of their signal (precision; flags on secondary labels are left out of both).
    ``signal_of`` maps a flag's signal code to the label code when they differ."""
    signal_of = signal_of or {}
    by_signal: dict[str, list[PlantLabel]] = defaultdict(list)
    for label in labels:
        by_signal[label.signal].append(label)
    found: dict[str, set[int]] = defaultdict(set)
    out: dict[str, SignalScore] = {
        s: SignalScore(s, sum(1 for x in ls if x.primary), 0, 0, 0, 0)
        for s, ls in by_signal.items()
    }
    for flag in flags:
        raw: str = flag["signal"] if isinstance(flag, dict) else flag.signal
        signal = signal_of.get(raw, raw)
        score = out.setdefault(signal, SignalScore(signal, 0, 0, 0, 0, 0))
        score.flags += 1
        credit, session, app, member, records = _flag_refs(flag)
        hit_primary = False
        hit_secondary = False
        for i, label in enumerate(by_signal.get(signal, ())):
            if any(_ref_matches(r, credit, session, app, member, records) for r in label.refs):
                if label.primary:
                    hit_primary = True
                    found[signal].add(i)
                else:
                    hit_secondary = True
        if hit_primary:
            score.true_flags += 1
        elif hit_secondary:
            score.ignored_flags += 1
    for signal, idx in found.items():
        out[signal].found = len(idx)
    return out
