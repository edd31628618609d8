"""What every signal module shares: the ``Signal`` record, the run ``Context`` a detector
reads, the settings of a run, and the helpers that name what a flag is about.

A signal module holds its metadata (``SignalInfo``: code, names, kind, scope, usual
severity), what its bands mean, its bilingual reason templates and one
``detect(dataset, features, context) -> list[Flag]``; it ends with ``SIGNAL = Signal(...)``.
``audit.signals`` finds every such module, so adding a signal is one file (and its test).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from audit.dataset import AuditDataset, IntArray
from audit.eligibility import EligibilityCache
from audit.features import JUST_ABOVE_WIDTH, Features
from audit.flags import Flag, Scope, Severity, SignalInfo, make_flag
from audit.registry import Registries
from standards.document import Standard
from standards.levels import Education

# Stages of a run in order, with the share of the run done when each ends (for progress).
STAGES: dict[str, float] = {
    "rules.decision": 0.15,
    "rules.eligibility": 0.4,
    "rules.session_and_identity": 0.5,
    "rules.registries": 0.55,
    "statistics.scoring": 0.7,
    "statistics.outcomes": 0.8,
    "detector": 0.95,
}

# Band semantics shared by most signals.
RULE_BANDS = "certain: the filings (and registries, when imported) contradict the rule"
STAT_BANDS = "alarm: p < 0.002 (about 99.8%); alert: p < 0.05 (about 95%)"


@dataclass(frozen=True)
class RuleSettings:
    """The numbers rules use; regulator-editable defaults, not constants in code."""

    min_insured_months: int = 6
    # Reference share of exceptional-track applications when the standard sets no cap: tested
    # (one-sided binomial), not a limit anyone broke.
    exceptional_max_share: float = 0.10
    # A session may always hold this many less one: a single exceptional application in a
    # small session is no overuse, whatever the share.
    exceptional_min_count: int = 2
    final_score_tolerance: float = 0.01
    # Education registries cover higher education; lower claims cannot be checked there.
    registry_min_education: Education = Education.junior_college


@dataclass(frozen=True)
class AuditSettings:
    """Thresholds of one run; every number is a regulator-editable default."""

    rules: RuleSettings = field(default_factory=RuleSettings)
    # Half-widths around the pass line at which bunching is tested (smallest p, corrected).
    bunching_widths: tuple[float, ...] = (JUST_ABOVE_WIDTH, 6.0, 10.0)
    bunching_min_n: int = 8
    rubber_stamp_min_n: int = 5
    identical_tol: float = 0.02
    identical_min_apps: int = 5
    calibration_min_n: int = 5
    # A lean is judged against the spread of honest leans among peers (member_calibration);
    # an absolute floor in points on top of that is optional (0: none).
    calibration_min_deviation: float = 0.0
    calibration_max_spread_ratio: float = 0.5
    speed_floor_seconds: float = 60.0
    reciprocal_min_n: int = 5
    # Scorings an expert needs on one body, and on the others, to be compared with themself.
    favouritism_min_n: int = 5
    surge_min_history: int = 2
    detector: bool = True
    detector_contamination: dict[str, float] = field(
        default_factory=lambda: {"application": 0.005, "member": 0.01, "enterprise": 0.02}
    )
    random_state: int = 0
    detector_max_forests: int = 6
    # Processes for the eligibility re-check (the slowest rule) on large runs.
    workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class PeriodVolume:
    """A review body's applications and approvals in an earlier period (for surges), from
    audit runs or filings not in the current dataset."""

    credit_code: str
    period: str
    applications: int
    approved: int


def history_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[PeriodVolume]:
    """``PeriodVolume``s from plain rows with ``credit_code``, ``period``, ``applications``
    and ``approved`` (e.g. earlier audit runs' enterprise-period counts)."""
    return [
        PeriodVolume(
            credit_code=str(r["credit_code"]),
            period=str(r["period"]),
            applications=int(r["applications"]),
            approved=int(r["approved"]),
        )
        for r in rows
    ]


@dataclass
class Context:
    """Everything a detector may read besides the dataset and its features: the run's
    settings and inputs, and caches shared across signals."""

    settings: AuditSettings = field(default_factory=AuditSettings)
    baselines: Sequence[Standard] = ()
    registries: Registries | None = None
    history: Sequence[PeriodVolume] = ()
    cache: EligibilityCache = field(default_factory=EligibilityCache)


Detect = Callable[[AuditDataset, Features, Context], list[Flag]]


@dataclass(frozen=True)
class Signal:
    """One signal: what it is (``info``), when it runs (``stage``), what its bands mean, its
    reason templates (``str.format`` fields named in the module) and its detector.
    ``also`` lists further codes the same detector raises (the panel rules come from one
    check of the panel)."""

    info: SignalInfo
    stage: str
    bands: str
    reason: str
    reason_en: str
    detect: Detect
    also: tuple[SignalInfo, ...] = ()
    enabled: Callable[[Context], bool] = lambda context: True

    @property
    def code(self) -> str:
        """The signal code."""
        return self.info.code

    def infos(self) -> tuple[SignalInfo, ...]:
        """Every code this signal raises, its own first."""
        return (self.info, *self.also)


# --- references and formatting ----------------------------------------------------------


class Refs:
    """Flag references (enterprise, period, filing, session, application, member) by row."""

    def __init__(self, ds: AuditDataset) -> None:
        self.ds = ds

    def session(self, s: int) -> dict[str, Any]:
        ds = self.ds
        return {
            "enterprise_credit_code": str(ds.enterprise_code[ds.session_enterprise[s]]),
            "period": str(ds.session_period[s]),
            "filing_id": str(ds.session_filing_id[s]),
            "session_ref": str(ds.session_ref[s]),
        }

    def application(self, a: int) -> dict[str, Any]:
        return {**self.session(int(self.ds.app_session[a])), "application_ref": self.app_ref(a)}

    def member(self, m: int) -> dict[str, Any]:
        return {
            **self.session(int(self.ds.member_session[m])),
            "member_id": str(self.ds.member_id[m]),
        }

    def unit(self, features: Features, u: int) -> dict[str, Any]:
        units = features.units
        return {
            "enterprise_credit_code": str(self.ds.enterprise_code[units.enterprise[u]]),
            "period": str(units.period[u]),
        }

    def unit_filings(self, features: Features, u: int) -> list[str]:
        sessions = np.flatnonzero(features.units.session_unit == u)
        return [str(x) for x in self.ds.session_filing_id[sessions]]

    def app_ref(self, a: int) -> str:
        return str(self.ds.app_ref[a])

    def record(self, a: int) -> str:
        """A reference to an application that holds across filings: filing/application."""
        ds = self.ds
        return f"{ds.session_filing_id[ds.app_session[a]]}/{ds.app_ref[a]}"


def rule_flag(info: SignalInfo, refs: dict[str, Any], **fields: Any) -> Flag:
    """A rule's flag: band ``certain``, the signal's scope and severity unless given."""
    scope: Scope = fields.pop("scope", info.scope)
    severity: Severity = fields.pop("severity", info.severity)
    return make_flag(info.code, scope=scope, severity=severity, band="certain", **refs, **fields)


def stat_flag(info: SignalInfo, refs: dict[str, Any], test: Any, **fields: Any) -> Flag:
    """A statistic's flag: an alarm carries the signal's usual severity, an alert is low."""
    scope: Scope = fields.pop("scope", info.scope)
    severity: Severity = "low" if test.band == "alert" else info.severity
    return make_flag(
        info.code,
        scope=scope,
        severity=severity,
        band=test.band,
        p_value=test.p_value,
        **refs,
        **fields,
    )


def fmt_p(p: float) -> str:
    """A p-value as shown in reasons."""
    return f"{p:.2g}" if p >= 1e-4 else "<0.0001"


def null_en(statistic_name: str) -> str:
    """The null model a screen used, from its statistic's name (beta-binomial or binomial)."""
    return "beta-binomial" if "beta-binomial" in statistic_name else "binomial"


def null_zh(statistic_name: str) -> str:
    return "贝塔二项" if "beta-binomial" in statistic_name else "二项"


def groups_of(keys: IntArray, rows: IntArray) -> Iterable[IntArray]:
    """Rows sharing a key, for keys shared by two rows or more (in key order)."""
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    _, start, count = np.unique(keys, return_index=True, return_counts=True)
    for first, size in zip(start[count > 1].tolist(), count[count > 1].tolist(), strict=True):
        yield rows[first : first + size]


def mask(ds: AuditDataset, a: int) -> str:
    """How an applicant is named in reasons."""
    # A short prefix of the keyed hash names the person without revealing anything.
    return str(ds.person_keys[ds.app_person[a]])[:8]


def applicant(ds: AuditDataset, a: int, lang: str = "zh") -> str:
    """The applicant of application ``a`` as a regulator can look them up: the name as filed
    and the masked resident ID (never the keyed hash)."""
    name, id_mask = ds.app_name[a], ds.app_id_mask[a]
    if lang == "zh":
        if name and id_mask:
            return f"{name}，身份证号{id_mask}"
        return str(name) if name else (f"身份证号{id_mask}" if id_mask else "未具名")
    if name and id_mask:
        return f"{name}, ID {id_mask}"
    return str(name) if name else (f"ID {id_mask}" if id_mask else "unnamed")
